package vars

import (
	"fmt"
	"strings"
)

// risk is a set of characters an interpreter reads as syntax, with the
// plain name a message gives them.
type risk struct {
	chars string
	name  string
}

// bashRisks are the characters that change what a bash line does when a
// value lands in it unquoted or inside double quotes: quoting, expansion,
// command chaining and substitution, redirection, globbing and line breaks.
// Spaces are left out on purpose: names such as "Acme GmbH" are common and
// only split words, which the operator can see in the preview.
var bashRisks = []risk{
	{"'", "a single quote (')"},
	{`"`, `a double quote (")`},
	{"`", "a backtick (`)"},
	{"$", "a dollar sign ($)"},
	{`\`, `a backslash (\)`},
	{";", "a semicolon (;)"},
	{"|", "a pipe (|)"},
	{"&", "an ampersand (&)"},
	{"<>", "a redirection (< or >)"},
	{"()", "a parenthesis"},
	{"*?[", "a wildcard (*, ? or [)"},
	{"\n\r", "a line break"},
	{controlChars(), "a control character"},
}

// sqlRisks: a single quote ends an SQL string literal.
var sqlRisks = []risk{{"'", "a single quote (')"}}

// controlChars are the ASCII control characters other than tab and line
// breaks (which have their own entry); a terminal or bash may act on them.
func controlChars() string {
	var b strings.Builder
	for c := byte(0); c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			b.WriteByte(c)
		}
	}
	b.WriteByte(0x7f)
	return b.String()
}

// riskTable maps each ASCII byte to 1 + the index of its risk, so a value
// is checked in one pass however many risks there are.
type riskTable struct {
	risks []risk
	index [128]uint8
}

func newRiskTable(risks []risk) *riskTable {
	t := &riskTable{risks: risks}
	for i, r := range risks {
		for j := 0; j < len(r.chars); j++ {
			t.index[r.chars[j]] = uint8(i + 1)
		}
	}
	return t
}

var (
	bashTable = newRiskTable(bashRisks)
	sqlTable  = newRiskTable(sqlRisks)
)

// unsafe returns why value is risky in a step of type stepType, or "".
func unsafe(stepType, name, value string) string {
	var t *riskTable
	var what string
	switch stepType {
	case "bash":
		t, what = bashTable, "which bash would interpret"
	case "sql":
		t, what = sqlTable, "which would end an SQL string"
	default:
		return ""
	}
	var found uint64 // bit i: risk i is present
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 128 && t.index[c] != 0 {
			found |= 1 << (t.index[c] - 1)
		}
	}
	if found == 0 {
		return ""
	}
	var names []string
	for i, r := range t.risks {
		if found&(1<<i) != 0 {
			names = append(names, r.name)
		}
	}
	return fmt.Sprintf("%s contains %s, %s.", name, list(names), what)
}

// list joins items as English does: "a", "a and b", "a, b and c".
func list(items []string) string {
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
