package release

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"shipdeck/backend/store"
	"shipdeck/backend/vars"
)

// metadataChange says how an edit changed a release's metadata, for the
// release-edit event: the keys that changed (added, removed or given
// another value) as "key=value" lists before and after, each value cut to
// 60 characters so an event stays short whatever the metadata holds.
func metadataChange(before, after store.Metadata) (string, string, bool) {
	if reflect.DeepEqual(map[string]any(before), map[string]any(after)) || len(before) == 0 && len(after) == 0 {
		return "", "", false
	}
	b, a := vars.FormMetadata(before), vars.FormMetadata(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		_, inB := before[k]
		_, inA := after[k]
		if inB != inA || !reflect.DeepEqual(before[k], after[k]) {
			sorted = append(sorted, k)
		}
	}
	if len(sorted) == 0 {
		return "", "", false
	}
	sort.Strings(sorted)
	list := func(m map[string]string, present store.Metadata) string {
		var parts []string
		for _, k := range sorted {
			if _, ok := present[k]; ok {
				parts = append(parts, fmt.Sprintf("%s=%s", k, cutMeta(m[k], 60)))
			}
		}
		return strings.Join(parts, ", ")
	}
	return list(b, before), list(a, after), true
}

// cutMeta shortens s to at most n characters, ending in "…" when cut.
func cutMeta(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
