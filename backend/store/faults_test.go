package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/disktest"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// snapshot is every file of dir with the SHA-256 of its bytes.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			out[e.Name()] = "(" + e.Type().String() + ")"
			continue
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

// rawExec runs statements on the file at path with plain SQLite, as another
// program (or a person with the sqlite3 shell) would.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
}

// shipdeckFile makes a database with Shipdeck (every migration, a row) and
// closes it.
func shipdeckFile(t *testing.T, path string) {
	t.Helper()
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if err := st.Tx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO clusters (name, is_active) VALUES ('prod-eu', 1)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// A file that is not empty, not Shipdeck's and not the specification's
// app's — or that holds objects Shipdeck did not create — is refused before
// any connection that could write it: one plain sentence with its code, the
// file byte for byte as it was, nothing created beside it (no WAL, no
// shared memory, no journal, no backup).
func TestOpenRefusesFilesItDidNotMakeAndLeavesThemAsTheyWere(t *testing.T) {
	wipe := "CREATE TRIGGER wipe_history AFTER INSERT ON step_history BEGIN DELETE FROM step_history; END"
	forge := "CREATE TRIGGER forge_executor AFTER UPDATE OF status ON customer_steps BEGIN UPDATE customer_steps SET executed_by = 'mallory' WHERE id = NEW.id; END"
	cases := []struct {
		name  string
		make  func(t *testing.T, path string)
		code  store.StartupCode
		words string
	}{
		{"another application's database", func(t *testing.T, p string) {
			rawExec(t, p, "CREATE TABLE foo (x)", "CREATE TABLE bar (y)", "INSERT INTO foo VALUES ('their data')")
		}, store.StartupNotShipdeck, "is not a Shipdeck database: it holds other tables (bar, foo). Nothing was changed"},
		{"not a database at all", func(t *testing.T, p string) {
			noErr(t, os.WriteFile(p, []byte("a text file that happens to be called shipdeck.db\n"), 0o644))
		}, store.StartupDamaged, "is damaged or is not a database, so Shipdeck could not open it. Nothing was changed."},
		{"some of the specification's tables", func(t *testing.T, p string) {
			rawExec(t, p, "CREATE TABLE clusters (id integer primary key, name text)")
		}, store.StartupNotShipdeck, "is not a Shipdeck database as Shipdeck made it"},
		{"Shipdeck's, with a trigger that deletes history", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, wipe)
		}, store.StartupForeignObjects, "contains objects Shipdeck did not create (trigger wipe_history)"},
		{"Shipdeck's, with a trigger that forges executors", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, forge)
		}, store.StartupForeignObjects, "(trigger forge_executor)"},
		{"Shipdeck's, with a trigger under SQLite's own prefix", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, "PRAGMA writable_schema = ON",
				"INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('trigger', 'sqlite_wipe', 'step_history', 0, 'CREATE TRIGGER sqlite_wipe AFTER INSERT ON step_history BEGIN DELETE FROM step_history; END')")
		}, store.StartupForeignObjects, "(trigger sqlite_wipe)"},
		{"Shipdeck's, with a view and an index of someone else's", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, "CREATE VIEW done AS SELECT * FROM customer_steps WHERE status = 'done'", "CREATE INDEX mine ON clusters (description)")
		}, store.StartupForeignObjects, "(index mine, view done)"},
		{"Shipdeck's, with an extra table", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, "CREATE TABLE notes (x)")
		}, store.StartupForeignObjects, "(table notes)"},
		{"Shipdeck's, with a column changed", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, "ALTER TABLE clusters ADD COLUMN owner text DEFAULT 'mallory'")
		}, store.StartupNotShipdeck, "is not a Shipdeck database as Shipdeck made it (table clusters differs)"},
		{"the specification's, with a trigger", func(t *testing.T, p string) {
			specDatabase(t, p)
			rawExec(t, p, forge)
		}, store.StartupForeignObjects, "(trigger forge_executor)"},
		{"a newer Shipdeck's", func(t *testing.T, p string) {
			shipdeckFile(t, p)
			rawExec(t, p, "INSERT INTO schema_migrations VALUES (999, '0999_future', 0)")
		}, store.StartupNewer, "was written by a newer Shipdeck (schema version 999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, store.FileName)
			c.make(t, path)
			before := snapshot(t, dir)
			err := store.New(nil).Open(context.Background(), path)
			var oe *store.OpenError
			if !errors.As(err, &oe) || oe.Code != c.code || !strings.Contains(oe.Message, c.words) || !strings.HasPrefix(oe.Message, path) {
				t.Fatalf("got %v (%#v), want code %s and %q", err, oe, c.code, c.words)
			}
			if !strings.Contains(oe.Message, "Nothing was changed") {
				t.Errorf("the sentence does not say nothing was changed, though nothing was: %q", oe.Message)
			}
			if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
				t.Fatalf("the folder changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// What Open accepts: an empty file (0 bytes, or SQLite's header and no
// objects), the specification's file, Shipdeck's own at every version.
func TestOpenAcceptsEmptyFilesAndItsOwnAtEveryVersion(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= len(ms); k++ {
		path := filepath.Join(t.TempDir(), store.FileName)
		raw, _ := sql.Open("sqlite", "file:"+path)
		db := bun.NewDB(raw, sqlitedialect.New())
		if err := store.Apply(context.Background(), db, ms[:k], nil, time.Now()); err != nil {
			t.Fatal(err)
		}
		db.Close()
		in, err := store.InspectFile(context.Background(), path)
		if err != nil || in.Kind != store.Shipdeck || in.Version != k || !in.Sound() {
			t.Fatalf("version %d: %+v %v", k, in, err)
		}
		openStore(t, path)
	}
	empty := filepath.Join(t.TempDir(), store.FileName)
	noErr(t, os.WriteFile(empty, nil, 0o600))
	openStore(t, empty)
	header := filepath.Join(t.TempDir(), store.FileName)
	rawExec(t, header, "PRAGMA user_version = 7", "VACUUM")
	openStore(t, header)
}

// Start-up failures that are not about the file's contents: each is one
// sentence that is true for its cause.
func TestOpenSaysWhatIsWrongWithThePlace(t *testing.T) {
	t.Run("shipdeck.db is a folder", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, store.FileName)
		noErr(t, os.Mkdir(path, 0o700))
		err := store.New(nil).Open(context.Background(), path)
		want := path + " is a folder, not a database file. Nothing was changed: move that folder away or choose another data directory."
		var oe *store.OpenError
		if !errors.As(err, &oe) || oe.Code != store.StartupFolder || oe.Message != want {
			t.Fatalf("got %v, want %q", err, want)
		}
	})
	t.Run("the data directory is a file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		noErr(t, os.WriteFile(dir, []byte("x"), 0o600))
		err := store.New(nil).Open(context.Background(), filepath.Join(dir, store.FileName))
		var oe *store.OpenError
		if !errors.As(err, &oe) || oe.Code != store.StartupDataDir || !strings.Contains(oe.Message, "is a file, not a folder") {
			t.Fatalf("got %v", err)
		}
	})
}

