package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"

	"shipdeck/backend/problem"
)

// codeConstraint is SQLITE_CONSTRAINT: a row breaks a rule of the schema.
const codeConstraint = 19

// Rebuild makes dest (which must not exist) a new Shipdeck database holding
// the rows of the database file src, and returns the objects of src it
// left out. It never adopts anything of src's schema: dest is built by
// Shipdeck's own migrations up to src's version, the rows of the tables and
// columns that version knows (read from dest itself) are copied in, and the
// later migrations are applied. A trigger, view, extra table or index in
// src, or a table defined differently, stays behind, so a backup cannot
// bring code that rewrites the record. src is only read; it may be a file
// Shipdeck wrote at any version, or one the specification's app made.
// Every refusal is a plain sentence; dest is removed on failure.
func Rebuild(ctx context.Context, src, dest string, now time.Time) (left []string, err error) {
	name := filepath.Base(src)
	in, err := InspectFile(ctx, src)
	if err != nil {
		return nil, problem.Wrap(problem.CodeInvalid, err, "%s cannot be read as a database.", name)
	}
	switch {
	case in.Kind == Empty:
		return nil, problem.Invalid("path", "%s holds no Shipdeck data.", name)
	case in.Kind == Foreign:
		return nil, problem.Invalid("path", "%s is not a Shipdeck database (it holds other tables: %s).", name, list(in.Tables))
	case in.Version > SchemaVersion():
		return nil, problem.Invalid("path", "%s was written by a newer Shipdeck (schema %d): update Shipdeck first.", name, in.Version)
	case in.Version < 1:
		return nil, problem.Invalid("path", "%s is not a Shipdeck database as Shipdeck made it (%s).", name, list(in.Changed))
	}
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(dest, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, copyError(err, filepath.Dir(dest))
	}
	f.Close()
	defer func() {
		if err != nil {
			removePartial(dest)
		}
	}()
	// A journal in rollback mode, so that once closed dest is one file
	// that can be renamed into place (the store switches it to WAL when it
	// opens it).
	raw, err := sql.Open("sqlite", FileURI(dest)+"?_pragma=foreign_keys(1)&_pragma=trusted_schema(0)&_pragma=journal_mode(DELETE)&_pragma=synchronous(FULL)")
	if err != nil {
		return nil, fmt.Errorf("open rebuilt database: %w", err)
	}
	raw.SetMaxOpenConns(1) // ATTACH belongs to one connection
	db := bun.NewDB(raw, sqlitedialect.New())
	defer db.Close()
	if err := apply(ctx, db, ms[:in.Version], nil, now, quiet); err != nil {
		return nil, restoreError(err, name, dest)
	}
	if _, err := db.ExecContext(ctx, "ATTACH DATABASE ? AS src", inspectDSN(src)); err != nil {
		return nil, problem.Wrap(problem.CodeInvalid, err, "%s cannot be read as a database.", name)
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return copyRows(ctx, tx, in, name)
	})
	if _, derr := db.ExecContext(ctx, "DETACH DATABASE src"); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return nil, restoreError(err, name, dest)
	}
	if err := apply(ctx, db, ms, nil, now, quiet); err != nil {
		return nil, restoreError(err, name, dest)
	}
	if err := db.Close(); err != nil {
		return nil, restoreError(err, name, dest)
	}
	if err := syncFile(dest); err != nil {
		return nil, restoreError(err, name, dest)
	}
	left = append(left, in.Extra...)
	for _, c := range in.Changed {
		if strings.HasSuffix(c, " differs") {
			left = append(left, strings.TrimSuffix(c, " differs")+" (as defined there)")
		}
	}
	return left, nil
}

