package validate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"shipdeck/backend/problem"
)

func TestName(t *testing.T) {
	cases := []struct {
		in, want, err string
	}{
		{"  prod-eu  ", "prod-eu", ""},
		{"", "", "is required"},
		{" \t\n ", "", "is required"},
		{strings.Repeat("é", 100), strings.Repeat("é", 100), ""},
		{strings.Repeat("é", 101), "", "at most 100 characters (it has 101)"},
		{"a\x00b", "", "control character"},
		{"a\nb", "", "control character"},
		{"\xff", "", "not valid text"},
		// Invisible and direction-changing characters are refused, named.
		{"prod\u200beu", "", "Name contains an invisible character (U+200B ZERO WIDTH SPACE): remove it."},
		{"\u202eue-dorp", "", "Name contains a character that changes the direction of the text around it (U+202E RIGHT-TO-LEFT OVERRIDE): remove it."},
		{"a\u2066b\u2069", "", "(U+2066 LEFT-TO-RIGHT ISOLATE)"},
		{"\ufeffprod", "", "(U+FEFF ZERO WIDTH NO-BREAK SPACE)"},
		{"a\u2028b", "", "(U+2028 LINE SEPARATOR)"},
		{"a\u0085b", "", "Name contains a control character (U+0085 NEXT LINE) that cannot be stored: remove it."},
		{"a\U000e0041b", "", "Name contains an invisible character (U+E0041): remove it."},
		// The same visible text is one string: NFC.
		{"Zu\u0308rich", "Z\u00fcrich", ""},
		{"Z\u00fcrich", "Z\u00fcrich", ""},
		{"\u212b", "\u00c5", ""},
	}
	for _, c := range cases {
		got, err := Name("name", "Name", c.in)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("Name(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("Name(%q) error = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestNamespace(t *testing.T) {
	cases := []struct{ in, err string }{
		{"acme", ""},
		{"acme-staging-2", ""},
		{"a", ""},
		{strings.Repeat("a", 63), ""},
		{strings.Repeat("a", 64), "at most 63"},
		{"Acme", "must be lower case: use 'acme'"},
		{"-acme", "not a valid Kubernetes name"},
		{"acme-", "not a valid Kubernetes name"},
		{"ac_me", "not a valid Kubernetes name"},
		{"ac.me", "not a valid Kubernetes name"},
		{"", "Namespace is required."},
	}
	for _, c := range cases {
		_, err := Namespace(c.in)
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("Namespace(%q) = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestKubeconfigPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	noErr(t, os.WriteFile(file, []byte("secret-token: abc123"), 0o600))
	loop := filepath.Join(dir, "loop")
	noErr(t, os.Symlink(loop, loop))
	link := filepath.Join(dir, "link")
	noErr(t, os.Symlink(file, link))
	cases := []struct{ in, err string }{
		{"", ""},
		{file, ""},
		{link, ""},
		{"relative/config", "must be absolute"},
		{filepath.Join(dir, "missing"), "No file exists"},
		{dir, "is a folder"},
		{loop, "loops back"},
		{"/dev/null", "not a regular file"},
	}
	for _, c := range cases {
		got, err := KubeconfigPath(c.in)
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("KubeconfigPath(%q) = %v, want %q", c.in, err, c.err)
		}
		if strings.Contains(got, "abc123") || (err != nil && strings.Contains(err.Error(), "abc123")) {
			t.Errorf("KubeconfigPath leaked the file's content")
		}
	}
}

// TestKubeconfigPathHome: "~" and "~/..." are the operator's home folder,
// expanded before the checks and returned expanded (that is what a cluster
// stores); "~user" and a "~" inside the path are not expanded.
func TestKubeconfigPathHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	noErr(t, os.Mkdir(filepath.Join(home, ".kube"), 0o700))
	config := filepath.Join(home, ".kube", "config")
	noErr(t, os.WriteFile(config, []byte("secret-token: abc123"), 0o600))
	cases := []struct {
		name, in, want, err string
	}{
		{"file under home", "~/.kube/config", config, ""},
		{"trimmed first", "  ~/.kube/config\t", config, ""},
		{"cleaned after expansion", "~/.kube/../.kube//config", config, ""},
		{"home itself", "~", "", home + " is a folder, not a kubeconfig file."},
		{"home with slash", "~/", "", home + " is a folder"},
		{"missing file names the expanded path", "~/.kube/prod", "", "No file exists at " + filepath.Join(home, ".kube", "prod") + "."},
		{"another user's home is not expanded", "~root/.kube/config", "", "must be absolute (start with /, ~/ or a drive letter)"},
		{"double tilde is not expanded", "~~/.kube/config", "", "must be absolute"},
		{"tilde later in the path is kept", filepath.Join(home, "~", "config"), "", "No file exists at " + filepath.Join(home, "~", "config") + "."},
		{"absolute path unchanged", config, config, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := KubeconfigPath(c.in)
			if c.err == "" {
				if err != nil || got != c.want {
					t.Fatalf("KubeconfigPath(%q) = %q, %v; want %q", c.in, got, err, c.want)
				}
				return
			}
			if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("KubeconfigPath(%q) = %q, %v; want an error containing %q", c.in, got, err, c.err)
			}
		})
	}
}

// TestKubeconfigPathNoHome: when the home folder is unknown (or not an
// absolute path), "~/..." is refused in a sentence that says so instead of
// being taken as a relative path.
func TestKubeconfigPathNoHome(t *testing.T) {
	for _, home := range []string{"", "relative/home"} {
		t.Run(fmt.Sprintf("HOME=%q", home), func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("USERPROFILE", home)
			_, err := KubeconfigPath("~/.kube/config")
			if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "your home folder is not known: give the full path") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestContent(t *testing.T) {
	if _, err := Content("  \n "); err == nil {
		t.Error("blank content accepted")
	}
	if got, err := Content("  echo hi\n"); err != nil || got != "  echo hi\n" {
		t.Errorf("content changed: %q %v", got, err)
	}
	if _, err := Content(strings.Repeat("a", 5<<20)); err == nil || !strings.Contains(err.Error(), "too large: 5.0 MB") {
		t.Errorf("5 MB content: %v", err)
	}
	if _, err := Content("echo\x00"); err == nil {
		t.Error("NUL accepted")
	}
}

func TestIDs(t *testing.T) {
	cases := []struct {
		ids []int64
		err string
	}{
		{[]int64{1, 2, 3}, ""},
		{nil, "Choose at least one"},
		{[]int64{1, 0}, "positive"},
		{[]int64{1, -4}, "positive"},
		{[]int64{7, 7}, "twice"},
		{make([]int64, 11), "At most 10"},
	}
	for _, c := range cases {
		err := IDs("step", c.ids, 10)
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("IDs(%v) = %v, want %q", c.ids, err, c.err)
		}
	}
}

func FuzzName(f *testing.F) {
	f.Add("prod-eu")
	f.Add(" \x00 ")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Name("name", "Name", s)
		if err != nil {
			return
		}
		if got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxName || strings.ContainsRune(got, 0) || strings.TrimSpace(got) != got {
			t.Fatalf("accepted %q as %q", s, got)
		}
	})
}

func FuzzNamespace(f *testing.F) {
	f.Add("acme")
	f.Add("Acme-")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Namespace(s)
		if err != nil {
			return
		}
		if len(got) == 0 || len(got) > 63 || !dnsLabel.MatchString(got) {
			t.Fatalf("accepted %q", s)
		}
	})
}

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
