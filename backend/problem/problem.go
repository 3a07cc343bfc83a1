// Package problem holds the errors a user is meant to read: each carries a
// stable code the frontend can branch on and one plain sentence.
package problem

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// Code classifies a user-facing error.
type Code string

const (
	CodeInvalid  Code = "invalid"   // the input is malformed or out of range
	CodeNotFound Code = "not_found" // the thing asked for does not exist
	CodeConflict Code = "conflict"  // the input clashes with existing data
	CodeState    Code = "state"     // the action is not allowed in the current state
	CodeInternal Code = "internal"  // anything else; the message stays plain
)

// Sentinels for errors.Is: a *Error matches the sentinel of its code.
var (
	ErrInvalid  = &Error{Code: CodeInvalid}
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrConflict = &Error{Code: CodeConflict}
	ErrState    = &Error{Code: CodeState}
)

// Error is an error whose Message is fit to show to the operator as it is.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the input field at fault, when there is one
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, problem.ErrNotFound) true for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Invalid reports malformed input; field names the form field at fault.
func Invalid(field, format string, args ...any) error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing record.
func NotFound(format string, args ...any) error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports a clash with existing data, such as a duplicate name.
func Conflict(field, format string, args ...any) error {
	return &Error{Code: CodeConflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// State reports an action that the current state of a record does not allow.
func State(format string, args ...any) error {
	return &Error{Code: CodeState, Message: fmt.Sprintf(format, args...)}
}

// For returns the user-facing form of any error: a *Error as it is, anything
// else as an internal error whose message does not leak driver text.
func For(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: CodeInternal, Message: "Something went wrong and nothing was changed. Details are in the log."}
}

// Recover turns a panic in a bound method into an internal error, so one bad
// call cannot take the whole app down (Wails does not recover panics). Use it
// as `defer problem.Recover(&err)` with a named error result.
func Recover(err *error) {
	if r := recover(); r != nil {
		slog.Error("recovered panic in bound method", "panic", r, "stack", string(debug.Stack()))
		*err = &Error{Code: CodeInternal, Message: "Something went wrong and nothing was changed. Details are in the log."}
	}
}
