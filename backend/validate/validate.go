// Package validate holds the pure input checks (docs/design.md,
// "Validation"). Each returns the cleaned value or a problem.Invalid error
// whose message is one sentence an operator understands.
package validate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"shipdeck/backend/problem"
)

// Limits on input sizes.
const (
	MaxName        = 100
	MaxDescription = 2000
	MaxNote        = 2000
	MaxContent     = 1 << 20 // 1 MiB of step content is far beyond any real script
	MaxNamespace   = 63
)

// text rejects what no field may hold: invalid UTF-8 and control characters
// other than tab and newlines (NUL bytes above all, which SQLite and C
// strings truncate silently).
func text(field, label, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return problem.Invalid(field, "%s contains characters that are not valid text.", label)
	}
	for _, r := range s {
		if r == '\t' || (multiline && (r == '\n' || r == '\r')) {
			continue
		}
		if r < 0x20 || r == 0x7f {
			return problem.Invalid(field, "%s contains a control character that cannot be stored.", label)
		}
	}
	return nil
}

// Name trims s, normalises it to NFC and requires 1..100 characters of
// one-line text that shows what it holds: a name may not contain a control
// or format character (Unicode Cc and Cf: zero-width spaces and joiners,
// bidirectional controls such as U+202E, the byte-order mark) or a line or
// paragraph separator. Those display as nothing, or reorder the text around
// them, so two names could look the same ("prod-eu" and "prod-eu" with a
// zero-width space) and a name could display reversed. NFC makes the same
// visible text one string ("Zürich" typed with a precomposed ü or with u
// and a combining diaeresis), so a unique index on the stored name
// compares what operators see.
func Name(field, label, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", problem.Invalid(field, "%s is required.", label)
	}
	if err := text(field, label, s, false); err != nil {
		return "", err
	}
	for _, r := range s {
		if err := visible(field, label, r); err != nil {
			return "", err
		}
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if n := utf8.RuneCountInString(s); n > MaxName {
		return "", problem.Invalid(field, "%s must be at most %d characters (it has %d).", label, MaxName, n)
	}
	return s, nil
}

// NameKey is the form in which two names are the same name: NFC, without
// the characters Name refuses, trimmed. It lets a uniqueness check find a
// name stored before Name refused them (or written by another program).
func NameKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if hidden(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(norm.NFC.String(s))
}