// copyRows copies, inside one transaction on the new database, the rows of
// every table the new database has from the attached src. Foreign keys are
// checked once all rows are in.
func copyRows(ctx context.Context, tx bun.Tx, in Inspection, name string) error {
	if _, err := tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
		return fmt.Errorf("defer foreign keys: %w", err)
	}
	var tables []string
	if err := tx.NewRaw(`SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY rowid`).Scan(ctx, &tables); err != nil {
		return fmt.Errorf("list tables: %w", err)
	}
	for _, t := range tables {
		if t == versionTable && in.Kind == Spec {
			continue // the baseline recorded by Apply, as a start-up records it
		}
		cols, err := columns(ctx, tx, "main", t)
		if err != nil {
			return err
		}
		var kind string
		err = tx.QueryRowContext(ctx, "SELECT type FROM src.sqlite_master WHERE name = ? COLLATE NOCASE AND type IN ('table', 'view')", t).Scan(&kind)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("inspect source table: %w", err)
		}
		virtual := false
		if kind == "table" {
			if virtual, err = isVirtual(ctx, tx, t); err != nil {
				return err
			}
		}
		if kind != "table" || virtual {
			return problem.Invalid("path", "%s is not a complete Shipdeck database: table %s is missing.", name, t)
		}
		have, err := columns(ctx, tx, "src", t)
		if err != nil {
			return err
		}
		present := map[string]bool{}
		for _, c := range have {
			present[strings.ToLower(c)] = true
		}
		for _, c := range cols {
			if !present[strings.ToLower(c)] {
				return problem.Invalid("path", "%s is not a complete Shipdeck database: table %s has no column %s.", name, t, c)
			}
		}
		list := quoteAll(cols)
		if t == versionTable {
			// Apply recorded versions 1..V with today's time: the file's
			// own record replaces it.
			if _, err := tx.ExecContext(ctx, "DELETE FROM main."+versionTable); err != nil {
				return fmt.Errorf("clear migration record: %w", err)
			}
		}
		q := fmt.Sprintf("INSERT INTO main.%s (%s) SELECT %s FROM src.%s", quote(t), list, list, quote(t))
		if _, err := tx.ExecContext(ctx, q); err != nil {
			var se *sqlite.Error
			if errors.As(err, &se) && se.Code()&0xff == codeConstraint {
				return problem.Wrap(problem.CodeInvalid, err, "%s holds rows Shipdeck's rules do not allow (in table %s), so it cannot be restored.", name, t)
			}
			return fmt.Errorf("copy table %s: %w", t, err)
		}
	}
	if err := copySequences(ctx, tx, tables); err != nil {
		return err
	}
	var broken []string
	if err := tx.NewRaw(`SELECT DISTINCT "table" FROM pragma_foreign_key_check(NULL, 'main')`).Scan(ctx, &broken); err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	if len(broken) > 0 {
		return problem.Invalid("path", "%s holds rows that point at rows it does not have (in table %s), so it cannot be restored.", name, strings.Join(broken, ", "))
	}
	return nil
}

// copySequences carries the AUTOINCREMENT counters over, so an id used by
// a row deleted before the backup is not given to a new row.
func copySequences(ctx context.Context, tx bun.Tx, tables []string) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM src.sqlite_master WHERE name = 'sqlite_sequence'").Scan(&n); err != nil {
		return fmt.Errorf("look for sqlite_sequence: %w", err)
	}
	if n == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, t := range tables {
		known[t] = true
	}
	rows, err := tx.QueryContext(ctx, "SELECT name, seq FROM src.sqlite_sequence")
	if err != nil {
		return fmt.Errorf("read sequences: %w", err)
	}
	type seq struct {
		name string
		n    int64
	}
	var seqs []seq
	for rows.Next() {
		var s seq
		var n sql.NullInt64
		if err := rows.Scan(&s.name, &n); err != nil {
			rows.Close()
			return fmt.Errorf("read sequences: %w", err)
		}
		if known[s.name] && n.Valid {
			s.n = n.Int64
			seqs = append(seqs, s)
		}
	}
	rows.Close()
	for _, s := range seqs {
		res, err := tx.ExecContext(ctx, "UPDATE main.sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", s.n, s.name)
		if err != nil {
			return fmt.Errorf("copy sequence %s: %w", s.name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)", s.name, s.n); err != nil {
				return fmt.Errorf("copy sequence %s: %w", s.name, err)
			}
		}
	}
	return nil
}

func columns(ctx context.Context, tx bun.Tx, schema, table string) ([]string, error) {
	var cols []string
	// table_xinfo lists generated columns too; those are computed, not
	// copied (hidden 2 and 3).
	err := tx.NewRaw("SELECT name FROM pragma_table_xinfo(?, ?) WHERE hidden = 0 ORDER BY cid", table, schema).Scan(ctx, &cols)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s.%s: %w", schema, table, err)
	}
	return cols, nil
}

// isVirtual says whether src's table is a virtual table, whose rows come
// from code rather than the file.
func isVirtual(ctx context.Context, tx bun.Tx, table string) (bool, error) {
	var sqlText string
	err := tx.QueryRowContext(ctx, "SELECT coalesce(sql, '') FROM src.sqlite_master WHERE name = ? COLLATE NOCASE AND type = 'table'", table).Scan(&sqlText)
	if err != nil {
		return false, fmt.Errorf("read the definition of %s: %w", table, err)
	}
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(sqlText)), "CREATE VIRTUAL"), nil
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// restoreError is the sentence for a rebuild that failed for a cause the
// operator can act on; anything else keeps its cause.
func restoreError(err error, name, dest string) error {
	if isPlain(err) || errors.Is(err, context.Canceled) {
		return err
	}
	dir := filepath.Dir(dest)
	switch classify(err, dir) {
	case causeFull:
		return problem.Wrap(problem.CodeState, err, "The disk holding %s is full, so %s could not be restored: nothing was changed. Free some space and try again.", dir, name)
	case causeReadOnly:
		return problem.Wrap(problem.CodeState, err, "Shipdeck cannot write in %s, so %s could not be restored: nothing was changed.", dir, name)
	case causeDisk:
		return problem.Wrap(problem.CodeState, err, "The disk holding %s reported an error, so %s could not be restored: nothing was changed.", dir, name)
	case causeDamaged:
		return problem.Wrap(problem.CodeInvalid, err, "%s is damaged, so it cannot be restored.", name)
	}
	return fmt.Errorf("rebuild %s: %w", name, err)
}
