package store

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"
)

// Set-based statements take their lists of ids (the selected steps, the
// targeted customers, a new order) as one argument, whatever their length:
// one statement for 2,000 customers, never 2,000 statements. The list is
// written into the statement in each engine's form by the types below, so
// the statements themselves are the same text on both engines:
//
//	cu.id IN ?customers          ← IDs:  SQLite (SELECT value FROM json_each('[…]'))
//	                                     PostgreSQL (SELECT unnest(ARRAY[…]::bigint[]))
//	FROM ?order AS j … j.key     ← Rows: a table of (key, value), key counted from 0
//
// SQLite reads a JSON array through json_each because its IN list of
// literals is parsed into one expression per element; PostgreSQL has arrays.

// IDs is a list of row ids written as a subquery: `x IN ?ids`.
type IDs []int64

var _ schema.QueryAppender = IDs(nil)

// AppendQuery writes the list in the statement's engine's form.
func (ids IDs) AppendQuery(gen schema.QueryGen, b []byte) ([]byte, error) {
	if gen.Dialect().Name() == dialect.PG {
		b = append(b, "(SELECT unnest("...)
		b = appendArray(b, ids)
		return append(b, "))"...), nil
	}
	b = append(b, "(SELECT value FROM json_each('"...)
	b = appendJSON(b, ids)
	return append(b, "'))"...), nil
}

// Rows is a list of row ids written as a table of (key, value), key the
// position from 0: `FROM ?order AS j WHERE t.id = j.value`.
type Rows []int64

var _ schema.QueryAppender = Rows(nil)

// AppendQuery writes the table in the statement's engine's form.
func (ids Rows) AppendQuery(gen schema.QueryGen, b []byte) ([]byte, error) {
	if gen.Dialect().Name() == dialect.PG {
		b = append(b, "(SELECT u.ord - 1 AS key, u.value FROM unnest("...)
		b = appendArray(b, ids)
		return append(b, ") WITH ORDINALITY AS u(value, ord))"...), nil
	}
	b = append(b, "(SELECT key, value FROM json_each('"...)
	b = appendJSON(b, ids)
	return append(b, "'))"...), nil
}

// Texts is a list of short texts (statuses, kinds) written as a subquery:
// `x IN ?from`.
type Texts []string

var _ schema.QueryAppender = Texts(nil)

// AppendQuery writes the list in the statement's engine's form: an IN list
// of quoted literals, which both engines read alike, or a list that matches
// nothing when empty.
func (ts Texts) AppendQuery(gen schema.QueryGen, b []byte) ([]byte, error) {
	if len(ts) == 0 {
		return append(b, "(SELECT NULL WHERE false)"...), nil
	}
	b = append(b, '(')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = gen.Dialect().AppendString(b, t)
	}
	return append(b, ')'), nil
}

func appendArray(b []byte, ids []int64) []byte {
	b = appendInts(append(b, "ARRAY["...), ids)
	return append(b, "]::bigint[]"...)
}

func appendJSON(b []byte, ids []int64) []byte {
	return append(appendInts(append(b, '['), ids), ']')
}

// appendInts writes ids separated by commas.
func appendInts(b []byte, ids []int64) []byte {
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return b
}

// Dialect writes the statement of db's engine: the few statements whose
// shape differs (a function one engine lacks, SQLite's INDEXED BY) keep
// both forms side by side and pick one here.
func Dialect(db bun.IDB, sqlite, postgres string) string {
	if Postgres(db) {
		return postgres
	}
	return sqlite
}

var indexedBy = regexp.MustCompile(`\s+INDEXED BY \w+`)

// Hinted writes a statement that steers SQLite's planner in db's engine's
// form. SQLite takes two hints where its plan would be worse (the comments
// at the statements say why): INDEXED BY names the index, and CROSS JOIN …
// ON keeps the join's order. PostgreSQL has neither (it refuses ON after
// CROSS JOIN) and its planner does not need them: they become nothing and
// a plain JOIN. Every CROSS JOIN of ours has its ON.
func Hinted(db bun.IDB, q string) string {
	if Postgres(db) {
		return strings.ReplaceAll(indexedBy.ReplaceAllString(q, ""), "CROSS JOIN", "JOIN")
	}
	return q
}

// Prepared writes a statement to prepare with database/sql (rather than run
// through Bun, which fills in its arguments itself) in db's engine's form:
// SQLite's placeholders are ?, PostgreSQL's $1, $2, …. q must hold no ?
// other than its placeholders.
func Prepared(db bun.IDB, q string) string {
	if !Postgres(db) {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
