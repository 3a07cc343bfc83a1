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
	"sync"
	"time"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// Keep is how many daily backups stay in backups/.
const Keep = 14

const dailyPattern = "shipdeck-*-daily.db"

// To writes a consistent copy of the open database to dest (VACUUM INTO
// reads one snapshot, so writes in flight are either in it or not). The
// copy is created with mode 0600 beside dest under a temporary name and
// renamed over it only once complete: a failed or cut-short backup never
// destroys a file the operator already had at dest (the save dialog asked
// before replacing it), and is never readable by others. A failure says
// why in one sentence (a full disk, a folder Shipdeck cannot write).
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
	if fi, err := os.Stat(filepath.Dir(dest)); err != nil || !fi.IsDir() {
		return problem.Invalid("path", "%s is not a folder Shipdeck can write in.", filepath.Dir(dest))
	}
	if err := store.WriteCopy(ctx, db, dest, filepath.Dir(st.Path()), true); err != nil {
		return err
	}
	// A copy VACUUM INTO finished and synced is sound: List need not read
	// it again to know.
	if fi, err := os.Lstat(dest); err == nil {
		remember(dest, fi, true)
	}
	return nil
}

// Daily writes today's backup into dir unless it exists, then keeps only
// the newest Keep daily backups. It returns the path written ("" if none).
// Copies a killed app left half-written are cleared at start-up
// (store.ClearPartials), never here: a backup the operator started into
// this folder may be in progress.
func Daily(ctx context.Context, st *store.Store, dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", problem.Wrap(problem.CodeState, err, "Shipdeck cannot make its backups folder %s.", dir)
	}
	dest := filepath.Join(dir, "shipdeck-"+now.Format("20060102")+"-daily.db")
	written := ""
	if _, err := os.Stat(dest); errors.Is(err, os.ErrNotExist) {
		if err := To(ctx, st, dest); err != nil {
			return "", err
		}
		written = dest
	}
	files, err := filepath.Glob(filepath.Join(dir, dailyPattern))
	if err != nil {
		return written, fmt.Errorf("list daily backups: %w", err)
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
// this Shipdeck can restore: undamaged (every page and record readable),
// Shipdeck's (any version up to this
// one) or the specification's app's, with the tables of its version. The
// sentence it returns says what is wrong. It never runs code stored in the
// file (trusted_schema is off) and writes nothing.
func Validate(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return problem.Invalid("path", "%s is not a file Shipdeck can read.", path)
	}
	name := filepath.Base(path)
	if fi.Size() == 0 {
		return problem.Invalid("path", "%s is empty.", name)
	}
	db, err := sql.Open("sqlite", store.ReadDSN(path))
	if err != nil {
		return problem.Invalid("path", "%s cannot be opened as a database.", path)
	}
	defer db.Close()
	// quick_check reads every page and record; it leaves out only whether
	// each index matches its table, which a restore does not need: it
	// copies rows into a database that builds its own indexes. It takes a
	// sixth of integrity_check's time (40 ms against 230 ms on 10 MB),
	// which matters to List.
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil {
		return problem.Wrap(problem.CodeInvalid, err, "%s is not a SQLite database.", name)
	}
	if ok != "ok" {
		return problem.Wrap(problem.CodeInvalid, errors.New(ok), "%s is damaged, so it cannot be restored.", name)
	}
	in, err := store.InspectFile(ctx, path)
	if err != nil {
		return problem.Invalid("path", "%s cannot be read as a database.", name)
	}
	switch {
	case in.Kind == store.Empty:
		return problem.Invalid("path", "%s is not a Shipdeck database (it holds nothing).", name)
	case in.Kind == store.Foreign:
		return problem.Invalid("path", "%s is not a Shipdeck database (it holds other tables: %s).", name, strings.Join(in.Tables, ", "))
	case in.Version > store.SchemaVersion():
		return problem.Invalid("path", "%s was written by a newer Shipdeck (schema %d): update Shipdeck first.", name, in.Version)
	}
	if missing := in.MissingTables(); len(missing) > 0 {
		return problem.Invalid("path", "%s is not a Shipdeck database (no %s).", name, strings.Join(missing, ", "))
	}
	if in.Version < 1 {
		return problem.Invalid("path", "%s has no readable schema version.", name)
	}
	return nil
}