// Every connection refuses to run functions from the file's own schema
// unless they are harmless (trusted_schema=OFF).
func TestEveryConnectionDistrustsTheSchema(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), store.FileName))
	bdb, _ := st.DB()
	var conns []*sql.Conn
	for i := 0; i < 3; i++ {
		c, err := bdb.DB.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var trusted int
		if err := c.QueryRowContext(context.Background(), "PRAGMA trusted_schema").Scan(&trusted); err != nil || trusted != 0 {
			t.Errorf("connection %d: trusted_schema=%d %v", i, trusted, err)
		}
		c.Close()
	}
}

// Quitting never waits on another program: with another process reading
// (a snapshot the checkpoint cannot pass) or holding the write lock, Close
// returns within 2 s; the WAL stays and nothing is lost.
func TestCloseDoesNotWaitForAnotherProgram(t *testing.T) {
	for _, mode := range []string{"read", "write"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), store.FileName)
			st := store.New(nil)
			if err := st.Open(context.Background(), path); err != nil {
				t.Fatal(err)
			}
			insert := func(name string) error {
				return st.Tx(func(ctx context.Context, tx bun.Tx) error {
					_, err := tx.ExecContext(ctx, "INSERT INTO clusters (name, is_active) VALUES (?, 1)", name)
					return err
				})
			}
			if err := insert("before"); err != nil {
				t.Fatal(err)
			}
			release := holdFromAnotherProcess(t, path, mode)
			if mode == "read" {
				if err := insert("after the reader's snapshot"); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			err := st.Close()
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if took > 2*time.Second {
				t.Fatalf("Close took %v with another program on the database, want at most 2 s", took)
			}
			release()
			st = openStore(t, path)
			bdb, _ := st.DB()
			want := map[string]int{"read": 2, "write": 1}[mode]
			if n := count(t, bdb.DB, "SELECT count(*) FROM clusters"); n != want {
				t.Fatalf("%d clusters after reopening, want %d", n, want)
			}
		})
	}
}

