package problem

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestFormatLogsTheWholeCause(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)

	driver := errors.New("disk I/O error (4874)")
	err := fmt.Errorf("activate release 7: %w", fmt.Errorf("copy templates: %w", driver))
	pe := Format(err)
	if pe.Code != CodeInternal || pe.Message != internalMessage {
		t.Fatalf("shown %+v", pe)
	}
	if !errors.Is(pe, driver) {
		t.Fatal("the plain error lost its cause")
	}
	log := buf.String()
	for _, want := range []string{"unexpected error", "activate release 7: copy templates: disk I/O error (4874)", "*errors.errorString: disk I/O error (4874)"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}

	// A user-facing problem is shown as it is and not logged as unexpected.
	buf.Reset()
	if pe := Format(State("Release 'x' is archived.")); pe.Message != "Release 'x' is archived." || buf.Len() != 0 {
		t.Fatalf("problem %+v logged %q", pe, buf.String())
	}
	// A problem that wraps a cause keeps it for errors.Is.
	wrapped := Wrap(CodeInternal, driver, "The disk holding Shipdeck's data is full: nothing was changed.")
	if !errors.Is(wrapped, driver) || !errors.Is(wrapped, &Error{Code: CodeInternal}) {
		t.Fatal("Wrap lost its cause or its code")
	}
}

func TestRecoverKeepsThePanic(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	f := func() (err error) {
		defer Recover(&err)
		var m map[string]int
		m["x"] = 1 //nolint:staticcheck // SA5000: the panic is what this test recovers from
		return nil
	}
	err := f()
	if pe := For(err); pe.Code != CodeInternal || !strings.Contains(pe.Cause.Error(), "assignment to entry in nil map") {
		t.Fatalf("recovered %+v", pe)
	}
	if !strings.Contains(buf.String(), "recovered panic") {
		t.Fatalf("panic not logged: %s", buf.String())
	}
}
