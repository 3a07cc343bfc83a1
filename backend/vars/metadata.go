package vars

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"shipdeck/backend/problem"
)

// Limits on metadata edited in forms or imported from a spreadsheet.
const (
	MaxMetadataKeys     = 100
	MaxMetadataKey      = 64   // characters (keys are ASCII)
	MaxMetadataValueLen = 4096 // bytes
)

var metadataKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// MetadataKey trims key and requires it to be a key a variable can name
// ({{customer.KEY}}): a lower-case letter, then lower-case letters, digits
// and '_', at most 64 characters.
func MetadataKey(field, key string) (string, error) {
	key = strings.TrimSpace(key)
	switch {
	case key == "":
		return "", problem.Invalid(field, "Metadata keys cannot be empty.")
	case len(key) > MaxMetadataKey && metadataKey.MatchString(key):
		return "", problem.Invalid(field, "Metadata key '%s' must be at most %d characters (it has %d).", shorten(key), MaxMetadataKey, len(key))
	case !metadataKey.MatchString(key):
		return "", problem.Invalid(field, "Metadata key '%s' must start with a lower-case letter and use only lower-case letters, digits and '_'.", shorten(key))
	}
	return key, nil
}

// MetadataValue requires value to be text of one or more lines (tab and
// line breaks allowed, no other control characters) of at most 4096 bytes.
// It is kept as typed, not trimmed: a value lands in scripts as it is, and
// the operator sees it as it is.
func MetadataValue(field, key, value string) (string, error) {
	if !utf8.ValidString(value) {
		return "", problem.Invalid(field, "The value of metadata key '%s' contains characters that are not valid text.", shorten(key))
	}
	for _, r := range value {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return "", problem.Invalid(field, "The value of metadata key '%s' contains a control character that cannot be stored.", shorten(key))
		}
	}
	if len(value) > MaxMetadataValueLen {
		return "", problem.Invalid(field, "The value of metadata key '%s' must be at most %d bytes (it has %d).", shorten(key), MaxMetadataValueLen, len(value))
	}
	return value, nil
}

// Metadata checks metadata typed in a form: at most 100 keys, each key as
// MetadataKey requires (trimmed), each value as MetadataValue requires. It
// returns the cleaned copy, or the first problem in key order.
func Metadata(field string, m map[string]string) (map[string]string, error) {
	if len(m) > MaxMetadataKeys {
		return nil, problem.Invalid(field, "Metadata can have at most %d keys (it has %d).", MaxMetadataKeys, len(m))
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		key, err := MetadataKey(field, k)
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, problem.Invalid(field, "Metadata key '%s' is given twice.", key)
		}
		v, err := MetadataValue(field, key, m[k])
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}

// FormMetadata is what a form shows for a stored metadata object, one text
// per key: a string as it is, any other value (number, boolean, null,
// object, array) as its compact JSON text from MetadataText. Sent back
// unchanged, MergeMetadata keeps every value exactly as stored.
func FormMetadata(stored map[string]any) map[string]string {
	out := make(map[string]string, len(stored))
	for k, v := range stored {
		out[k] = formText(v)
	}
	return out
}

// formText never fails, so a value MetadataText cannot encode (only Go
// values such as NaN, which JSON cannot hold) still has a text that
// matches itself when sent back.
func formText(v any) string {
	s, err := MetadataText(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return s
}

// MergeMetadata returns the metadata object to store after a form edit.
// edited holds every key the form kept, with its text; a key of existing
// that edited lacks was removed by the operator and is dropped. For each
// key of edited:
//   - if existing holds a value that is not a string and edited holds
//     exactly its FormMetadata text, the stored value is kept as it is (the
//     number 3 stays a number, an object stays an object, null stays null);
//   - otherwise the edited text is stored as a string. An edited number
//     ("3" changed to "4") thus becomes the string "4": the form only edits
//     text, and guessing types would turn a zip code or version "010" into
//     a number.
//
// The result is nil when no key is left. MergeMetadata does not validate;
// see Metadata and EditMetadata.
func MergeMetadata(existing map[string]any, edited map[string]string) map[string]any {
	if len(edited) == 0 {
		return nil
	}
	out := make(map[string]any, len(edited))
	for k, text := range edited {
		if old, ok := existing[k]; ok {
			if _, isString := old.(string); !isString && formText(old) == text {
				out[k] = old
				continue
			}
		}
		out[k] = text
	}
	return out
}

// EditMetadata checks a form edit of existing metadata and returns the
// object to store (MergeMetadata). Rules as Metadata, except that what the
// form sends back unchanged is accepted as stored: a key already stored,
// though another app may have written it in a shape Metadata refuses
// ("Region", "team-name"), and a value equal to its FormMetadata text,
// though it may be longer than 4096 bytes. Without that, one odd key would
// make the whole record impossible to save. The 100-key limit applies when
// the edit adds keys.
func EditMetadata(field string, existing map[string]any, edited map[string]string) (map[string]any, error) {
	clean := make(map[string]string, len(edited))
	added := false
	for _, k := range sortedKeys(edited) {
		key := k
		if _, stored := existing[k]; !stored {
			var err error
			if key, err = MetadataKey(field, k); err != nil {
				return nil, err
			}
			added = true
		}
		if _, dup := clean[key]; dup {
			return nil, problem.Invalid(field, "Metadata key '%s' is given twice.", key)
		}
		v := edited[k]
		if old, stored := existing[key]; !stored || formText(old) != v {
			var err error
			if v, err = MetadataValue(field, key, v); err != nil {
				return nil, err
			}
		}
		clean[key] = v
	}
	if added && len(clean) > MaxMetadataKeys {
		return nil, problem.Invalid(field, "Metadata can have at most %d keys (it has %d).", MaxMetadataKeys, len(clean))
	}
	return MergeMetadata(existing, clean), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// shorten makes a key fit in a message: valid UTF-8, invisible characters
// shown as '?', at most 40 characters.
func shorten(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}
