// Package backup keeps copies of the database: on demand to a path the
// operator picks, automatically once a day in backups/ (the last 14 kept),
// and restores a copy after checking it is a sound Shipdeck database.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// Keep is how many daily backups stay in backups/.
const Keep = 14

const dailyPattern = "shipdeck-*-daily.db"

// To writes a consistent copy of the open database to dest (VACUUM INTO
// reads one snapshot, so writes in flight are either in it or not). The copy
// is written beside dest under a temporary name and renamed over it only
// once complete: a failed or cut-short backup never destroys a file the
// operator already had at dest (the save dialog asked before replacing it).
func To(ctx context.Context, st *store.Store, dest string) error {
	db, err := st.DB()
	if err != nil {
		return err
	}
	dest = filepath.Clean(dest)
	if !filepath.IsAbs(dest) {
		return problem.Invalid("path", "Choose where to save the backup.")
	}
	if dest == filepath.Clean(st.Path()) {
		return problem.Invalid("path", "A backup cannot replace the live database.")
	}
	if fi, err := os.Stat(dest); err == nil && !fi.Mode().IsRegular() {
		return problem.Invalid("path", "%s is not a file: choose a file name for the backup.", dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), tempPrefix+"*.db")
	if err != nil {
		return problem.Invalid("path", "Shipdeck cannot write in %s.", filepath.Dir(dest))
	}
	tmp.Close()
	os.Remove(tmp.Name()) // VACUUM INTO makes the file itself
	if err := store.VacuumInto(ctx, db, tmp.Name()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	return nil
}

// tempPrefix names copies still being written; Daily clears any a killed
// app left in backups/.
const tempPrefix = ".shipdeck-partial-"

// Daily writes today's backup into dir unless it exists, then keeps only
// the newest Keep daily backups. It returns the path written ("" if none).
func Daily(ctx context.Context, st *store.Store, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create backups directory: %w", err)
	}
	if stale, _ := filepath.Glob(filepath.Join(dir, tempPrefix+"*")); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	dest := filepath.Join(dir, "shipdeck-"+now.Format("20060102")+"-daily.db")
	written := ""
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		// To writes under a temporary name: a copy cut short (the app
		// quit half-way) never passes for today's backup.
		if err := To(ctx, st, dest); err != nil {
			return "", err
		}
		written = dest
	}
	files, err := filepath.Glob(filepath.Join(dir, dailyPattern))
	if err != nil {
		return written, err
	}
	sort.Strings(files) // the date in the name sorts them oldest first
	for len(files) > Keep {
		if err := os.Remove(files[0]); err != nil {
			return written, fmt.Errorf("prune old backup: %w", err)
		}
		files = files[1:]
	}
	return written, nil
}

// readOnlyDSN opens path read-only; store.FileURI escapes it, so any file
// name the dialog gives opens that file.
func readOnlyDSN(path string) string {
	return store.FileURI(path) + "?mode=ro&_pragma=busy_timeout(5000)"
}

// Validate opens path read-only and checks that it is a sound database that
// this Shipdeck understands. The sentence it returns says what is wrong.
func Validate(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return problem.Invalid("path", "%s is not a file Shipdeck can read.", path)
	}
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return problem.Invalid("path", "%s cannot be opened as a database.", path)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil {
		return problem.Invalid("path", "%s is not a SQLite database.", filepath.Base(path))
	}
	if ok != "ok" {
		return problem.Invalid("path", "%s is damaged (integrity check: %s).", filepath.Base(path), ok)
	}
	var missing []string
	for _, t := range []string{"clusters", "customers", "releases", "step_templates", "customer_steps", "schema_migrations"} {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", t).Scan(&n); err != nil || n == 0 {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return problem.Invalid("path", "%s is not a Shipdeck database (no %s).", filepath.Base(path), strings.Join(missing, ", "))
	}
	var newest int
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&newest); err != nil {
		return problem.Invalid("path", "%s has no readable schema version.", filepath.Base(path))
	}
	if newest > store.SchemaVersion() {
		return problem.Invalid("path", "%s was written by a newer Shipdeck (schema %d): update Shipdeck first.", filepath.Base(path), newest)
	}
	return nil
}