// Restored says what a restore did.
type Restored struct {
	// KeptAt is where the replaced database was kept.
	KeptAt string
	// LeftOut lists what the backup held that Shipdeck did not create
	// (triggers, views, extra tables and indexes, tables defined
	// differently): a restore copies rows into a database built by
	// Shipdeck's own migrations, and leaves those behind.
	LeftOut []string
}

// Restore replaces the live database with the backup at src: it validates
// src, rebuilds it as a new database made by Shipdeck's migrations holding
// src's rows (store.Rebuild: nothing of src's schema is adopted, an older
// backup comes out at the current version), closes the store (waiting for
// writes in flight), keeps a copy of the live database in backups/ as
// shipdeck-<ts>-before-restore.db, puts the rebuilt file in place (mode
// 0600) and reopens. If anything fails after the close, the previous
// database is put back and reopened, so the app is never left without one.
// Every file it writes is created 0600 under a partial name (cleared at the
// next start if Shipdeck is killed) and renamed once whole.
func Restore(ctx context.Context, st *store.Store, src string, now time.Time) (Restored, error) {
	if st.ReadOnly() {
		return Restored{}, problem.State("This database is open read-only (%s): nothing can be changed.", st.ReadOnlyReason())
	}
	if err := Validate(ctx, src); err != nil {
		return Restored{}, err
	}
	live := st.Path()
	if live == "" {
		return Restored{}, store.ErrClosed
	}
	if filepath.Clean(src) == filepath.Clean(live) {
		return Restored{}, problem.Invalid("path", "That is the live database already.")
	}
	home := filepath.Dir(live)
	dir := filepath.Join(home, store.BackupsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Restored{}, problem.Wrap(problem.CodeState, err, "Shipdeck cannot make its backups folder %s, so nothing was restored.", dir)
	}
	kept := filepath.Join(dir, "shipdeck-"+now.UTC().Format("20060102-150405")+"-before-restore.db")
	if _, err := os.Stat(kept); err == nil {
		return Restored{}, problem.State("A restore was made a moment ago; try again in a second.")
	}
	// The replacement is built while the live database is still open.
	tmp, err := partialName(home)
	if err != nil {
		return Restored{}, err
	}
	left, err := store.Rebuild(ctx, src, tmp, now)
	if err != nil {
		return Restored{}, err
	}
	// Close waits for writes in flight and checkpoints the WAL; the copy
	// kept of the live database is taken after, so it misses nothing.
	if err := st.Close(); err != nil {
		os.Remove(tmp)
		return Restored{}, errors.Join(fmt.Errorf("close database: %w", err), st.Open(ctx, live))
	}
	if err := store.CopyFile(ctx, live, kept, home, false); err != nil {
		os.Remove(tmp)
		return Restored{}, errors.Join(err, st.Open(ctx, live))
	}
	if err := replace(tmp, live); err != nil {
		os.Remove(tmp)
		return Restored{}, errors.Join(fmt.Errorf("replace database: %w", err), reopen(ctx, st, live))
	}
	if err := reopen(ctx, st, live); err != nil {
		// The restored file would not open: put the previous one back.
		back, perr := partialName(home)
		if perr != nil {
			return Restored{}, errors.Join(err, perr)
		}
		os.Remove(back)
		if cerr := store.CopyFile(ctx, kept, back, home, false); cerr != nil {
			return Restored{}, errors.Join(err, cerr)
		}
		if rerr := replace(back, live); rerr != nil {
			return Restored{}, errors.Join(err, rerr)
		}
		return Restored{}, errors.Join(problem.Wrap(problem.CodeInvalid, err, "%s could not be opened, so the previous database was put back.", filepath.Base(src)), st.Open(ctx, live))
	}
	return Restored{KeptAt: kept, LeftOut: left}, nil
}

// reopen opens the store on the restored file; a variable so that a test
// can make it fail the way a file that will not open does.
var reopen = func(ctx context.Context, st *store.Store, path string) error { return st.Open(ctx, path) }

// partialName is a fresh partial file name in dir that does not exist
// yet, for a file that must be created by SQLite itself.
func partialName(dir string) (string, error) {
	f, err := os.CreateTemp(dir, store.PartialPrefix+"*.db")
	if err != nil {
		return "", problem.Wrap(problem.CodeState, err, "Shipdeck cannot write in %s, so nothing was restored.", dir)
	}
	f.Close()
	os.Remove(f.Name())
	return f.Name(), nil
}

