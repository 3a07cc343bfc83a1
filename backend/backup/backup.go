// Package backup keeps copies of the database: on demand to a path the
// operator picks, automatically once a day in backups/ (the last 14 kept),
// and restores a copy after checking it is a sound Shipdeck database.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
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
// reads one snapshot, so writes in flight are either in it or not).
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
	if _, err := os.Stat(dest); err == nil {
		// The save dialog asked already; VACUUM INTO needs a new file.
		if err := os.Remove(dest); err != nil {
			return problem.Invalid("path", "Shipdeck cannot replace %s.", dest)
		}
	}
	if err := store.VacuumInto(ctx, db, dest); err != nil {
		return fmt.Errorf("back up to %s: %w", dest, err)
	}
	return nil
}

// Daily writes today's backup into dir unless it exists, then keeps only
// the newest Keep daily backups. It returns the path written ("" if none).
func Daily(ctx context.Context, st *store.Store, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create backups directory: %w", err)
	}
	dest := filepath.Join(dir, "shipdeck-"+now.Format("20060102")+"-daily.db")
	written := ""
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		// Written under a temporary name: a copy cut short (the app quit
		// half-way) never passes for today's backup.
		tmp := dest + ".partial"
		os.Remove(tmp)
		if err := To(ctx, st, tmp); err != nil {
			os.Remove(tmp)
			return "", err
		}
		if err := os.Rename(tmp, dest); err != nil {
			return "", fmt.Errorf("finish daily backup: %w", err)
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

// Validate opens path read-only and checks that it is a sound database that
// this Shipdeck understands. The sentence it returns says what is wrong.
func Validate(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return problem.Invalid("path", "%s is not a file Shipdeck can read.", path)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
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
// src, closes the store, moves the current file into backups/ as
// shipdeck-<ts>-before-restore.db, copies src in place (mode 0600) and
// reopens (migrating an older backup). If anything fails after the close,
// the previous database is put back and reopened, so the app is never left
// without one. It returns the path the replaced database was kept at.
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
	// Keep a consistent copy of the live database before touching it.
	if err := To(ctx, st, kept); err != nil {
		return "", err
	}
	if err := st.Close(); err != nil {
		return "", fmt.Errorf("close database: %w", err)
	}
	reopen := func() error { return st.Open(ctx, live) }
	tmp := live + ".restore"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return "", errors.Join(fmt.Errorf("copy backup: %w", err), reopen())
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(live + suffix)
	}
	if err := os.Rename(tmp, live); err != nil {
		os.Remove(tmp)
		return "", errors.Join(fmt.Errorf("replace database: %w", err), reopen())
	}
	if err := reopen(); err != nil {
		// The restored file would not open: put the previous one back.
		if cerr := copyFile(kept, live); cerr != nil {
			return "", errors.Join(err, cerr)
		}
		return "", errors.Join(fmt.Errorf("open restored database: %w", err), reopen())
	}
	return kept, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
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
