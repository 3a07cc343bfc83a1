// Package fleetcsv reads and writes the customers of a fleet as a
// spreadsheet file: one customer per row, with the columns cluster,
// namespace, name, an optional description and any number of meta.KEY
// columns for metadata.
package fleetcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// MaxSize is the largest file Parse reads: far beyond any fleet (2,000
// customers with a few metadata columns take about 200 KB), small enough
// that choosing the wrong file by mistake cannot exhaust memory.
const MaxSize = 32 << 20

// Row is one customer of the file. Values are trimmed; Meta holds the
// non-empty meta.KEY cells (nil when there are none), so an empty cell
// means "not set".
type Row struct {
	Line        int               `json:"line"` // the line of the file where the row starts
	Cluster     string            `json:"cluster"`
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Meta        map[string]string `json:"meta"`
}

// Problem is one thing wrong with the file, in a sentence for the operator.
type Problem struct {
	Line    int    `json:"line"`   // 1-based line where the record starts; 0 for the file as a whole
	Column  string `json:"column"` // "cluster", "namespace", "name", "description", "meta.KEY", or "" for the whole line
	Message string `json:"message"`
}

// column is what one column of the file holds.
type column struct {
	name string // "cluster", "namespace", "name", "description" or "meta.KEY"
	key  string // the metadata key, for meta columns
	skip bool   // the header is at fault; its cells are not read
}

var required = []string{"cluster", "namespace", "name"}

// Parse reads a customers file: UTF-8 with or without a byte order mark,
// fields separated by commas or semicolons (whichever the header line uses
// more; an Excel "sep=;" first line is honoured), values in double quotes
// when they hold the separator, a quote or a line break.
//
// It checks every row and returns every problem, in file order, with the
// messages of the validate and vars checks. Rows holds each record with
// the right number of fields, problems or not, so a preview can show rows
// next to their problems: import only when there are no problems. Records
// whose cells are all blank (trailing rows a spreadsheet exported) are
// skipped. The error is only for input that cannot be read.
func Parse(r io.Reader) ([]Row, []Problem, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read customers file: %w", err)
	}
	if len(data) > MaxSize {
		return nil, []Problem{{Message: fmt.Sprintf("The file is larger than %d MB, far more than a customers file holds: check that it is the right file.", MaxSize>>20)}}, nil
	}
	if p, ok := encodingProblem(data); !ok {
		return nil, []Problem{p}, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	comma, skipLines := delimiter(data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // a wrong count is a problem to report, not an error
	cr.TrimLeadingSpace = true
	for range skipLines {
		if _, err := cr.Read(); err != nil {
			break
		}
	}

	p := parser{cr: cr}
	if !p.header() {
		return nil, p.problems, nil
	}
	for p.next() {
	}
	if p.err != nil {
		return nil, nil, fmt.Errorf("read customers file: %w", p.err)
	}
	return p.rows, p.problems, nil
}

// EncodingProblem says why data cannot be a customers file's text (UTF-16,
// or bytes that are not UTF-8), pointing at the first bad line; ok is true
// when it is UTF-8. Read a file with it before it becomes a Go string sent
// elsewhere: JSON replaces bytes that are not UTF-8, and Parse would no
// longer see them.
func EncodingProblem(data []byte) (p Problem, ok bool) { return encodingProblem(data) }

// encodingProblem refuses text that is not UTF-8, pointing at the first
// bad line; spreadsheets save other encodings under similar menu names.
func encodingProblem(data []byte) (Problem, bool) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return Problem{Line: 1, Message: "The file is UTF-16 text: save it from the spreadsheet as \"CSV UTF-8\"."}, false
	}
	if utf8.Valid(data) {
		return Problem{}, true
	}
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return Problem{Line: line, Message: "The file is not UTF-8 text (this line has a character in another encoding): save it from the spreadsheet as \"CSV UTF-8\"."}, false
}

// delimiter picks the field separator from the first line and reports how
// many lines precede the header (1 for Excel's "sep=X" line).
func delimiter(data []byte) (rune, int) {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimRight(first, "\r")
	if s := string(first); len(s) == 5 && strings.EqualFold(s[:4], "sep=") && (s[4] == ',' || s[4] == ';') {
		return rune(s[4]), 1
	}
	var commas, semicolons int
	quoted := false
	for _, c := range first {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semicolons++
		}
	}
	if semicolons > commas {
		return ';', 0
	}
	return ',', 0
}

// parser holds the state of one Parse.
type parser struct {
	cr       *csv.Reader
	columns  []column
	rows     []Row
	problems []Problem
	seen     map[string]int // cluster + "\x00" + namespace -> line
	err      error
}

