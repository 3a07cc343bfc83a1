package vars

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"shipdeck/backend/problem"
)

func TestMetadata(t *testing.T) {
	many := map[string]string{}
	for i := range 101 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	hundred := map[string]string{}
	for i := range 100 {
		hundred[fmt.Sprintf("k%d", i)] = "v"
	}
	cases := []struct {
		name string
		in   map[string]string
		want map[string]string
		err  string
	}{
		{"nil", nil, map[string]string{}, ""},
		{"simple", map[string]string{"region": "eu", "team_2": ""}, map[string]string{"region": "eu", "team_2": ""}, ""},
		{"key trimmed, value kept", map[string]string{" region ": " eu \n"}, map[string]string{"region": " eu \n"}, ""},
		{"multi-line value", map[string]string{"note": "a\n\tb\r\nc"}, map[string]string{"note": "a\n\tb\r\nc"}, ""},
		{"unicode value", map[string]string{"city": "Zürich 東京"}, map[string]string{"city": "Zürich 東京"}, ""},
		{"100 keys", hundred, hundred, ""},
		{"64-character key", map[string]string{strings.Repeat("k", 64): "v"}, map[string]string{strings.Repeat("k", 64): "v"}, ""},
		{"4096-byte value", map[string]string{"k": strings.Repeat("é", 2048)}, map[string]string{"k": strings.Repeat("é", 2048)}, ""},
		{"101 keys", many, nil, "Metadata can have at most 100 keys (it has 101)."},
		{"upper case", map[string]string{"Region": "eu"}, nil, "Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'."},
		{"digit first", map[string]string{"1st": "x"}, nil, "Metadata key '1st' must start with a lower-case letter"},
		{"dash", map[string]string{"team-name": "x"}, nil, "Metadata key 'team-name' must start"},
		{"dot", map[string]string{"a.b": "x"}, nil, "Metadata key 'a.b' must start"},
		{"underscore first", map[string]string{"_x": "x"}, nil, "Metadata key '_x' must start"},
		{"empty key", map[string]string{" ": "x"}, nil, "Metadata keys cannot be empty."},
		{"control in key", map[string]string{"a\x00": "x"}, nil, "Metadata key 'a?' must start"},
		{"65-character key", map[string]string{strings.Repeat("k", 65): "v"}, nil, "must be at most 64 characters (it has 65)."},
		{"duplicate after trim", map[string]string{"region": "a", "region ": "b"}, nil, "Metadata key 'region' is given twice."},
		{"4097-byte value", map[string]string{"note": strings.Repeat("a", 4097)}, nil, "The value of metadata key 'note' must be at most 4096 bytes (it has 4097)."},
		{"NUL in value", map[string]string{"note": "a\x00b"}, nil, "The value of metadata key 'note' contains a control character that cannot be stored."},
		{"escape in value", map[string]string{"note": "\x1b[31m"}, nil, "control character"},
		{"invalid UTF-8", map[string]string{"note": "\xff"}, nil, "The value of metadata key 'note' contains characters that are not valid text."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Metadata("metadata", c.in)
			if c.err == "" {
				if err != nil || !reflect.DeepEqual(got, c.want) {
					t.Fatalf("Metadata = %v, %v; want %v", got, err, c.want)
				}
				return
			}
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != problem.CodeInvalid || pe.Field != "metadata" || !strings.Contains(pe.Message, c.err) {
				t.Fatalf("Metadata error = %#v, want %q", err, c.err)
			}
		})
	}
}

// stored is metadata as another app may have written it: odd keys and
// values of every JSON type.
func stored() map[string]any {
	return map[string]any{
		"region":    "eu",
		"tier":      3.0,
		"vip":       true,
		"gone":      nil,
		"ports":     []any{80.0, 443.0},
		"limits":    map[string]any{"cpu": 0.5},
		"Team-Name": "ops",
		"long":      strings.Repeat("x", 5000),
	}
}

func TestFormMetadata(t *testing.T) {
	want := map[string]string{
		"region":    "eu",
		"tier":      "3",
		"vip":       "true",
		"gone":      "null",
		"ports":     "[80,443]",
		"limits":    `{"cpu":0.5}`,
		"Team-Name": "ops",
		"long":      strings.Repeat("x", 5000),
	}
	if got := FormMetadata(stored()); !reflect.DeepEqual(got, want) {
		t.Fatalf("FormMetadata = %v\nwant %v", got, want)
	}
}

