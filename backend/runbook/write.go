package runbook

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"shipdeck/backend/internal/sticky"
)

// header opens every written runbook.
const header = "# A Shipdeck runbook: the deploy and verify steps of a release, in order.\n" +
	"# Import it into a release to add these steps to its templates.\n"

// Write writes a runbook of the given steps. Names, types and descriptions
// are plain YAML when that reads back as the same text, else quoted;
// content is a literal block (|) that keeps every byte, or a quoted string
// when a block cannot hold it (a carriage return, say). Every value is
// checked by parsing it back the way Parse will.
func Write(w io.Writer, name string, deploy, verify []Step) error {
	bw := bufio.NewWriter(w)
	out := sticky.NewWriter(bw)
	out.Print(header)
	out.Print("shipdeck: " + Marker + "\n")
	if name != "" {
		out.Print("name: " + inline(name) + "\n")
	}
	out.Print("steps:\n")
	for _, cat := range []struct {
		key   string
		steps []Step
	}{{Deploy, deploy}, {Verify, verify}} {
		if len(cat.steps) == 0 {
			out.Print("  " + cat.key + ": []\n")
			continue
		}
		out.Print("  " + cat.key + ":\n")
		for _, s := range cat.steps {
			if out.Err() != nil {
				break // nothing more reaches w: the failure is returned below
			}
			out.Print("    - name: " + inline(s.Name) + "\n")
			out.Print("      type: " + inline(s.Type) + "\n")
			if s.Description != "" {
				out.Print("      description:" + block(s.Description) + "\n")
			}
			out.Print("      content:" + block(s.Content) + "\n")
		}
	}
	if err := out.Err(); err != nil {
		return fmt.Errorf("write runbook: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write runbook: %w", err)
	}
	return nil
}

// quoted is s as a YAML double-quoted scalar: JSON's string syntax, which
// YAML shares, with every control character escaped, and the invisible
// characters JSON leaves as they are (YAML 1.1 reads NEL as a line break).
func quoted(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// A string always encodes, and a strings.Builder never fails a write.
	_ = enc.Encode(s)
	return invisible.Replace(strings.TrimSuffix(b.String(), "\n"))
}

var invisible = strings.NewReplacer("\u0085", `\u0085`, "\ufeff", `\ufeff`)

// inline is s as a one-line value: plain when the parser reads it back as
// the same string, else quoted.
func inline(s string) string {
	if s != "" && !strings.ContainsAny(s, "\n\r") && strings.TrimSpace(s) == s && readsBack("      k: "+s+"\n", s, true) {
		return s
	}
	return quoted(s)
}

// block is s as the rest of a "key:" line at step level: a literal block
// indented under the key when that reads back as s, else " " and s quoted
// (or inline, for one line).
func block(s string) string {
	if !strings.Contains(s, "\n") {
		return " " + inline(s)
	}
	if lit, ok := literal(s); ok {
		return lit
	}
	return " " + quoted(s)
}

// blockIndent is the indentation of a step's content lines.
const blockIndent = "        "

// literal renders s as a literal block scalar, with the chomping
// indicator its trailing line breaks need and an indentation indicator
// when its first line starts with a space or a tab.
func literal(s string) (string, bool) {
	// A block cannot hold a carriage return; invisible line and page
	// separators are clearer as escapes.
	if strings.ContainsAny(s, "\r\u0085\u2028\u2029\ufeff") {
		return "", false
	}
	body := strings.TrimRight(s, "\n")
	trailing := len(s) - len(body)
	var head strings.Builder
	head.WriteString(" |")
	first := body
	for first != "" && strings.HasPrefix(first, "\n") {
		first = first[1:]
	}
	if strings.HasPrefix(first, " ") || strings.HasPrefix(first, "\t") {
		head.WriteString("2") // relative to the key's indentation
	}
	switch {
	case trailing == 0:
		head.WriteString("-")
	case trailing > 1:
		head.WriteString("+")
	}
	var b strings.Builder
	b.WriteString(head.String())
	for _, line := range strings.Split(body, "\n") {
		b.WriteString("\n")
		if line != "" {
			b.WriteString(blockIndent + line)
		}
	}
	for i := 1; i < trailing; i++ {
		b.WriteString("\n")
	}
	out := b.String()
	// The block as it sits in a runbook, followed by the next field.
	probe := "steps:\n  deploy:\n    - name: probe\n      content:" + out + "\n      type: bash\n"
	if !readsBack(probe, s, false) {
		return "", false
	}
	return out, true
}

// readsBack reports whether doc parses and its first value at key
// "content" or "k" reads as want; strict also requires YAML to see text
// there, not a number or a boolean that Parse would keep as typed.
func readsBack(doc, want string, strict bool) bool {
	f, err := parser.ParseBytes([]byte(doc), 0)
	if err != nil || len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return false
	}
	got, found := "", false
	ast.Walk(probeVisitor(func(key string, n ast.Node) {
		if (key == "content" || key == "k") && !found {
			got, found = scalarText(n)
			if _, isText := n.(*ast.StringNode); strict && !isText {
				found = false
			}
		}
	}), f.Docs[0].Body)
	return found && got == want
}

// probeVisitor calls fn with every mapping value and its key.
type probeVisitor func(key string, value ast.Node)

func (v probeVisitor) Visit(n ast.Node) ast.Visitor {
	if mv, ok := n.(*ast.MappingValueNode); ok {
		v(keyText(mv.Key), mv.Value)
	}
	return v
}

// scalarText is the text of a scalar the way Parse reads it; false for
// anything that is not text (null, a list, a mapping, an alias).
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.TagNode:
		return scalarText(v.Value)
	case *ast.AnchorNode:
		return scalarText(v.Value)
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		// Text that YAML reads as a number or a boolean, kept as typed.
		return n.GetToken().Value, true
	}
	return "", false
}

func keyText(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	if t := k.GetToken(); t != nil {
		return t.Value
	}
	return ""
}
