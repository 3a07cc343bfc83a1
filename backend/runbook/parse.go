package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"shipdeck/backend/problem"
	"shipdeck/backend/validate"
)

// Parse reads a runbook file and checks all of it: the schema marker,
// every field name, and every step with the app's own rules (names, types,
// content, descriptions), plus names used twice in a category. Problems
// come in file order, each with its line. Runbook holds what could be
// read, problems or not, so a preview can show it: import only when there
// are no problems. The error is only for input that cannot be read.
func Parse(r io.Reader) (Runbook, []Problem, error) {
	rb := Runbook{Deploy: []Step{}, Verify: []Step{}}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return rb, nil, fmt.Errorf("read runbook: %w", err)
	}
	if len(data) > MaxSize {
		return rb, []Problem{{Message: fmt.Sprintf("The file is larger than %d MB, far more than a runbook holds: check that it is the right file.", MaxSize>>20)}}, nil
	}
	if p, ok := encodingProblem(data); !ok {
		return rb, []Problem{p}, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return rb, []Problem{{Message: "The file is empty: a runbook starts with 'shipdeck: " + Marker + "'."}}, nil
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return rb, []Problem{syntaxProblem(err)}, nil
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return rb, []Problem{{Message: "The file holds only comments: a runbook starts with 'shipdeck: " + Marker + "'."}}, nil
	}
	p := &parse{rb: &rb}
	if len(docs) > 1 {
		p.add(line(docs[1].Body), "The file holds more than one YAML document (a line '---' separates them): a runbook is one document.")
	}
	p.root(docs[0].Body)
	sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
	return rb, p.problems, nil
}

// encodingProblem refuses text that is not UTF-8, pointing at the line of
// the first bad byte.
func encodingProblem(data []byte) (Problem, bool) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return Problem{Line: 1, Message: "The file is UTF-16 text: save it as UTF-8."}, false
	}
	if utf8.Valid(data) {
		return Problem{}, true
	}
	n := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			n++
		}
		data = data[size:]
	}
	return Problem{Line: n, Message: "The file is not UTF-8 text (this line has a character in another encoding): save it as UTF-8."}, false
}