// Restore replaces the live database with the backup at src: it validates
// src, closes the store (waiting for writes in flight), keeps a copy of the
// live database in backups/ as shipdeck-<ts>-before-restore.db, puts a copy
// of src in place (mode 0600) and reopens (migrating an older backup). If anything
// fails after the close, the previous database is put back and reopened,
// so the app is never left without one. It returns the path the replaced
// database was kept at.
func Restore(ctx context.Context, st *store.Store, src string, now time.Time) (string, error) {
	if err := Validate(ctx, src); err != nil {
		return "", err
	}
	live := st.Path()
	if live == "" {
		return "", store.ErrClosed
	}
	if filepath.Clean(src) == filepath.Clean(live) {
		return "", problem.Invalid("path", "That is the live database already.")
	}
	dir := filepath.Join(filepath.Dir(live), "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	kept := filepath.Join(dir, "shipdeck-"+now.UTC().Format("20060102-150405")+"-before-restore.db")
	if _, err := os.Stat(kept); err == nil {
		return "", problem.State("A restore was made a moment ago; try again in a second.")
	}
	// The replacement is made while the live database is still open: a copy
	// of src through SQLite, so it holds what src's own WAL had committed
	// too (a plain file copy would drop that).
	tmp := live + ".restore"
	os.Remove(tmp)
	if err := copyDatabase(ctx, src, tmp); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("copy backup: %w", err)
	}
	// Close waits for writes in flight and checkpoints the WAL; the copy
	// kept of the live database is taken after, so it misses nothing.
	if err := st.Close(); err != nil {
		os.Remove(tmp)
		return "", errors.Join(fmt.Errorf("close database: %w", err), st.Open(ctx, live))
	}
	if err := copyDatabase(ctx, live, kept); err != nil {
		os.Remove(tmp)
		os.Remove(kept)
		return "", errors.Join(fmt.Errorf("keep the current database: %w", err), st.Open(ctx, live))
	}
	reopen := func() error { return st.Open(ctx, live) }
	if err := replace(tmp, live); err != nil {
		os.Remove(tmp)
		return "", errors.Join(fmt.Errorf("replace database: %w", err), reopen())
	}
	if err := reopen(); err != nil {
		// The restored file would not open: put the previous one back.
		os.Remove(live + ".restore")
		if cerr := copyDatabase(ctx, kept, live+".restore"); cerr != nil {
			return "", errors.Join(err, cerr)
		}
		if rerr := replace(live+".restore", live); rerr != nil {
			return "", errors.Join(err, rerr)
		}
		return "", errors.Join(problem.Invalid("path", "%s could not be opened, so the previous database was put back.", filepath.Base(src)), reopen())
	}
	return kept, nil
}

// replace moves tmp over the (closed) database at live, removing live's WAL
// and shared-memory files first: frames left there belong to the old file
// and would be replayed onto the new one.
func replace(tmp, live string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(live + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(tmp, live)
}

// copyDatabase writes a consistent copy of the database file src to dest
// (mode 0600), reading src read-only.
func copyDatabase(ctx context.Context, src, dest string) error {
	db, err := sql.Open("sqlite", readOnlyDSN(src))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return err
	}
	return os.Chmod(dest, 0o600)
}

// List returns the backups in dir, newest first.
func List(dir string) ([]Info, error) {
	files, err := filepath.Glob(filepath.Join(dir, "shipdeck-*.db"))
	if err != nil {
		return nil, err
	}
	out := []Info{}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		out = append(out, Info{Path: f, Name: filepath.Base(f), Bytes: fi.Size(), ModTime: fi.ModTime().Unix()})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].ModTime > out[j].ModTime || (out[i].ModTime == out[j].ModTime && out[i].Name > out[j].Name)
	})
	return out, nil
}

// Info describes one backup file.
type Info struct {
	Path    string `json:"path"`
	Name    string `json:"name"`
	Bytes   int64  `json:"bytes"`
	ModTime int64  `json:"modTime"`
}