// A write blocked by another program says so, plainly, within 3 s, and
// changes nothing.
func TestBlockedWriteSaysAnotherProgramHasTheDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	st := openStore(t, path)
	holdFromAnotherProcess(t, path, "write")
	start := time.Now()
	err := st.Tx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO clusters (name, is_active) VALUES ('blocked', 1)")
		return err
	})
	took := time.Since(start)
	want := "Another program is using Shipdeck's database, so nothing was changed: close it (or wait) and try again."
	if !errors.Is(err, problem.ErrState) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if took > 3*time.Second {
		t.Fatalf("the answer took %v, want at most 3 s", took)
	}
	var pe *problem.Error
	if errors.As(err, &pe); pe.Cause == nil {
		t.Fatal("the driver's error is not kept for the log")
	}
	bdb, _ := st.DB()
	if n := count(t, bdb.DB, "SELECT count(*) FROM clusters"); n != 0 {
		t.Fatal("the blocked write changed something")
	}
}

// On a full disk: a fresh start and a write each say the disk is full (not
// "disk I/O error (4874)", not "Something went wrong"); the write changed
// nothing, and works once there is space again.
func TestFullDiskSaysSo(t *testing.T) {
	t.Run("fresh start", func(t *testing.T) {
		disk := disktest.Tmpfs(t, "2m")
		free := disktest.Fill(t, disk)
		defer free()
		path := filepath.Join(disk, "data", store.FileName)
		err := store.New(nil).Open(context.Background(), path)
		var oe *store.OpenError
		if !errors.As(err, &oe) || oe.Code != store.StartupDiskFull || !strings.HasPrefix(oe.Message, "The disk holding "+filepath.Dir(path)+" is full") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("write", func(t *testing.T) {
		disk := disktest.Tmpfs(t, "2m")
		st := openStore(t, filepath.Join(disk, store.FileName))
		free := disktest.Fill(t, disk)
		big := strings.Repeat("x", 256<<10)
		write := func() error {
			return st.Tx(func(ctx context.Context, tx bun.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO clusters (name, description, is_active) VALUES ('big', ?, 1)", big)
				return err
			})
		}
		err := write()
		want := "The disk holding Shipdeck's data is full: nothing was changed. Free some space and try again."
		if !errors.Is(err, problem.ErrState) || err.Error() != want {
			t.Fatalf("got %v, want %q", err, want)
		}
		bdb, _ := st.DB()
		if n := count(t, bdb.DB, "SELECT count(*) FROM clusters"); n != 0 {
			t.Fatal("the failed write changed something")
		}
		free()
		if err := write(); err != nil {
			t.Fatalf("with space again: %v", err)
		}
	})
}

// readOnlyPlace makes path's database with fill, then makes its folder
// impossible to write.
func readOnlyPlace(t *testing.T, fill func(path string)) (path string) {
	t.Helper()
	dir := disktest.ReadOnlyDir(t, func(dir string) { fill(filepath.Join(dir, store.FileName)) })
	return filepath.Join(dir, store.FileName)
}

// A database Shipdeck cannot write opens read-only, clearly marked, and
// refuses every write in a sentence that says why; the file stays as it
// was. One that needs a migration, or a folder with no database to
// create, is refused at start.
func TestReadOnlyDatabaseOpensReadOnly(t *testing.T) {
	path := readOnlyPlace(t, func(p string) { shipdeckFile(t, p) })
	before := snapshot(t, filepath.Dir(path))
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if !st.ReadOnly() || st.ReadOnlyReason() == "" {
		t.Fatalf("not marked read-only (%q)", st.ReadOnlyReason())
	}
	var n int
	if err := st.Read(func(ctx context.Context, db bun.IDB) error {
		return db.QueryRowContext(ctx, "SELECT count(*) FROM clusters").Scan(&n)
	}); err != nil || n != 1 {
		t.Fatalf("reading a read-only database: %d %v", n, err)
	}
	err := st.Tx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM clusters")
		return err
	})
	want := "This database is open read-only (" + st.ReadOnlyReason() + "): nothing can be changed."
	if !errors.Is(err, problem.ErrState) || err.Error() != want {
		t.Fatalf("a write: %v, want %q", err, want)
	}
	t.Logf("read-only because: %s", st.ReadOnlyReason())
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, filepath.Dir(path)); !reflect.DeepEqual(after, before) {
		t.Fatalf("the read-only folder changed:\n%v\n%v", before, after)
	}

	ms, _ := store.Migrations()
	old := readOnlyPlace(t, func(p string) {
		raw, _ := sql.Open("sqlite", "file:"+p)
		db := bun.NewDB(raw, sqlitedialect.New())
		if err := store.Apply(context.Background(), db, ms[:len(ms)-1], nil, time.Now()); err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
	err = store.New(nil).Open(context.Background(), old)
	var oe *store.OpenError
	if !errors.As(err, &oe) || oe.Code != store.StartupReadOnlyUpgrade || !strings.Contains(oe.Message, "needs an upgrade") || !strings.Contains(oe.Message, "Nothing was changed") {
		t.Fatalf("a read-only file that needs a migration: %v", err)
	}

	none := readOnlyPlace(t, func(string) {})
	err = store.New(nil).Open(context.Background(), none)
	if !errors.As(err, &oe) || oe.Code != store.StartupNotWritable || !strings.HasPrefix(oe.Message, "Shipdeck cannot create its database: ") {
		t.Fatalf("a read-only folder with no database: %v", err)
	}
}

// Shipdeck's copies of the database (backups) are created 0600 before their
// first byte, under a partial name that becomes the backup only once whole;
// what a killed Shipdeck left half-written is cleared at the next start.
func TestClearPartialsRemovesWhatAKilledShipdeckLeft(t *testing.T) {
	home := t.TempDir()
	backups := filepath.Join(home, store.BackupsDir)
	noErr(t, os.MkdirAll(backups, 0o700))
	elsewhere := t.TempDir()
	shipdeckFile(t, filepath.Join(home, store.FileName))
	keep := filepath.Join(backups, "shipdeck-20261101-daily.db")
	st := openStore(t, filepath.Join(home, store.FileName))
	bdb, _ := st.DB()
	if err := store.WriteCopy(context.Background(), bdb, keep, home, false); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(keep); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
	left := map[string]string{
		filepath.Join(home, ".shipdeck-partial-1.db"):                                "half a restore",
		filepath.Join(home, ".shipdeck-partial-1.db-journal"):                        "its journal",
		filepath.Join(home, "shipdeck.db.restore"):                                   "an older Shipdeck's restore",
		filepath.Join(backups, ".shipdeck-partial-2.db"):                             "half a daily backup",
		filepath.Join(backups, "shipdeck-20261101-090000-pre-migration.db"):          "",
		filepath.Join(backups, "shipdeck-20261101-090000-before-restore.db"):         "half a kept copy",
		filepath.Join(backups, "shipdeck-20261101-090000-before-restore.db-journal"): "its journal",
		filepath.Join(elsewhere, ".shipdeck-partial-3.db"):                           "half a backup the operator asked for",
	}
	for p, body := range left {
		noErr(t, os.WriteFile(p, []byte(body), 0o600))
	}
	noErr(t, os.WriteFile(filepath.Join(home, ".shipdeck-pending-1"), []byte(filepath.Join(elsewhere, ".shipdeck-partial-3.db")), 0o600))
	mine := filepath.Join(elsewhere, "the operator's.db")
	noErr(t, os.WriteFile(mine, []byte("not Shipdeck's to remove"), 0o600))

	store.ClearPartials(home)
	for p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
	for _, p := range []string{keep, mine, filepath.Join(home, store.FileName)} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
	if notes, _ := filepath.Glob(filepath.Join(home, ".shipdeck-pending-*")); len(notes) != 0 {
		t.Errorf("notes left: %v", notes)
	}
}

// The schema comparison reads meaning, not spelling: the same definition
// quoted and spaced differently is the same, any other definition is not.
func TestInspectionComparesDefinitionsNotSpelling(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	ddl, err := os.ReadFile("testdata/drizzle_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	respelled := strings.NewReplacer("`", `"`, "\t", "    ", " (", "(", "integer", "INTEGER").Replace(string(ddl))
	rawExec(t, path, respelled)
	in, err := store.InspectFile(context.Background(), path)
	if err != nil || in.Kind != store.Spec || !in.Sound() {
		t.Fatalf("a respelled specification schema: %+v %v", in, err)
	}
	other := filepath.Join(t.TempDir(), store.FileName)
	rawExec(t, other, strings.Replace(string(ddl), "`status` text DEFAULT 'draft'", "`status` text DEFAULT 'active'", 1))
	in, err = store.InspectFile(context.Background(), other)
	if err != nil || in.Sound() || fmt.Sprint(in.Changed) != "[table releases differs]" {
		t.Fatalf("a changed default: %+v %v", in, err)
	}
}

// A read of our own still under way when the app quits (a page's query on
// a large release) is interrupted, so the checkpoint at close truncates
// the WAL instead of leaving it for the next start.
func TestCloseInterruptsAReadAndCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if err := st.Tx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO clusters (name, is_active) VALUES ('eu', 1)")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.Read(func(ctx context.Context, db bun.IDB) error {
			close(started)
			// Runs for minutes unless interrupted.
			var n int64
			return db.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c, clusters WHERE x < 1e10) SELECT count(*) FROM c`).Scan(&n)
		})
	}()
	<-started
	time.Sleep(50 * time.Millisecond) // the query is under way
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, store.ErrClosed) {
		t.Fatalf("the interrupted read returned %v, want ErrClosed", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("the WAL was left with %d bytes", fi.Size())
	}
	if err := st.Read(func(context.Context, bun.IDB) error { return nil }); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("a read after Close returned %v, want ErrClosed", err)
	}
}
