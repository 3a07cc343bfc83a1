// Package sticky holds Writer, a writer that keeps its first error, so code
// that writes a document in many small pieces (a report, a runbook) writes
// freely and checks once, where stopping early pays (after a section, a
// customer), and at the end.
package sticky

import (
	"fmt"
	"io"
)

// Writer passes writes on to an io.Writer until one fails; from then on it
// writes nothing and Err returns that first error. Print, Printf and
// PrintBytes return nothing: the error is Err's to report.
type Writer struct {
	w   io.Writer
	err error
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p unless an earlier write failed, and returns the first
// error, so a Writer can be handed to anything that takes an io.Writer.
func (s *Writer) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	var n int
	n, s.err = s.w.Write(p)
	return n, s.err
}

// Print writes str.
func (s *Writer) Print(str string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, str)
	}
}

// Printf writes format formatted with args, as fmt.Fprintf does.
func (s *Writer) Printf(format string, args ...any) {
	if s.err == nil {
		_, s.err = fmt.Fprintf(s.w, format, args...)
	}
}

// PrintBytes writes p.
func (s *Writer) PrintBytes(p []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(p)
	}
}

// Err is the first write error, nil while every write succeeded.
func (s *Writer) Err() error { return s.err }