func (p *parser) add(line int, column, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

// addErr records a validation error with its own message.
func (p *parser) addErr(line int, column string, err error) {
	p.problems = append(p.problems, Problem{Line: line, Column: column, Message: err.Error()})
}

// header reads the column names and reports whether rows can be read.
func (p *parser) header() bool {
	rec, err := p.cr.Read()
	if errors.Is(err, io.EOF) {
		p.add(1, "", "The file is empty: its first line must name the columns cluster, namespace and name.")
		return false
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.add(pe.StartLine, "", "The header line cannot be read: %s", quoteMessage(pe))
		return false
	}
	if err != nil {
		p.err = err
		return false
	}
	line, _ := p.cr.FieldPos(0)
	have := map[string]bool{}
	for i, cell := range rec {
		name := strings.TrimSpace(cell)
		lower := strings.ToLower(name)
		col := column{name: lower}
		switch {
		case name == "":
			p.add(line, "", "Column %d has no name in the header.", i+1)
			col.skip = true
		case lower == "cluster" || lower == "namespace" || lower == "name" || lower == "description":
		case strings.HasPrefix(lower, "meta."):
			// The key keeps its case so the key check can say what is wrong.
			key, err := vars.MetadataKey(name, name[len("meta."):])
			if err != nil {
				p.addErr(line, name, err)
				col.skip = true
				break
			}
			col.name, col.key = "meta."+key, key
		default:
			p.add(line, name, "Column '%s' is not known: use cluster, namespace, name, description, or meta.KEY for metadata.", name)
			col.skip = true
		}
		if !col.skip && have[col.name] {
			p.add(line, col.name, "Column '%s' appears twice in the header.", col.name)
			col.skip = true
		}
		if !col.skip {
			have[col.name] = true
		}
		p.columns = append(p.columns, col)
	}
	ok := true
	for _, r := range required {
		if !have[r] {
			p.add(line, r, "The header has no '%s' column; it needs cluster, namespace and name.", r)
			ok = false
		}
	}
	return ok
}

// next reads and checks one record; false at the end of the file.
func (p *parser) next() bool {
	rec, err := p.cr.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		p.add(pe.StartLine, "", "%s", quoteMessage(pe))
		return true
	}
	if err != nil {
		p.err = err
		return false
	}
	line, _ := p.cr.FieldPos(0)
	if blank(rec) {
		return true
	}
	if len(rec) != len(p.columns) {
		p.add(line, "", "This line has %d fields but the header has %d; a value that contains the separator must be in double quotes.", len(rec), len(p.columns))
		return true
	}
	row := Row{Line: line}
	// check validates one cell; a refused cell is kept as written so a
	// preview shows what the file says next to the problem.
	// Duplicates are only looked for between well-formed cluster and
	// namespace values, so one typo is not reported twice.
	keyOK := true
	check := func(column, cell string, valid func(string) (string, error)) string {
		v, err := valid(cell)
		if err != nil {
			p.addErr(line, column, err)
			if column == "cluster" || column == "namespace" {
				keyOK = false
			}
			return cell
		}
		return v
	}
	for i, col := range p.columns {
		if col.skip {
			continue
		}
		cell := strings.TrimSpace(rec[i])
		switch col.name {
		case "cluster":
			row.Cluster = check(col.name, cell, func(s string) (string, error) { return validate.Name("cluster", "Cluster", s) })
		case "namespace":
			row.Namespace = check(col.name, cell, validate.Namespace)
		case "name":
			row.Name = check(col.name, cell, func(s string) (string, error) { return validate.Name("name", "Name", s) })
		case "description":
			row.Description = check(col.name, cell, func(s string) (string, error) {
				return validate.Optional("description", "Description", s, validate.MaxDescription, true)
			})
		default:
			if cell == "" {
				continue
			}
			if row.Meta == nil {
				row.Meta = map[string]string{}
			}
			row.Meta[col.key] = check(col.name, cell, func(s string) (string, error) { return vars.MetadataValue(col.name, col.key, s) })
		}
	}
	if keyOK {
		p.duplicate(row)
	}
	p.rows = append(p.rows, row)
	return true
}

// duplicate reports a second customer with the same cluster and namespace,
// naming the line of the first.
func (p *parser) duplicate(row Row) {
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	k := row.Cluster + "\x00" + row.Namespace
	if first, dup := p.seen[k]; dup {
		p.add(row.Line, "namespace", "Namespace '%s' on cluster '%s' is already on line %d.", row.Namespace, row.Cluster, first)
		return
	}
	p.seen[k] = row.Line
}

// blank reports a record whose cells are all empty or spaces.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// quoteMessage says in plain words what encoding/csv found wrong with the
// quotes of a record.
func quoteMessage(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return "A double quote appears inside a value that does not start with one: put the whole value in double quotes and write the quote inside it twice (\"\")."
	case errors.Is(pe.Err, csv.ErrQuote):
		return "A value in double quotes is not closed where it should be: it must end with a double quote, and a quote inside it must be written twice (\"\")."
	}
	return fmt.Sprintf("The line cannot be read as CSV (%v).", pe.Err)
}

// Write writes rows in the format Parse reads: comma-separated UTF-8
// without a byte order mark, a header of cluster, namespace, name,
// description and one meta.KEY column per metadata key of any row, sorted.
// A row without a key gets an empty cell, which Parse reads as not set; so
// an empty metadata value, and spaces around values, do not survive a
// round trip. Row.Line is ignored.
func Write(w io.Writer, rows []Row) error {
	keySet := map[string]bool{}
	for _, r := range rows {
		for k := range r.Meta {
			keySet[k] = true
		}
	}
	keys := make([]string, 0, len(keySet))
	for k := range keySet {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	cw := csv.NewWriter(w)
	header := []string{"cluster", "namespace", "name", "description"}
	for _, k := range keys {
		header = append(header, "meta."+k)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write customers header: %w", err)
	}
	rec := make([]string, len(header))
	for _, r := range rows {
		rec[0], rec[1], rec[2], rec[3] = r.Cluster, r.Namespace, r.Name, r.Description
		for i, k := range keys {
			rec[4+i] = r.Meta[k]
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write customer %s: %w", r.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write customers: %w", err)
	}
	return nil
}
