// Package workspace moves a workspace's whole record between the two
// engines Shipdeck keeps it in: a local SQLite file and a team database on
// PostgreSQL (docs/team-mode.md). A copy keeps every row and its id, and is
// checked before it is committed: each table's row count and checksum read
// back from the copy must equal the source's.
package workspace

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/store"
)

// table is one table of the record, with the columns that order its rows.
type table struct {
	name string
	key  string
}

// tables lists the record in the order a copy writes it: each table after
// the tables it references. schema_migrations is each database's own.
var tables = []table{
	{"clusters", "id"},
	{"customers", "id"},
	{"releases", "id"},
	{"step_templates", "id"},
	{"release_targets", "id"},
	{"release_customers", "release_id, customer_id"},
	{"customer_steps", "id"},
	{"step_history", "id"},
	{"step_runs", "id"},
	{"settings", "key"},
	{"operators", "id"},
}

// The columns whose type differs between the engines: the specification
// stores these flags as 0/1 (boolean on PostgreSQL) and metadata as JSON
// text (jsonb, which keeps the value but not the text: key order and
// spacing are its own). Both are compared and copied as values.
var (
	flagColumns = map[string]bool{"is_active": true, "is_custom": true, "is_overridden": true}
	jsonColumns = map[string]bool{"metadata": true}
)

// batch is the rows per INSERT: 18 columns × 500 stays under both engines'
// limits on a statement's values.
const batch = 500

// Table is one table of a copy: its rows and their checksum.
type Table struct {
	Name     string `json:"name"`
	Rows     int64  `json:"rows"`
	Checksum string `json:"checksum"`
}

// ErrNotEmpty is returned when the copy's destination already holds a
// record: a copy never merges.
var ErrNotEmpty = errors.New("the destination workspace is not empty")

// Copy copies every row of from into to, which must be empty and at the
// same schema version, in one transaction on to; from is read in one
// transaction too, so the copy is of one moment. The copy is checked
// before it is committed, and the tables are returned with their checksums.
func Copy(ctx context.Context, from, to *bun.DB) ([]Table, error) {
	if err := sameVersion(ctx, from, to); err != nil {
		return nil, err
	}
	// SQLite's transactions are serializable already (and the app's BEGIN
	// IMMEDIATE holds writers off for the copy's length); PostgreSQL's read
	// one snapshot when asked for repeatable read.
	var opts *sql.TxOptions
	if store.Postgres(from) {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	src, err := from.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read the source workspace: %w", err)
	}
	defer func() { _ = src.Rollback() }()
	var out []Table
	err = to.RunInTx(ctx, nil, func(ctx context.Context, dst bun.Tx) error {
		if err := empty(ctx, dst); err != nil {
			return err
		}
		want := make([]Table, 0, len(tables))
		for _, t := range tables {
			sum, err := copyTable(ctx, src, dst, t)
			if err != nil {
				return err
			}
			want = append(want, sum)
		}
		if err := resetIdentities(ctx, dst); err != nil {
			return err
		}
		got, err := Checksums(ctx, dst)
		if err != nil {
			return err
		}
		for i := range want {
			if want[i] != got[i] {
				return fmt.Errorf("the copy of %s differs from its source (%d rows, checksum %.12s; the copy has %d, %.12s): nothing was written",
					want[i].Name, want[i].Rows, want[i].Checksum, got[i].Rows, got[i].Checksum)
			}
		}
		out = want
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copy workspace: %w", err)
	}
	return out, nil
}

// Checksums reads every table of the record in key order and returns its
// row count and the SHA-256 of its rows, each value in a form both engines
// give alike (flags 0/1, JSON re-encoded, columns by name).
func Checksums(ctx context.Context, db bun.IDB) ([]Table, error) {
	out := make([]Table, 0, len(tables))
	for _, t := range tables {
		cols, err := columns(ctx, db, t.name)
		if err != nil {
			return nil, err
		}
		sum := newChecksum(t.name, cols)
		if err := scanTable(ctx, db, t, cols, sum.add); err != nil {
			return nil, err
		}
		out = append(out, sum.table())
	}
	return out, nil
}

// checksum is a table's row count and SHA-256 as its rows are read.
type checksum struct {
	name string
	cols []string
	h    hash.Hash
	rows int64
}

func newChecksum(name string, cols []string) *checksum {
	return &checksum{name: name, cols: cols, h: sha256.New()}
}

func (c *checksum) add(row []any) error {
	for i, v := range row {
		s, err := canonical(c.cols[i], v)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if i > 0 {
			c.h.Write([]byte{0x1f})
		}
		c.h.Write([]byte(s))
	}
	c.h.Write([]byte{0x1e})
	c.rows++
	return nil
}

func (c *checksum) table() Table {
	return Table{Name: c.name, Rows: c.rows, Checksum: hex.EncodeToString(c.h.Sum(nil))}
}

// copyTable streams one table from src to dst in batches of multi-row
// INSERTs, ids as they are, and returns the source's checksum of the rows
// it copied (read once, for both).
func copyTable(ctx context.Context, src bun.IDB, dst bun.IDB, t table) (Table, error) {
	cols, err := columns(ctx, dst, t.name)
	if err != nil {
		return Table{}, err
	}
	sum := newChecksum(t.name, cols)
	toPG := store.Postgres(dst)
	head := "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES "
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	args := make([]any, 0, batch*len(cols))
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		q := head + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
		if _, err := dst.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
		args, rows = args[:0], 0
		return nil
	}
	err = scanTable(ctx, src, t, cols, func(row []any) error {
		if err := sum.add(row); err != nil {
			return err
		}
		for i, v := range row {
			w, err := writable(cols[i], v, toPG)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			args = append(args, w)
		}
		if rows++; rows == batch {
			return flush()
		}
		return nil
	}, flush)
	return sum.table(), err
}