var duplicateKey = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):\d+\]$`)

// syntaxProblem turns the YAML parser's error into a sentence.
func syntaxProblem(err error) Problem {
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return Problem{Message: "The file is not valid YAML: " + strings.SplitN(err.Error(), "\n", 2)[0] + "."}
	}
	n := 0
	if t := ye.GetToken(); t != nil && t.Position != nil {
		n = t.Position.Line
	}
	msg := strings.TrimSuffix(ye.GetMessage(), ".")
	if m := duplicateKey.FindStringSubmatch(msg); m != nil {
		return Problem{Line: n, Message: fmt.Sprintf("Line %d: '%s' is given twice (first on line %s).", n, m[1], m[2])}
	}
	if n > 0 {
		return Problem{Line: n, Message: fmt.Sprintf("Line %d: this is not valid YAML (%s).", n, msg)}
	}
	return Problem{Message: fmt.Sprintf("The file is not valid YAML (%s).", msg)}
}

// parse is the state of one Parse.
type parse struct {
	rb       *Runbook
	problems []Problem
}

func (p *parse) add(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("Line %d: %s", line, msg)
	}
	p.problems = append(p.problems, Problem{Line: line, Message: msg})
}

// addErr adds a validate error's sentence at a line.
func (p *parse) addErr(line int, err error) {
	p.add(line, "%s", problem.For(err).Message)
}

func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Line
	}
	return 0
}

// entries lists a mapping's key-value pairs; ok is false for anything
// else. Anchors and tags around the mapping are looked through.
func entries(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return v.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{v}, true
	case *ast.AnchorNode:
		return entries(v.Value)
	case *ast.TagNode:
		return entries(v.Value)
	}
	return nil, false
}

// items lists a sequence's elements; null is an empty list.
func items(n ast.Node) ([]ast.Node, bool) {
	switch v := n.(type) {
	case *ast.SequenceNode:
		return v.Values, true
	case *ast.NullNode:
		return nil, true
	case *ast.AnchorNode:
		return items(v.Value)
	case *ast.TagNode:
		return items(v.Value)
	}
	return nil, false
}

// kind names a node's shape for a message.
func kind(n ast.Node) string {
	switch v := n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.AliasNode:
		return "an alias"
	case *ast.AnchorNode:
		return kind(v.Value)
	case *ast.TagNode:
		return kind(v.Value)
	}
	return "text"
}

// text reads a field that must be text. Null (an empty value) reads as
// "". An alias or a list or mapping is a problem, reported here.
func (p *parse) text(field string, n ast.Node) (string, bool) {
	if _, ok := n.(*ast.NullNode); ok {
		return "", true
	}
	if s, ok := scalarText(n); ok {
		return s, true
	}
	if kind(n) == "an alias" {
		p.add(line(n), "'%s' is an alias (*name): aliases are not supported in a runbook, write the value out.", field)
		return "", false
	}
	p.add(line(n), "'%s' must be text, not %s.", field, kind(n))
	return "", false
}

var (
	topFields  = []string{"shipdeck", "name", "steps"}
	stepFields = []string{"name", "type", "description", "content"}
	categories = []string{Deploy, Verify}
	// Other words people use for a step's fields.
	stepSynonyms = map[string]string{
		"command": "content", "cmd": "content", "script": "content", "run": "content", "body": "content", "code": "content",
		"title": "name", "label": "name",
		"kind": "type", "lang": "type", "language": "type",
		"desc": "description", "summary": "description", "comment": "description", "notes": "description",
	}
)

// unknown reports a field that does not belong where it is.
func (p *parse) unknown(n int, key string, known []string, synonyms map[string]string) {
	if s := suggest(key, known, synonyms); s != "" {
		p.add(n, "unknown field '%s' (did you mean '%s'?).", printable(key), s)
		return
	}
	p.add(n, "unknown field '%s' (expected %s).", printable(key), orList(known))
}

func orList(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + w + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// root checks the top-level mapping.
func (p *parse) root(n ast.Node) {
	fields, ok := entries(n)
	if !ok {
		p.add(line(n), "a runbook is a mapping of fields that starts with 'shipdeck: %s', not %s.", Marker, kind(n))
		return
	}
	var marker, steps *ast.MappingValueNode
	for _, mv := range fields {
		key := keyText(mv.Key)
		switch key {
		case "shipdeck":
			marker = mv
		case "name":
			if s, ok := p.text("name", mv.Value); ok {
				if strings.ContainsAny(s, "\r\n") {
					p.add(line(mv.Value), "the runbook's name must be one line.")
				} else if name, err := validate.Optional("name", "The runbook's name", s, validate.MaxName, false); err != nil {
					p.addErr(line(mv.Value), err)
				} else {
					p.rb.Name = name
				}
			}
		case "steps":
			steps = mv
		case Deploy, Verify:
			p.add(line(mv.Key), "'%s' belongs under 'steps:' (indent it below a line 'steps:').", key)
		default:
			p.unknown(line(mv.Key), key, topFields, nil)
		}
	}
	if marker == nil {
		p.add(0, "The file does not say 'shipdeck: %s': it is not a Shipdeck runbook.", Marker)
	} else if s, ok := p.text("shipdeck", marker.Value); ok && s != Marker {
		if strings.HasPrefix(s, "runbook/") {
			p.add(line(marker.Value), "this runbook is in format '%s'; this version of Shipdeck reads '%s'.", printable(s), Marker)
		} else {
			p.add(line(marker.Value), "'shipdeck: %s' is not a runbook: a runbook says 'shipdeck: %s'.", printable(s), Marker)
		}
	}
	if steps == nil {
		p.add(0, "The runbook has no 'steps:' section.")
		return
	}
	p.steps(steps)
}

// steps checks the "steps" mapping and its two lists.
func (p *parse) steps(mv *ast.MappingValueNode) {
	if _, null := mv.Value.(*ast.NullNode); null {
		p.add(line(mv.Key), "'steps' is empty: list the steps under 'deploy:' and 'verify:'.")
		return
	}
	cats, ok := entries(mv.Value)
	if !ok {
		p.add(line(mv.Value), "'steps' must hold 'deploy:' and 'verify:' lists, not %s.", kind(mv.Value))
		return
	}
	total := 0 // list items, steps or not
	for _, c := range cats {
		cat := keyText(c.Key)
		if !slices.Contains(categories, cat) {
			p.unknown(line(c.Key), cat, categories, nil)
			continue
		}
		list, ok := items(c.Value)
		if !ok {
			p.add(line(c.Value), "'%s' must be a list of steps, each starting with '- name:', not %s.", cat, kind(c.Value))
			continue
		}
		seen := map[string]int{}
		total += len(list)
		for i, item := range list {
			s, ok := p.step(cat, i+1, item)
			if !ok {
				continue
			}
			if s.Name != "" {
				if first, dup := seen[s.Name]; dup {
					p.add(line(item), "another %s step is already named '%s' (line %d): step names must differ within deploy and within verify.", cat, printable(s.Name), first)
				} else {
					seen[s.Name] = line(item)
				}
			}
			if cat == Deploy {
				p.rb.Deploy = append(p.rb.Deploy, s)
			} else {
				p.rb.Verify = append(p.rb.Verify, s)
			}
		}
	}
	if total == 0 {
		p.add(line(mv.Key), "the runbook holds no steps: add them under 'deploy:' or 'verify:'.")
	}
}

// step checks one step; ok is false when it is not a mapping at all.
func (p *parse) step(cat string, index int, n ast.Node) (Step, bool) {
	s := Step{Category: cat}
	fields, ok := entries(n)
	if !ok {
		p.add(line(n), "%s step %d must be a mapping with name, type and content, not %s.", cat, index, kind(n))
		return s, false
	}
	at := line(n)
	if len(fields) > 0 {
		at = line(fields[0].Key)
	}
	var hasName, hasType, hasContent bool
	for _, mv := range fields {
		key := keyText(mv.Key)
		val := mv.Value
		switch key {
		case "name":
			hasName = true
			if raw, ok := p.text(key, val); ok {
				name, err := validate.Name("name", "Step name", raw)
				if err != nil {
					p.addErr(line(val), err)
				}
				s.Name = name
			}
		case "type":
			hasType = true
			if raw, ok := p.text(key, val); ok {
				if raw == "" {
					p.add(line(val), "Step type is required (bash, sql or text).")
				} else if _, err := validate.OneOf("type", "Step type", raw, StepTypes...); err != nil {
					p.addErr(line(val), err)
				}
				s.Type = raw
			}
		case "description":
			if raw, ok := p.text(key, val); ok {
				desc, err := validate.Optional("description", "Description", raw, validate.MaxDescription, true)
				if err != nil {
					p.addErr(line(val), err)
				}
				s.Description = desc
			}
		case "content":
			hasContent = true
			if raw, ok := p.text(key, val); ok {
				if _, err := validate.Content(raw); err != nil {
					p.addErr(line(val), err)
				}
				s.Content = raw
			}
		case "category":
			p.add(line(mv.Key), "unknown field 'category': a step's category is the list it is in ('deploy' or 'verify').")
		default:
			p.unknown(line(mv.Key), key, stepFields, stepSynonyms)
		}
	}
	if !hasName {
		_, err := validate.Name("name", "Step name", "")
		p.addErr(at, err)
	}
	if !hasType {
		p.add(at, "Step type is required (bash, sql or text).")
	}
	if !hasContent {
		_, err := validate.Content("")
		p.addErr(at, err)
	}
	return s, true
}

// suggest is the known field closest to key, through typos and the
// synonyms (a synonym stands for its field); "" when none is close.
func suggest(key string, known []string, synonyms map[string]string) string {
	k := strings.ToLower(key)
	best, bestD := "", 3
	try := func(cand, field string) {
		d := distance(k, cand)
		limit := 2
		if len(cand) <= 4 {
			limit = 1
		}
		if d <= limit && d < bestD {
			best, bestD = field, d
		}
	}
	for _, f := range known {
		try(f, f)
	}
	words := make([]string, 0, len(synonyms))
	for w := range synonyms {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		try(w, synonyms[w])
	}
	return best
}

// distance is the edit distance between a and b in runes, counting a swap
// of two neighbours as one edit (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// printable shortens s for a message and makes invisible characters
// visible.
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
