package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shipdeck/backend/problem"
)

// The opener gets the path as one argument, exactly: a stand-in xdg-open on
// PATH writes down what it received.
func TestOpenPathPassesThePathAsItIs(t *testing.T) {
	if goos != "linux" {
		t.Skip("the stand-in opener is a shell script for xdg-open")
	}
	bin := t.TempDir()
	got := filepath.Join(t.TempDir(), "args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + got + ".tmp && mv " + got + ".tmp " + got + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, name := range []string{"plain", "with space", "hash#and%percent", "Zürich 東京", "100% #1 ?x"} {
		dir := filepath.Join(t.TempDir(), name)
		noErr(t, os.MkdirAll(dir, 0o700))
		os.Remove(got)
		if err := openPath(dir); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		var b []byte
		for i := 0; i < 100; i++ {
			if b, _ = os.ReadFile(got); len(b) > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if string(b) != dir+"\n" {
			t.Errorf("%q: the opener received %q, want the path as one argument", name, string(b))
		}
	}
	err := openPath(filepath.Join(t.TempDir(), "gone"))
	if !errors.Is(err, problem.ErrNotFound) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a missing path: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if err := openPath(bin); err == nil || !strings.Contains(err.Error(), "xdg-open is not installed") {
		t.Fatalf("no opener: %v", err)
	}
}