// scanTable calls each with every row of t, its columns in cols' order,
// then done (if given).
func scanTable(ctx context.Context, db bun.IDB, t table, cols []string, each func([]any) error, done ...func() error) error {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = c
		if jsonColumns[c] && store.Postgres(db) {
			sel[i] = c + "::text"
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+t.name+" ORDER BY "+t.key)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		if err := each(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	for _, d := range done {
		if err := d(); err != nil {
			return err
		}
	}
	return nil
}

// columns returns t's columns, sorted by name: both engines have the same
// names (TestTeamDatabaseHasTheSameSchema), not in the same order.
func columns(ctx context.Context, db bun.IDB, name string) ([]string, error) {
	q := "SELECT name FROM pragma_table_info(?)"
	if store.Postgres(db) {
		q = "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
	}
	var cols []string
	if err := db.NewRaw(q, name).Scan(ctx, &cols); err != nil {
		return nil, fmt.Errorf("read the columns of %s: %w", name, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("the workspace has no table %s", name)
	}
	slices.Sort(cols)
	return cols, nil
}

// canonical is a value as the checksum reads it.
func canonical(col string, v any) (string, error) {
	if v == nil {
		return "\x00", nil
	}
	switch {
	case flagColumns[col]:
		b, err := flag(v)
		if err != nil {
			return "", fmt.Errorf("%s: %w", col, err)
		}
		if b {
			return "1", nil
		}
		return "0", nil
	case jsonColumns[col]:
		return reencode(col, v)
	}
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	}
	return "", fmt.Errorf("%s: a value of type %T", col, v)
}

// writable is a value as the destination's engine stores it.
func writable(col string, v any, toPG bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch {
	case flagColumns[col]:
		b, err := flag(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", col, err)
		}
		if toPG {
			return b, nil
		}
		if b {
			return int64(1), nil
		}
		return int64(0), nil
	case jsonColumns[col]:
		return reencode(col, v)
	}
	if b, ok := v.([]byte); ok {
		return string(b), nil
	}
	return v, nil
}

func flag(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	}
	return false, fmt.Errorf("a flag of type %T", v)
}

// reencode is JSON text in Go's encoding: keys sorted, no spaces. The app
// writes metadata so; jsonb gives back its own spacing.
func reencode(col string, v any) (string, error) {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case []byte:
		text = string(x)
	default:
		return "", fmt.Errorf("%s: a value of type %T", col, v)
	}
	var parsed any
	if err := json.Unmarshal([]byte(text), &parsed); err != nil {
		return "", fmt.Errorf("%s is not JSON: %.40q", col, text)
	}
	b, err := json.Marshal(parsed)
	if err != nil {
		return "", fmt.Errorf("%s: %w", col, err)
	}
	return string(b), nil
}

// sameVersion refuses a copy between schemas of different versions.
func sameVersion(ctx context.Context, from, to bun.IDB) error {
	version := func(db bun.IDB) (int, error) {
		var v int
		if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v); err != nil {
			return 0, fmt.Errorf("read the schema version: %w", err)
		}
		return v, nil
	}
	a, err := version(from)
	if err != nil {
		return err
	}
	b, err := version(to)
	if err != nil {
		return err
	}
	if a != store.SchemaVersion() || b != store.SchemaVersion() {
		return fmt.Errorf("the workspaces are at schema versions %d and %d; this Shipdeck copies at version %d: open each with it first", a, b, store.SchemaVersion())
	}
	return nil
}

// empty refuses a destination that holds any row of the record.
func empty(ctx context.Context, db bun.IDB) error {
	var held []string
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+t.name).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", t.name, err)
		}
		if n > 0 {
			held = append(held, fmt.Sprintf("%d %s", n, strings.ReplaceAll(t.name, "_", " ")))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w: it holds %s. Nothing was written", ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// resetIdentities moves each PostgreSQL identity past the ids the copy
// wrote, so the next row the app adds gets a new one. SQLite's
// AUTOINCREMENT follows explicit ids by itself.
func resetIdentities(ctx context.Context, db bun.IDB) error {
	if !store.Postgres(db) {
		return nil
	}
	for _, t := range tables {
		if t.key != "id" {
			continue
		}
		q := fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM %[1]s", t.name)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("move the ids of %s on: %w", t.name, err)
		}
	}
	return nil
}