// replace moves tmp over the (closed) database at live, removing live's WAL
// and shared-memory files first: frames left there belong to the old file
// and would be replayed onto the new one.
func replace(tmp, live string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(live + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old journal: %w", err)
		}
	}
	if err := os.Rename(tmp, live); err != nil {
		return fmt.Errorf("put restored file in place: %w", err)
	}
	return nil
}

// List returns the backups in dir, newest first: only the files that pass
// Validate, so a copy cut short or a file that is not a backup is never
// offered for a restore. Results are kept per file (path, size, time), so
// listing again checks only new or changed files (a first listing reads
// each backup once, about 40 ms per 10 MB here; a backup Shipdeck has just
// written is known to be sound).
func List(ctx context.Context, dir string) ([]Info, error) {
	files, err := filepath.Glob(filepath.Join(dir, "shipdeck-*.db"))
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	out := []Info{}
	for _, f := range files {
		fi, err := os.Lstat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if !validated(ctx, f, fi) {
			continue
		}
		out = append(out, Info{Path: f, Name: filepath.Base(f), Bytes: fi.Size(), ModTime: fi.ModTime().Unix()})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].ModTime > out[j].ModTime || (out[i].ModTime == out[j].ModTime && out[i].Name > out[j].Name)
	})
	return out, nil
}

// checked remembers Validate's answer for a file as it was.
var checked = struct {
	sync.Mutex
	m map[string]checkedFile
}{m: map[string]checkedFile{}}

type checkedFile struct {
	size  int64
	mtime time.Time
	ok    bool
}

func validated(ctx context.Context, path string, fi os.FileInfo) bool {
	checked.Lock()
	c, hit := checked.m[path]
	checked.Unlock()
	if hit && c.size == fi.Size() && c.mtime.Equal(fi.ModTime()) {
		return c.ok
	}
	err := Validate(ctx, path)
	if ctx.Err() != nil {
		return false // cut short: not an answer to keep
	}
	remember(path, fi, err == nil)
	return err == nil
}

func remember(path string, fi os.FileInfo, ok bool) {
	checked.Lock()
	checked.m[path] = checkedFile{size: fi.Size(), mtime: fi.ModTime(), ok: ok}
	checked.Unlock()
}

// Info describes one backup file.
type Info struct {
	Path    string `json:"path"`
	Name    string `json:"name"`
	Bytes   int64  `json:"bytes"`
	ModTime int64  `json:"modTime"`
}

// Replace puts the backup at src in place of a database that would not
// open, with no store open on it (the start-up error screen's "restore the
// newest good backup"). It validates src and rebuilds it through Shipdeck's
// migrations into a partial file first, so a failure moves nothing; then it
// keeps the file at live, with its WAL, beside it as
// shipdeck-<ts>-unreadable.db (never deleted: it may still hold rows a
// specialist can save) and renames the rebuilt file into place.
func Replace(ctx context.Context, src, live string, now time.Time) (Restored, error) {
	if err := Validate(ctx, src); err != nil {
		return Restored{}, err
	}
	if filepath.Clean(src) == filepath.Clean(live) {
		return Restored{}, problem.Invalid("path", "That is the database that would not open.")
	}
	home := filepath.Dir(live)
	tmp, err := partialName(home)
	if err != nil {
		return Restored{}, err
	}
	left, err := store.Rebuild(ctx, src, tmp, now)
	if err != nil {
		return Restored{}, err
	}
	out := Restored{LeftOut: left}
	if _, err := os.Lstat(live); err == nil {
		kept := filepath.Join(home, "shipdeck-"+now.UTC().Format("20060102-150405")+"-unreadable.db")
		if _, err := os.Lstat(kept); err == nil {
			os.Remove(tmp)
			return Restored{}, problem.State("A restore was made a moment ago; try again in a second.")
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Rename(live+suffix, kept+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				os.Remove(tmp)
				return Restored{}, problem.Wrap(problem.CodeState, err, "Shipdeck could not move %s aside, so nothing was restored.", filepath.Base(live))
			}
		}
		out.KeptAt = kept
	}
	if err := os.Rename(tmp, live); err != nil {
		os.Remove(tmp)
		return Restored{}, problem.Wrap(problem.CodeState, err, "Shipdeck could not put the backup in place of %s.", filepath.Base(live))
	}
	return out, nil
}