func TestMergeMetadata(t *testing.T) {
	cases := []struct {
		name   string
		edited func(map[string]string) // changes the form's values
		want   func(map[string]any)    // changes stored() into the expectation
	}{
		{"sent back unchanged keeps every value and type",
			func(map[string]string) {},
			func(map[string]any) {}},
		{"string edited",
			func(f map[string]string) { f["region"] = "us" },
			func(m map[string]any) { m["region"] = "us" }},
		{"number edited becomes a string",
			func(f map[string]string) { f["tier"] = "4" },
			func(m map[string]any) { m["tier"] = "4" }},
		{"JSON reformatted counts as edited",
			func(f map[string]string) { f["ports"] = "[80, 443]" },
			func(m map[string]any) { m["ports"] = "[80, 443]" }},
		{"null edited",
			func(f map[string]string) { f["gone"] = "back" },
			func(m map[string]any) { m["gone"] = "back" }},
		{"keys removed",
			func(f map[string]string) { delete(f, "region"); delete(f, "limits") },
			func(m map[string]any) { delete(m, "region"); delete(m, "limits") }},
		{"key added",
			func(f map[string]string) { f["zone"] = "a" },
			func(m map[string]any) { m["zone"] = "a" }},
		{"string that looks like JSON stays a string",
			func(f map[string]string) { f["region"] = "3" },
			func(m map[string]any) { m["region"] = "3" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := FormMetadata(stored())
			c.edited(form)
			want := stored()
			c.want(want)
			if got := MergeMetadata(stored(), form); !reflect.DeepEqual(got, want) {
				t.Fatalf("MergeMetadata = %#v\nwant %#v", got, want)
			}
		})
	}
	if got := MergeMetadata(stored(), map[string]string{}); got != nil {
		t.Fatalf("MergeMetadata with every key removed = %#v, want nil", got)
	}
	if got := MergeMetadata(nil, map[string]string{"a": "1"}); !reflect.DeepEqual(got, map[string]any{"a": "1"}) {
		t.Fatalf("MergeMetadata(nil, …) = %#v", got)
	}
	// A stored string "3" and a stored number 3 show the same text; each
	// keeps its own type when sent back.
	both := map[string]any{"s": "3", "n": 3.0}
	if got := MergeMetadata(both, FormMetadata(both)); !reflect.DeepEqual(got, both) {
		t.Fatalf("MergeMetadata = %#v, want %#v", got, both)
	}
}

func TestEditMetadata(t *testing.T) {
	cases := []struct {
		name   string
		edited func(map[string]string)
		want   func(map[string]any)
		err    string
	}{
		{"odd stored key and long stored value sent back unchanged",
			func(map[string]string) {}, func(map[string]any) {}, ""},
		{"odd stored key with a new value",
			func(f map[string]string) { f["Team-Name"] = "dev" },
			func(m map[string]any) { m["Team-Name"] = "dev" }, ""},
		{"new key must follow the rule",
			func(f map[string]string) { f["Zone"] = "a" }, nil,
			"Metadata key 'Zone' must start with a lower-case letter"},
		{"new key trimmed",
			func(f map[string]string) { f[" zone "] = "a" },
			func(m map[string]any) { m["zone"] = "a" }, ""},
		{"new key clashing with a stored one",
			func(f map[string]string) { f["region "] = "a" }, nil,
			"Metadata key 'region' is given twice."},
		{"changed long value is checked",
			func(f map[string]string) { f["long"] += "y" }, nil,
			"must be at most 4096 bytes (it has 5001)"},
		{"changed value with a control character",
			func(f map[string]string) { f["region"] = "e\x07u" }, nil,
			"contains a control character"},
		{"one value changed, the others kept as stored",
			func(f map[string]string) { f["region"] = "us" },
			func(m map[string]any) { m["region"] = "us" }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := FormMetadata(stored())
			c.edited(form)
			got, err := EditMetadata("metadata", stored(), form)
			if c.err != "" {
				if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("EditMetadata error = %v, want %q", err, c.err)
				}
				return
			}
			want := stored()
			c.want(want)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("EditMetadata = %#v, %v\nwant %#v", got, err, want)
			}
		})
	}
}

func TestEditMetadataKeyLimit(t *testing.T) {
	existing := map[string]any{}
	for i := range 120 {
		existing[fmt.Sprintf("k%d", i)] = "v"
	}
	form := FormMetadata(existing)
	if _, err := EditMetadata("metadata", existing, form); err != nil {
		t.Fatalf("120 stored keys sent back: %v", err)
	}
	form["extra"] = "v"
	if _, err := EditMetadata("metadata", existing, form); err == nil || !strings.Contains(err.Error(), "at most 100 keys (it has 121)") {
		t.Fatalf("adding a key to 120: %v", err)
	}
}
