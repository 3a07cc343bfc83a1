package validate

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"shipdeck/backend/problem"
)

// The fuzz targets FuzzName and FuzzNamespace (validate_test.go) check what
// is accepted; these check the free-text fields, step content and
// kubeconfig paths, and that every refusal is one plain, truthful sentence.

var itHas = regexp.MustCompile(`at most (\d+) characters \(it has (\d+)\)`)

// plainRefusal fails unless err is an invalid-input problem whose message
// is printable text and, when it quotes a length, quotes a true one.
func plainRefusal(t *testing.T, err error, max int) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != problem.CodeInvalid {
		t.Fatalf("not an invalid-input problem: %#v", err)
	}
	msg := pe.Message
	if msg == "" || !utf8.ValidString(msg) {
		t.Fatalf("message is not printable text: %q", msg)
	}
	for _, r := range msg {
		if (r < 0x20 || r == 0x7f) && r != '\t' { // a tab may be part of a quoted path
			t.Fatalf("control character in the message: %q", msg)
		}
	}
	if m := itHas.FindStringSubmatch(msg); m != nil {
		limit, _ := strconv.Atoi(m[1])
		has, _ := strconv.Atoi(m[2])
		if limit != max || has <= limit {
			t.Fatalf("message quotes a wrong length (limit %d): %q", max, msg)
		}
	}
}

// cleanText fails unless s is what a text field may store.
func cleanText(t *testing.T, s string, max int, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) || strings.TrimSpace(s) != s || utf8.RuneCountInString(s) > max {
		t.Fatalf("stored %q", s)
	}
	for _, r := range s {
		lineBreak := multiline && (r == '\n' || r == '\r')
		if (r < 0x20 || r == 0x7f) && r != '\t' && !lineBreak {
			t.Fatalf("stored a control character: %q", s)
		}
	}
}

func FuzzTextFields(f *testing.F) {
	f.Add("a note", uint16(10), true)
	f.Add(" \x00\n", uint16(1), false)
	f.Add(strings.Repeat("é", 70), uint16(63), false)
	f.Add("\xff\xfe", uint16(2000), true)
	f.Fuzz(func(t *testing.T, s string, limit uint16, multiline bool) {
		max := int(limit)%3000 + 1
		if got, err := Optional("note", "Note", s, max, multiline); err != nil {
			plainRefusal(t, err, max)
		} else {
			cleanText(t, got, max, multiline)
		}
		if got, err := Required("reason", "Reason", s, max); err != nil {
			plainRefusal(t, err, max)
		} else if got == "" {
			t.Fatal("Required accepted a blank value")
		} else {
			cleanText(t, got, max, true)
		}
		if got, err := Content(s); err != nil {
			plainRefusal(t, err, MaxContent)
		} else if got != s || strings.TrimSpace(s) == "" || len(s) > MaxContent || !utf8.ValidString(s) {
			t.Fatalf("Content accepted %q as %q", s, got)
		}
		if _, err := Namespace(s); err != nil {
			plainRefusal(t, err, MaxNamespace)
		}
		if _, err := Name("name", "Name", s); err != nil {
			plainRefusal(t, err, MaxName)
		}
	})
}

// FuzzKubeconfigPath feeds paths relative to (or escaping) a folder that
// holds a kubeconfig with a secret in it, a symlink to it, a symlink loop
// and a sub-folder, with that folder as the home folder so "~/config" names
// the kubeconfig too: validation never panics, never reads or repeats the
// file's contents, refuses in plain sentences, and accepts only absolute
// paths of regular files.
func FuzzKubeconfigPath(f *testing.F) {
	dir := f.TempDir()
	const secret = "token: s3cr3t-kube-token"
	noErr(f, os.WriteFile(filepath.Join(dir, "config"), []byte(secret), 0o600))
	noErr(f, os.Symlink(filepath.Join(dir, "config"), filepath.Join(dir, "link")))
	noErr(f, os.Symlink(filepath.Join(dir, "loop"), filepath.Join(dir, "loop")))
	noErr(f, os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	f.Setenv("HOME", dir)
	f.Setenv("USERPROFILE", dir)
	for _, s := range []string{"config", "link", "loop", "sub", "sub/../config", "missing", "", " ", "\x00", "/etc/hostname", "relative/x", "config/"} {
		f.Add(s, s != "relative/x")
	}
	for _, s := range []string{"~", "~/", "~/config", "~/link", "~/loop", "~/sub", "~/../config", "~x/config", " ~/config\t"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, p string, inDir bool) {
		if inDir {
			p = dir + "/" + p
		}
		got, err := KubeconfigPath(p)
		if strings.Contains(got, "s3cr3t") || (err != nil && strings.Contains(err.Error(), "s3cr3t")) {
			t.Fatal("the kubeconfig's contents leaked")
		}
		if err != nil {
			plainRefusal(t, err, 0)
			return
		}
		if got == "" {
			if strings.TrimSpace(p) != "" {
				t.Fatalf("%q accepted as no path", p)
			}
			return
		}
		if !filepath.IsAbs(got) || got != filepath.Clean(got) {
			t.Fatalf("accepted %q as %q", p, got)
		}
		if fi, err := os.Stat(got); err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("accepted %q, which is not a regular file (%v)", got, err)
		}
	})
}