// hidden says whether r shows nothing or changes how the text around it
// displays: controls (Cc), format characters (Cf) and the line and
// paragraph separators.
func hidden(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// visible refuses r if it is hidden, naming it so the operator can find it.
func visible(field, label string, r rune) error {
	if !hidden(r) {
		return nil
	}
	if bidi(r) {
		return problem.Invalid(field, "%s contains a character that changes the direction of the text around it (%s): remove it.", label, describe(r))
	}
	if unicode.Is(unicode.Cc, r) {
		return problem.Invalid(field, "%s contains a control character (%s) that cannot be stored: remove it.", label, describe(r))
	}
	return problem.Invalid(field, "%s contains an invisible character (%s): remove it.", label, describe(r))
}

// bidi says whether r is a bidirectional control (embedding, override,
// isolate or mark).
func bidi(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// hiddenNames are the names of the hidden characters an operator is likely
// to meet (pasted from a web page, a chat, a word processor).
var hiddenNames = map[rune]string{
	0x0085: "NEXT LINE",
	0x00ad: "SOFT HYPHEN",
	0x061c: "ARABIC LETTER MARK",
	0x180e: "MONGOLIAN VOWEL SEPARATOR",
	0x200b: "ZERO WIDTH SPACE",
	0x200c: "ZERO WIDTH NON-JOINER",
	0x200d: "ZERO WIDTH JOINER",
	0x200e: "LEFT-TO-RIGHT MARK",
	0x200f: "RIGHT-TO-LEFT MARK",
	0x2028: "LINE SEPARATOR",
	0x2029: "PARAGRAPH SEPARATOR",
	0x202a: "LEFT-TO-RIGHT EMBEDDING",
	0x202b: "RIGHT-TO-LEFT EMBEDDING",
	0x202c: "POP DIRECTIONAL FORMATTING",
	0x202d: "LEFT-TO-RIGHT OVERRIDE",
	0x202e: "RIGHT-TO-LEFT OVERRIDE",
	0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES",
	0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	0xfeff: "ZERO WIDTH NO-BREAK SPACE",
}

// describe names r as "U+200B ZERO WIDTH SPACE" (or by its code point
// alone when it is rarer).
func describe(r rune) string {
	if name, ok := hiddenNames[r]; ok {
		return fmt.Sprintf("U+%04X %s", r, name)
	}
	return fmt.Sprintf("U+%04X", r)
}

// Optional trims s and allows it empty, up to max characters; multiline
// allows line breaks.
func Optional(field, label, s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if err := text(field, label, s, multiline); err != nil {
		return "", err
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", problem.Invalid(field, "%s must be at most %d characters (it has %d).", label, max, n)
	}
	return s, nil
}

// Required is Optional that refuses an empty value (a skip reason, say).
func Required(field, label, s string, max int) (string, error) {
	s, err := Optional(field, label, s, max, true)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", problem.Invalid(field, "%s is required.", label)
	}
	return s, nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Namespace requires a Kubernetes DNS-1123 label: lower-case letters, digits
// and '-', starting and ending with a letter or digit, at most 63 characters.
func Namespace(s string) (string, error) {
	s = strings.TrimSpace(s)
	const field = "namespace"
	switch {
	case s == "":
		return "", problem.Invalid(field, "Namespace is required.")
	case utf8.RuneCountInString(s) > MaxNamespace:
		return "", problem.Invalid(field, "Namespace must be at most %d characters (it has %d).", MaxNamespace, utf8.RuneCountInString(s))
	case strings.ToLower(s) != s && dnsLabel.MatchString(strings.ToLower(s)):
		return "", problem.Invalid(field, "Namespace must be lower case: use '%s'.", strings.ToLower(s))
	case !dnsLabel.MatchString(s):
		return "", problem.Invalid(field, "Namespace '%s' is not a valid Kubernetes name: use lower-case letters, digits and '-', starting and ending with a letter or digit.", printable(s))
	}
	return s, nil
}

// KubeconfigPath allows empty; otherwise the path must be absolute and name an
// existing, readable regular file (following symlinks). A leading "~" or "~/"
// (also "~\" on Windows) is the operator's home folder, as in a shell: it is
// expanded before the checks, and the expanded path is what is returned
// (and stored), so the record does not depend on who reads it later. "~user"
// is not expanded. The file is opened to check it can be read, never read or
// logged.
func KubeconfigPath(s string) (string, error) {
	s = strings.TrimSpace(s)
	const field = "kubeconfigPath"
	if s == "" {
		return "", nil
	}
	if err := text(field, "Kubeconfig path", s, false); err != nil {
		return "", err
	}
	if len(s) > 4096 {
		return "", problem.Invalid(field, "Kubeconfig path is too long.")
	}
	s, err := expandHome(field, s)
	if err != nil {
		return "", err
	}
	if len(s) > 4096 {
		return "", problem.Invalid(field, "Kubeconfig path is too long.")
	}
	if !filepath.IsAbs(s) {
		return "", problem.Invalid(field, "Kubeconfig path must be absolute (start with /, ~/ or a drive letter).")
	}
	fi, err := os.Stat(s)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", problem.Invalid(field, "No file exists at %s.", s)
	case err != nil && strings.Contains(err.Error(), "too many levels of symbolic links"):
		return "", problem.Invalid(field, "%s is a symbolic link that loops back on itself.", s)
	case errors.Is(err, fs.ErrPermission):
		return "", problem.Invalid(field, "Shipdeck is not allowed to read %s.", s)
	case err != nil:
		return "", problem.Invalid(field, "Kubeconfig path %s cannot be used: %s.", s, plainPathError(err))
	case fi.IsDir():
		return "", problem.Invalid(field, "%s is a folder, not a kubeconfig file.", s)
	case !fi.Mode().IsRegular():
		return "", problem.Invalid(field, "%s is not a regular file.", s)
	}
	f, err := os.Open(s)
	if err != nil {
		return "", problem.Invalid(field, "Shipdeck is not allowed to read %s.", s)
	}
	f.Close()
	return filepath.Clean(s), nil
}

// expandHome replaces a leading "~" of s by the operator's home folder when
// it stands alone or is followed by a path separator; any other s is
// returned as it is.
func expandHome(field, s string) (string, error) {
	windowsHome := filepath.Separator == '\\' && strings.HasPrefix(s, `~\`)
	if s != "~" && !strings.HasPrefix(s, "~/") && !windowsHome {
		return s, nil
	}
	home, err := os.UserHomeDir()
	if err != nil || !filepath.IsAbs(home) {
		return "", problem.Invalid(field, "Kubeconfig path starts with ~, but your home folder is not known: give the full path.")
	}
	if err := text(field, "Kubeconfig path", home, false); err != nil {
		return "", problem.Invalid(field, "Kubeconfig path starts with ~, but your home folder's name cannot be used: give the full path.")
	}
	return filepath.Join(home, s[1:]), nil
}

func plainPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Content requires non-blank step content of at most 1 MiB. It is kept as
// typed (not trimmed): whitespace can matter in a script.
func Content(s string) (string, error) {
	const field = "content"
	if strings.TrimSpace(s) == "" {
		return "", problem.Invalid(field, "Step content is required.")
	}
	if len(s) > MaxContent {
		return "", problem.Invalid(field, "Step content is too large: %s, the limit is 1 MB.", humanBytes(len(s)))
	}
	if err := text(field, "Step content", s, true); err != nil {
		return "", err
	}
	return s, nil
}

// OneOf requires s to be one of allowed.
func OneOf(field, label, s string, allowed ...string) (string, error) {
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", problem.Invalid(field, "%s must be one of %s (got '%s').", label, strings.Join(allowed, ", "), printable(s))
}

// ID requires a positive record id.
func ID(label string, id int64) error {
	if id <= 0 {
		return problem.Invalid("", "%s id must be a positive number (got %d).", label, id)
	}
	return nil
}

// IDs requires a non-empty list of positive, distinct ids, at most max long.
func IDs(label string, ids []int64, max int) error {
	if len(ids) == 0 {
		return problem.Invalid("", "Choose at least one %s.", label)
	}
	if len(ids) > max {
		return problem.Invalid("", "At most %d %ss can be changed at once (got %d).", max, label, len(ids))
	}
	seen := make(map[int64]struct{}, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return problem.Invalid("", "%s id must be a positive number (got %d).", capital(label), id)
		}
		if _, dup := seen[id]; dup {
			return problem.Invalid("", "The list names %s %d twice.", label, id)
		}
		seen[id] = struct{}{}
	}
	return nil
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// printable shortens s for a message and makes invisible characters visible.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func humanBytes(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
