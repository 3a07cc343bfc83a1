package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// BackupsDir is the folder, inside the data directory, of the copies
// Shipdeck makes by itself (daily, before a migration, before a restore).
const BackupsDir = "backups"

// PartialPrefix begins the name of every database file Shipdeck is still
// writing: a copy is written under such a name, created with mode 0600
// before its first byte, and renamed once whole. A file left with this name
// was cut short (Shipdeck was killed) and is removed at the next start.
const PartialPrefix = ".shipdeck-partial-"

// pendingPrefix names a note, in the data directory, of a partial file
// being written elsewhere (a backup to a folder the operator chose), so the
// next start can remove it if Shipdeck is killed half-way.
const pendingPrefix = ".shipdeck-pending-"

// Execer runs a statement: *sql.DB, *sql.Conn and bun.IDB all do.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// WriteCopy writes a consistent copy of the database db reads to dest with
// VACUUM INTO (one snapshot: a write in flight is in it whole or not at
// all). The copy is created with mode 0600 under a partial name beside
// dest, synced, and renamed to dest only once whole, so no other user can
// read it at any moment and a copy cut short never passes for a backup.
// replace says whether a file already at dest may be replaced. home is the
// data directory: a copy written outside it is noted there while it is
// being written. A failure is a plain sentence naming the cause (a full
// disk, a folder Shipdeck cannot write).
func WriteCopy(ctx context.Context, db Execer, dest, home string, replace bool) error {
	dir := filepath.Dir(dest)
	if !replace {
		if _, err := os.Lstat(dest); err == nil {
			return fmt.Errorf("backup %s already exists", dest)
		}
	}
	tmp, err := createPartial(dir)
	if err != nil {
		return copyError(err, dir)
	}
	defer note(home, tmp)()
	fail := func(err error) error {
		removePartial(tmp)
		return copyError(err, dir)
	}
	// VACUUM INTO writes into an existing file when it is empty, keeping
	// its mode.
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fail(err)
	}
	if err := syncFile(tmp); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fail(err)
	}
	return nil
}

// CopyFile is WriteCopy of the database file src, read read-only (with
// what its WAL committed).
func CopyFile(ctx context.Context, src, dest, home string, replace bool) error {
	db, err := sql.Open("sqlite", readOnlyDSN(src, false))
	if err != nil {
		return fmt.Errorf("open source database: %w", err)
	}
	defer db.Close()
	return WriteCopy(ctx, db, dest, home, replace)
}

// createPartial creates an empty file with mode 0600 in dir, under a
// partial name, and returns its path.
func createPartial(dir string) (string, error) {
	f, err := os.CreateTemp(dir, PartialPrefix+"*.db") // O_EXCL, mode 0600
	if err != nil {
		return "", fmt.Errorf("create partial copy: %w", err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("create partial copy: %w", err)
	}
	return name, nil
}

// removePartial removes a partial database file and any journal SQLite
// kept beside it.
func removePartial(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open copy to sync: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync copy: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close copy: %w", err)
	}
	return nil
}

// note records, in home, that the partial file tmp is being written outside
// it; the returned function removes the note. Inside home (or with no home)
// there is nothing to note: the start-up sweep looks there anyway.
func note(home, tmp string) func() {
	dir := filepath.Dir(tmp)
	if home == "" || dir == filepath.Clean(home) || dir == filepath.Join(home, BackupsDir) {
		return func() {}
	}
	f, err := os.CreateTemp(home, pendingPrefix+"*")
	if err != nil {
		// Without a note the partial file is still private (0600) and
		// removed on failure; only a kill would leave it behind.
		return func() {}
	}
	_, err = f.WriteString(tmp)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return func() {}
	}
	return func() { os.Remove(f.Name()) }
}

// ClearPartials removes what a killed Shipdeck left half-written in the
// data directory home: copies and restores under a partial name (there, in
// backups/, and elsewhere as noted), a restore's temporary file from
// earlier versions (shipdeck.db.restore), empty backups (a pre-migration
// copy killed before its first byte) and backups with a rollback journal
// beside them (a copy killed while SQLite was writing it). Call it at
// start-up, once the data directory's lock is held (so another instance's
// files in progress are never touched). It returns what it removed.
func ClearPartials(home string) []string {
	var removed []string
	remove := func(path string) {
		if err := os.Remove(path); err == nil {
			removed = append(removed, path)
		}
	}
	notes, _ := filepath.Glob(filepath.Join(globEscape(home), pendingPrefix+"*"))
	for _, n := range notes {
		if b, err := os.ReadFile(n); err == nil {
			p := string(b)
			if filepath.IsAbs(p) && strings.HasPrefix(filepath.Base(p), PartialPrefix) {
				for _, suffix := range []string{"", "-journal"} {
					remove(p + suffix)
				}
			}
		}
		os.Remove(n)
	}
	backups := filepath.Join(home, BackupsDir)
	for _, dir := range []string{home, backups} {
		partial, _ := filepath.Glob(filepath.Join(globEscape(dir), PartialPrefix+"*"))
		for _, p := range partial {
			remove(p)
		}
	}
	legacy, _ := filepath.Glob(filepath.Join(globEscape(home), FileName+".restore*"))
	for _, p := range legacy {
		remove(p)
	}
	files, _ := filepath.Glob(filepath.Join(globEscape(backups), "*.db"))
	for _, f := range files {
		fi, err := os.Lstat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		_, jerr := os.Lstat(f + "-journal")
		if fi.Size() == 0 || jerr == nil {
			remove(f)
			remove(f + "-journal")
		}
	}
	return removed
}

// globEscape quotes the characters filepath.Glob reads as patterns, so a
// data directory named "ops[1]" is searched as named.
func globEscape(path string) string {
	var b strings.Builder
	for _, r := range path {
		if strings.ContainsRune(`*?[\`, r) && filepath.Separator != '\\' {
			b.WriteRune('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
