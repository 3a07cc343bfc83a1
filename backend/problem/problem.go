// Package problem holds the errors a user is meant to read: each carries a
// stable code the frontend can branch on and one plain sentence.
package problem

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
)

// Code classifies a user-facing error.
type Code string

// The codes of user-facing errors, one per kind of failure the frontend
// tells apart.
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
// Cause, when set, is what went wrong underneath: it is logged, never shown.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the input field at fault, when there is one
	Cause   error  `json:"-"`
}

func (e *Error) Error() string { return e.Message }

// Unwrap gives errors.Is and errors.As the cause.
func (e *Error) Unwrap() error { return e.Cause }

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

// Wrap is an error of code with a plain message and the cause underneath it.
func Wrap(code Code, cause error, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// internalMessage is what the operator reads when nothing plainer is known.
const internalMessage = "Something went wrong and nothing was changed. Details are in the log."

// For returns the user-facing form of any error: a *Error as it is, anything
// else as an internal error whose message does not leak driver text and
// whose Cause keeps the original.
func For(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: CodeInternal, Message: internalMessage, Cause: err}
}

// Format is the error formatter of the bound methods: the user-facing form,
// after logging every internal error with its whole cause chain (the
// operator is told the details are in the log, so they must be).
func Format(err error) *Error {
	pe := For(err)
	if pe != nil && pe.Code == CodeInternal {
		slog.Error("unexpected error", "err", errorText(pe), "chain", Chain(pe))
	}
	return pe
}

// errorText is the most telling message of err: the cause's when the
// problem hides it behind a plain sentence.
func errorText(pe *Error) string {
	if pe.Cause != nil {
		return pe.Cause.Error()
	}
	return pe.Message
}

// Chain lists the types and messages of err and every error it wraps, one
// level per line, so the log shows where each layer came from.
func Chain(err error) string {
	var b strings.Builder
	for i := 0; err != nil; i++ {
		if i > 0 {
			b.WriteString(" <- ")
		}
		fmt.Fprintf(&b, "%T: %s", err, err.Error())
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return b.String()
			}
			err = errs[0]
		default:
			err = errors.Unwrap(err)
		}
	}
	return b.String()
}

// Recover turns a panic in a bound method into an internal error, so one bad
// call cannot take the whole app down (Wails does not recover panics). Use it
// as `defer problem.Recover(&err)` with a named error result.
func Recover(err *error) {
	if r := recover(); r != nil {
		slog.Error("recovered panic in bound method", "panic", r, "stack", string(debug.Stack()))
		*err = &Error{Code: CodeInternal, Message: internalMessage, Cause: fmt.Errorf("panic: %v", r)}
	}
}
