package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded, append-only schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// baselineVersion is the specification's own schema; a Drizzle-made database
// already has it.
const baselineVersion = 1

// specTables are the specification's five tables (docs/design.md,
// "Schema").
var specTables = []string{"clusters", "customers", "releases", "step_templates", "customer_steps"}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	return loadMigrations(migrationFiles, "migrations")
}

func loadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number", name)
		}
		body, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration versions must run 1, 2, 3… without gaps: found %d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

func migrate(ctx context.Context, db *bun.DB, path string, existed bool, now time.Time) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	return Apply(ctx, db, ms, BackupBefore(path, existed, now), now)
}

// BackupBefore returns the hook Apply calls before it changes a database that
// already holds data: a consistent copy in backups/ beside the file.
func BackupBefore(path string, existed bool, now time.Time) func(ctx context.Context, db *bun.DB) error {
	return func(ctx context.Context, db *bun.DB) error {
		if !existed {
			return nil
		}
		has, err := hasRows(ctx, db)
		if err != nil || !has {
			return err
		}
		home := filepath.Dir(path)
		dir := filepath.Join(home, BackupsDir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create backups directory: %w", err)
		}
		dest := filepath.Join(dir, "shipdeck-"+now.UTC().Format("20060102-150405")+"-pre-migration.db")
		return WriteCopy(ctx, db, dest, home, false)
	}
}

// Apply brings db up to the last of ms. Each migration runs in its own
// transaction together with the row that records it, so a migration that fails
// half-way leaves no trace and is retried at the next start. before runs once,
// only when something is about to change.
func Apply(ctx context.Context, db *bun.DB, ms []Migration, before func(context.Context, *bun.DB) error, now time.Time) error {
	return apply(ctx, db, ms, before, now, slog.Default())
}

// apply is Apply with the logger that hears of each migration: a database
// built as a reference or as a restore's copy is not the one the log is
// about.
func apply(ctx context.Context, db *bun.DB, ms []Migration, before func(context.Context, *bun.DB) error, now time.Time, log *slog.Logger) error {
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return err
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].Version
	}
	for v := range applied {
		if v > known {
			return fmt.Errorf("this database was written by a newer Shipdeck (schema version %d, this one knows %d): update Shipdeck to open it", v, known)
		}
	}
	baseline := false
	if len(applied) == 0 {
		baseline, err = isSpecDatabase(ctx, db)
		if err != nil {
			return err
		}
	}
	var pending []Migration
	for _, m := range ms {
		if applied[m.Version] || baseline && m.Version == baselineVersion {
			continue // applied, or the specification's schema the file already has
		}
		pending = append(pending, m)
	}
	if len(pending) == 0 && !baseline {
		return nil
	}
	if before != nil {
		if err := before(ctx, db); err != nil {
			return fmt.Errorf("back up before migrating: %w", err)
		}
	}
	if baseline {
		// The specification's app made this file: its tables are our
		// version 1. Record that without running it.
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := createVersionTable(ctx, tx); err != nil {
				return err
			}
			return recordVersion(ctx, tx, ms[0], now)
		})
		if err != nil {
			return fmt.Errorf("record baseline of existing database: %w", err)
		}
	}
	for _, m := range pending {
		log.Info("applying migration", "version", m.Version, "name", m.Name)
		err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := createVersionTable(ctx, tx); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply migration: %w", err)
			}
			return recordVersion(ctx, tx, m, now)
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
	}
	return nil
}

func createVersionTable(ctx context.Context, tx bun.Tx) error {
	_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY NOT NULL,
		name text NOT NULL,
		applied_at integer NOT NULL
	)`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

func recordVersion(ctx context.Context, tx bun.Tx, m Migration, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, now.Unix()); err != nil {
		return fmt.Errorf("record migration %d: %w", m.Version, err)
	}
	return nil
}

func appliedVersions(ctx context.Context, db bun.IDB) (map[int]bool, error) {
	out := map[int]bool{}
	exists, err := tableExists(ctx, db, "schema_migrations")
	if err != nil || !exists {
		return out, err
	}
	rows, err := db.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read applied migrations: %w", err)
		}
		out[v] = true
	}
	return out, rows.Err()
}

// isSpecDatabase tells a database made by the specification's app (all five
// tables, no history of ours) from an empty file. Some but not all of the five
// tables means a file we do not understand; we refuse it rather than guess.
func isSpecDatabase(ctx context.Context, db bun.IDB) (bool, error) {
	found := 0
	for _, t := range specTables {
		ok, err := tableExists(ctx, db, t)
		if err != nil {
			return false, err
		}
		if ok {
			found++
		}
	}
	switch found {
	case 0:
		return false, nil
	case len(specTables):
		return true, nil
	default:
		return false, errors.New("the database file has some of Shipdeck's tables but not all of them: it is not a Shipdeck database")
	}
}

func tableExists(ctx context.Context, db bun.IDB, name string) (bool, error) {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if Postgres(db) {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	var n int
	err := db.QueryRowContext(ctx, q, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("inspect schema: %w", err)
	}
	return n > 0, nil
}

func hasRows(ctx context.Context, db bun.IDB) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count tables: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	for _, t := range specTables {
		ok, err := tableExists(ctx, db, t)
		if err != nil {
			return false, err
		}
		if !ok {
			continue
		}
		var one int
		err = db.QueryRowContext(ctx, "SELECT 1 FROM "+t+" LIMIT 1").Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("look for rows in %s: %w", t, err)
		}
	}
	return false, nil
}
