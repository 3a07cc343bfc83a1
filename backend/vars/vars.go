// Package vars renders the variables of step content: {{name}} for a
// built-in such as {{namespace}}, {{customer.KEY}}, {{cluster.KEY}} and
// {{release.KEY}} for a key of that record's metadata.
//
// The rules, chosen so that content written for other tools survives:
//   - Only a well-formed name between the braces is a variable: a letter or
//     '_' then letters, digits or '_', optionally '.' and a key of letters,
//     digits, '_' or '-'. Spaces and tabs around the name are allowed.
//     Anything else ({{ .Values.x }} of Helm, {{ a b }}, {{}}) is plain text,
//     copied as written and never reported.
//   - A variable that cannot be resolved (an unknown name, a metadata key
//     that is not set or is null) is copied exactly as written and reported
//     as missing, so a script never runs with a silently empty value.
//   - \{{ writes a literal {{ (the backslash is dropped); what follows it is
//     not a variable. A backslash anywhere else is copied as it is.
//   - Values are inserted as they are. A value that the step's interpreter
//     would read as syntax is reported as unsafe, never quoted or escaped.
//
// Render, Names and Lacks share one scanner, so they agree on what a
// variable is.
package vars

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Builtin describes one built-in variable.
type Builtin struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	owner       string // the record whose name a "not set" message names
}

var builtins = []Builtin{
	{"customer", "the customer's name", "customer"},
	{"namespace", "the customer's namespace", "customer"},
	{"cluster", "the cluster's name", "cluster"},
	{"kubeconfig", "the cluster's kubeconfig path", "cluster"},
	{"release", "the release's name", "release"},
	{"version", "the release's version number", "release"},
	{"release_type", "the release's type", "release"},
	{"release_date", "the release's date", "release"},
	{"step", "the step's name", ""},
	{"operator", "the name of the operator running the step", ""},
}

// metadataPrefixes are the records whose metadata keys are variables.
var metadataPrefixes = []string{"customer", "cluster", "release"}

// Builtins returns the built-in variables in the order an editor should
// offer them.
func Builtins() []Builtin {
	out := make([]Builtin, len(builtins))
	copy(out, builtins)
	return out
}

func builtin(name string) (Builtin, bool) {
	for _, b := range builtins {
		if b.Name == name {
			return b, true
		}
	}
	return Builtin{}, false
}

// Context is what one customer's step resolves its variables from.
type Context struct {
	// Values maps a built-in name to its value. "" is a real value; an
	// absent key is missing. Keys that are not built-in names are ignored,
	// so the set of variables stays the documented one.
	Values map[string]string
	// Customer, Cluster and Release are the decoded metadata objects (nil
	// when the record has none).
	Customer, Cluster, Release map[string]any
	// CustomerName, ClusterName and ReleaseName name the records in
	// messages and hover texts.
	CustomerName, ClusterName, ReleaseName string
}

// Span is one variable occurrence in Result.Text, in byte offsets.
type Span struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Name    string `json:"name"`   // as normalised, e.g. "customer.region"
	Source  string `json:"source"` // where the value comes from, for a hover
	Missing bool   `json:"missing"`
	Unsafe  string `json:"unsafe,omitempty"` // why the value is risky for the step type, or ""
}

// Problem is a variable that could not be rendered, or rendered a risky
// value, with a sentence that says so.
type Problem struct {
	Name    string `json:"name"`
	Message string `json:"message"`
}

// Result is rendered content. Missing and Unsafe hold one entry per
// distinct name, in order of first use; Spans hold every occurrence.
type Result struct {
	Text    string    `json:"text"`
	Spans   []Span    `json:"spans"`
	Missing []Problem `json:"missing"`
	Unsafe  []Problem `json:"unsafe"`
}

// token is one piece of content as the scanner sees it: plain text to copy
// (name == "") or a variable.
type token struct {
	text string // the text to copy, or the variable as written
	name string // the normalised variable name
}

// scan calls emit for each piece of content in order. Pieces of plain text
// are not merged; callers only concatenate them.
func scan(content string, emit func(token)) {
	for len(content) > 0 {
		i := strings.Index(content, "{{")
		if i < 0 {
			emit(token{text: content})
			return
		}
		if i > 0 && content[i-1] == '\\' {
			// \{{ is a literal {{: drop the backslash, copy the braces and
			// resume after them, so the text that follows is not a variable.
			emit(token{text: content[:i-1]})
			emit(token{text: "{{"})
			content = content[i+2:]
			continue
		}
		if n, name := variable(content[i:]); n > 0 {
			emit(token{text: content[:i]})
			emit(token{text: content[i : i+n], name: name})
			content = content[i+n:]
			continue
		}
		// Not a variable here; the second brace may start one ({{{x}}).
		emit(token{text: content[:i+1]})
		content = content[i+1:]
	}
}

// variable reports the length of the variable at the start of s (which
// starts with "{{") and its name, or 0 when s does not start with one.
func variable(s string) (int, string) {
	i := 2
	i = skipBlank(s, i)
	start := i
	if i >= len(s) || !identStart(s[i]) {
		return 0, ""
	}
	i++
	for i < len(s) && identPart(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		keyStart := i
		for i < len(s) && keyPart(s[i]) {
			i++
		}
		if i == keyStart {
			return 0, ""
		}
	}
	end := i
	i = skipBlank(s, i)
	if !strings.HasPrefix(s[i:], "}}") {
		return 0, ""
	}
	return i + 2, s[start:end]
}

func skipBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func identStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func identPart(c byte) bool { return identStart(c) || ('0' <= c && c <= '9') }

func keyPart(c byte) bool { return identPart(c) || c == '-' }

// Names returns the distinct variable names content uses, known or not, in
// order of first use.
func Names(content string) []string {
	return distinct(content, func(string) bool { return true })
}

// Lacks returns the distinct names content uses that c cannot resolve, in
// order of first use: what this customer would be missing.
func Lacks(content string, c Context) []string {
	return distinct(content, func(name string) bool { return c.resolve(name).missing != "" })
}

// distinct lists the names of content that keep accepts, each once.
func distinct(content string, keep func(name string) bool) []string {
	names := []string{}
	seen := map[string]bool{}
	scan(content, func(t token) {
		if t.name == "" || seen[t.name] {
			return
		}
		seen[t.name] = true
		if keep(t.name) {
			names = append(names, t.name)
		}
	})
	return names
}

// resolved is a variable's value, or why it has none.
type resolved struct {
	value   string
	source  string
	missing string // the message when there is no value
}

func (c Context) resolve(name string) resolved {
	prefix, key, isMeta := strings.Cut(name, ".")
	if !isMeta {
		b, ok := builtin(name)
		if !ok {
			return resolved{source: "unknown variable", missing: unknownMessage(name)}
		}
		src := "built-in: " + b.Description
		v, ok := c.Values[name]
		if !ok {
			return resolved{source: src, missing: name + " is not set" + c.forOwner(b.owner) + "."}
		}
		return resolved{value: v, source: src}
	}
	var meta map[string]any
	var owner string
	switch prefix {
	case "customer":
		meta, owner = c.Customer, c.CustomerName
	case "cluster":
		meta, owner = c.Cluster, c.ClusterName
	case "release":
		meta, owner = c.Release, c.ReleaseName
	default:
		return resolved{source: "unknown variable", missing: unknownMessage(name)}
	}
	src, suffix := prefix+" metadata", ""
	if owner != "" {
		src, suffix = prefix+" metadata of "+owner, " for "+owner
	}
	v, ok := meta[key]
	if !ok || v == nil {
		return resolved{source: src, missing: name + " is not set" + suffix + "."}
	}
	text, err := MetadataText(v)
	if err != nil {
		return resolved{source: src, missing: name + " holds a value that cannot be written as text."}
	}
	return resolved{value: text, source: src}
}

func (c Context) forOwner(owner string) string {
	var n string
	switch owner {
	case "customer":
		n = c.CustomerName
	case "cluster":
		n = c.ClusterName
	case "release":
		n = c.ReleaseName
	}
	if n == "" {
		return ""
	}
	return " for " + n
}

// unknownMessage explains why name is not a variable, pointing at the known
// name when only the case differs ({{Namespace}}, {{Customer.region}}).
func unknownMessage(name string) string {
	prefix, key, isMeta := strings.Cut(name, ".")
	if !isMeta {
		if _, ok := builtin(strings.ToLower(name)); ok {
			return fmt.Sprintf("%s is not a known variable: names are case-sensitive, did you mean %s?", name, strings.ToLower(name))
		}
		return name + " is not a known variable."
	}
	for _, p := range metadataPrefixes {
		if strings.EqualFold(prefix, p) {
			return fmt.Sprintf("%s is not a known variable: names are case-sensitive, did you mean %s.%s?", name, p, key)
		}
	}
	return name + " is not a known variable: metadata variables start with customer., cluster. or release."
}

// MetadataText is the text a metadata value renders as, and the text a
// form shows for it: a string as it is, anything else (number, boolean,
// object, array, null) as compact JSON with keys sorted and without HTML
// escaping.
func MetadataText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encode metadata value: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// Render replaces the variables of content for the step type stepType
// ("bash", "sql" or "text"; any other type is treated as text). Content
// without "{{" is returned as it is.
func Render(stepType, content string, c Context) Result {
	// Empty, not nil, slices: the frontend receives [] rather than null.
	res := Result{Text: content, Spans: []Span{}, Missing: []Problem{}, Unsafe: []Problem{}}
	if !strings.Contains(content, "{{") {
		return res
	}
	var (
		out  strings.Builder
		seen = map[string]bool{} // names already reported
	)
	out.Grow(len(content) + len(content)/4)
	res.Spans = make([]Span, 0, strings.Count(content, "{{"))
	scan(content, func(t token) {
		if t.name == "" {
			out.WriteString(t.text)
			return
		}
		r := c.resolve(t.name)
		span := Span{Start: out.Len(), Name: t.name, Source: r.source}
		first := !seen[t.name]
		seen[t.name] = true
		if r.missing != "" {
			out.WriteString(t.text)
			span.Missing = true
			if first {
				res.Missing = append(res.Missing, Problem{Name: t.name, Message: r.missing})
			}
		} else {
			out.WriteString(r.value)
			span.Unsafe = unsafe(stepType, t.name, r.value)
			if first && span.Unsafe != "" {
				res.Unsafe = append(res.Unsafe, Problem{Name: t.name, Message: span.Unsafe})
			}
		}
		span.End = out.Len()
		res.Spans = append(res.Spans, span)
	})
	res.Text = out.String()
	return res
}
