package backup_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/backup"
	"shipdeck/backend/cluster"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

func clusterCount(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM clusters").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	st := testdb.OpenFile(t)
	if _, err := cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := backup.To(context.Background(), st, dest); err != nil {
		t.Fatal(err)
	}
	if err := backup.Validate(context.Background(), dest); err != nil {
		t.Fatal(err)
	}
	if n := clusterCount(t, dest); n != 1 {
		t.Fatalf("backup holds %d clusters", n)
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
	// Saving over an existing file (the dialog asked) replaces it.
	if _, err := cluster.NewService(st).Create(cluster.Input{Name: "prod-us"}); err != nil {
		t.Fatal(err)
	}
	if err := backup.To(context.Background(), st, dest); err != nil || clusterCount(t, dest) != 2 {
		t.Fatalf("second backup: %v", err)
	}
	if err := backup.To(context.Background(), st, st.Path()); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("backup over the live database: %v", err)
	}
}

func TestDailyBackupsKeepTheLast14(t *testing.T) {
	st := testdb.OpenFile(t)
	dir := filepath.Join(t.TempDir(), "backups")
	day := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 20; i++ {
		if _, err := backup.Daily(context.Background(), st, dir, day.AddDate(0, 0, i)); err != nil {
			t.Fatal(err)
		}
	}
	// A second start on the same day writes nothing.
	if p, err := backup.Daily(context.Background(), st, dir, day.AddDate(0, 0, 19)); err != nil || p != "" {
		t.Fatalf("same day again: %q %v", p, err)
	}
	list, err := backup.List(context.Background(), dir)
	noErr(t, err)
	if len(list) != backup.Keep {
		t.Fatalf("%d daily backups kept, want %d", len(list), backup.Keep)
	}
	if _, err := os.Stat(filepath.Join(dir, "shipdeck-20261106-daily.db")); !os.IsNotExist(err) {
		t.Fatal("the oldest backups were not pruned")
	}
	if _, err := os.Stat(filepath.Join(dir, "shipdeck-20261120-daily.db")); err != nil {
		t.Fatal("today's backup is missing")
	}
}

func TestValidateRefusesWhatIsNotASoundShipdeckDatabase(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	noErr(t, os.WriteFile(text, []byte("not a database"), 0o600))
	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", "file:"+other)
	noErr(t, err)
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	noErr(t, db.Close())
	damaged := filepath.Join(dir, "damaged.db")
	st := testdb.OpenFile(t)
	for i := 0; i < 50; i++ {
		if _, err := cluster.NewService(st).Create(cluster.Input{Name: strings.Repeat("c", 50) + string(rune('a'+i%26)) + strings.Repeat("x", i)}); err != nil {
			t.Fatal(err)
		}
	}
	noErr(t, backup.To(context.Background(), st, damaged))
	b, err := os.ReadFile(damaged)
	noErr(t, err)
	for i := 4096; i < len(b) && i < 4096*3; i++ {
		b[i] = 0xff
	}
	noErr(t, os.WriteFile(damaged, b, 0o600))
	cases := []struct{ path, want string }{
		{filepath.Join(dir, "missing.db"), "not a file"},
		{dir, "not a file"},
		{text, "not a SQLite database"},
		{other, "not a Shipdeck database"},
		{damaged, ""},
	}
	for _, c := range cases {
		err := backup.Validate(context.Background(), c.path)
		if err == nil || !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", filepath.Base(c.path), err, c.want)
		}
	}
}

func TestRestoreReplacesTheLiveDatabaseAndKeepsIt(t *testing.T) {
	st := testdb.OpenFile(t)
	svc := cluster.NewService(st)
	if _, err := svc.Create(cluster.Input{Name: "before-backup"}); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "saved.db")
	if err := backup.To(context.Background(), st, saved); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Create(cluster.Input{Name: "after-backup"}); err != nil {
		t.Fatal(err)
	}
	res, err := backup.Restore(context.Background(), st, saved, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	kept := res.KeptAt
	list, err := svc.List(true)
	if err != nil || len(list) != 1 || list[0].Name != "before-backup" {
		t.Fatalf("after restore: %+v %v", list, err)
	}
	if n := clusterCount(t, kept); n != 2 {
		t.Fatalf("the replaced database was not kept: %d clusters in %s", n, kept)
	}
	if fi, _ := os.Stat(st.Path()); fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored file mode %v", fi.Mode().Perm())
	}
	// A bad file is refused and the live database stays as it is.
	bad := filepath.Join(t.TempDir(), "bad.db")
	noErr(t, os.WriteFile(bad, []byte("garbage"), 0o600))
	if _, err := backup.Restore(context.Background(), st, bad, time.Now()); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("restoring garbage: %v", err)
	}
	if list, err := svc.List(true); err != nil || len(list) != 1 {
		t.Fatalf("live database changed by a refused restore: %+v %v", list, err)
	}
}

// A backup that fails (here: cancelled) leaves the file the operator already
// had at that path as it was, and no temporary file behind.
func TestFailedBackupKeepsTheFileAtDest(t *testing.T) {
	st := testdb.OpenFile(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "precious.db")
	noErr(t, os.WriteFile(dest, []byte("the operator's own file"), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := backup.To(ctx, st, dest); err == nil {
		t.Fatal("a cancelled backup reported success")
	}
	if b, _ := os.ReadFile(dest); string(b) != "the operator's own file" {
		t.Fatalf("the file at dest changed: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	if err := backup.To(context.Background(), st, dir); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("backing up onto a folder: %v", err)
	}
}

// File names with characters that mean something in a SQLite URI.
func TestBackupPathsWithURICharacters(t *testing.T) {
	st := testdb.OpenFile(t)
	if _, err := cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "odd #dir?")
	noErr(t, os.MkdirAll(dir, 0o700))
	for _, name := range []string{"backup #1.db", "100% sure?.db", "a&b=c.db"} {
		dest := filepath.Join(dir, name)
		if err := backup.To(context.Background(), st, dest); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := backup.Validate(context.Background(), dest); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := backup.Restore(context.Background(), st, dest, time.Now().Add(time.Duration(len(name))*time.Second)); err != nil {
			t.Fatalf("restore %s: %v", name, err)
		}
	}
	// Validating reads, and leaves nothing beside the file.
	entries, err := os.ReadDir(dir)
	noErr(t, err)
	if len(entries) != 3 {
		t.Fatalf("files beside the backups: %v", entries)
	}
}

// An older backup is migrated when restored; a backup from a newer Shipdeck
// is refused before anything changes.
func TestRestoreMigratesAnOlderBackupAndRefusesANewerOne(t *testing.T) {
	st := testdb.OpenFile(t)
	if _, err := cluster.NewService(st).Create(cluster.Input{Name: "live"}); err != nil {
		t.Fatal(err)
	}
	ms, err := store.Migrations()
	noErr(t, err)
	old := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+old)
	noErr(t, err)
	db := bun.NewDB(raw, sqlitedialect.New())
	if err := store.Apply(context.Background(), db, ms[:1], nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO clusters (name, is_active, created_at, updated_at) VALUES ('from-2025', 1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	noErr(t, db.Close())
	if _, err := backup.Restore(context.Background(), st, old, time.Now()); err != nil {
		t.Fatal(err)
	}
	list, err := cluster.NewService(st).List(true)
	if err != nil || len(list) != 1 || list[0].Name != "from-2025" {
		t.Fatalf("after restoring an old backup: %+v %v", list, err)
	}
	bdb, err := st.DB()
	noErr(t, err)
	var version int
	noErr(t, bdb.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version))
	if version != store.SchemaVersion() {
		t.Fatalf("restored database at schema %d", version)
	}

	newer := filepath.Join(t.TempDir(), "newer.db")
	if err := backup.To(context.Background(), st, newer); err != nil {
		t.Fatal(err)
	}
	raw, err = sql.Open("sqlite", "file:"+newer)
	noErr(t, err)
	if _, err := raw.Exec("INSERT INTO schema_migrations VALUES (999, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	noErr(t, raw.Close())
	before := testdb.Dump(t, st)
	if _, err := backup.Restore(context.Background(), st, newer, time.Now()); !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "newer Shipdeck") {
		t.Fatalf("restoring a newer backup: %v", err)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("a refused restore changed the live database")
	}
}

// A database file copied with its WAL beside it (a data directory copied
// while Shipdeck ran): what the WAL committed is restored too.
func TestRestoreKeepsWhatTheBackupsWALHolds(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "running", store.FileName)
	writer := store.New(nil)
	if err := writer.Open(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	wdb, err := writer.DB()
	noErr(t, err)
	if _, err := wdb.Exec("PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
	conn, err := wdb.Conn(context.Background())
	noErr(t, err)
	if _, err := conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), `INSERT INTO clusters (name, is_active, created_at, updated_at) VALUES ('only-in-the-wal', 1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(dir, "copied.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if err != nil {
			t.Fatal(err)
		}
		noErr(t, os.WriteFile(copied+suffix, b, 0o600))
	}
	conn.Close()
	if fi, _ := os.Stat(copied + "-wal"); fi.Size() == 0 {
		t.Fatal("the test needs a WAL with frames in it")
	}

	st := testdb.OpenFile(t)
	if _, err := backup.Restore(context.Background(), st, copied, time.Now()); err != nil {
		t.Fatal(err)
	}
	list, err := cluster.NewService(st).List(true)
	if err != nil || len(list) != 1 || list[0].Name != "only-in-the-wal" {
		t.Fatalf("the WAL's rows were lost: %+v %v", list, err)
	}
}

// A rebuilt backup that will not open (the store refuses it after the
// swap: here the reopen is made to fail, since a file Shipdeck rebuilt
// itself always opens): the previous database is put back and the app
// keeps working.
func TestRestorePutsThePreviousDatabaseBackIfTheBackupWillNotOpen(t *testing.T) {
	st := testdb.OpenFile(t)
	svc := cluster.NewService(st)
	if _, err := svc.Create(cluster.Input{Name: "keep-me"}); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "saved.db")
	if err := backup.To(context.Background(), st, saved); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Create(cluster.Input{Name: "after-the-backup"}); err != nil {
		t.Fatal(err)
	}
	before := testdb.Dump(t, st)
	undo := backup.FailReopen(errors.New("the restored file will not open"))
	_, err := backup.Restore(context.Background(), st, saved, time.Now())
	undo()
	if !errors.Is(err, problem.ErrInvalid) || !strings.Contains(err.Error(), "previous database was put back") {
		t.Fatalf("restoring a file that will not open: %v", err)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("the previous database did not come back as it was")
	}
	if _, err := svc.Create(cluster.Input{Name: "still-writable"}); err != nil {
		t.Fatalf("the app is left without a working database: %v", err)
	}
	if partial, _ := filepath.Glob(filepath.Join(filepath.Dir(st.Path()), store.PartialPrefix+"*")); len(partial) != 0 {
		t.Fatalf("left behind: %v", partial)
	}
}

// Restore waits for a write in flight, and the copy it keeps of the
// replaced database holds that write.
func TestRestoreKeepsAWriteInFlight(t *testing.T) {
	st := testdb.OpenFile(t)
	saved := filepath.Join(t.TempDir(), "saved.db")
	if err := backup.To(context.Background(), st, saved); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.Tx(func(ctx context.Context, tx bun.Tx) error {
			close(started)
			time.Sleep(200 * time.Millisecond)
			_, err := tx.ExecContext(ctx, `INSERT INTO clusters (name, is_active, created_at, updated_at) VALUES ('in-flight', 1, 1, 1)`)
			return err
		})
	}()
	<-started
	res, err := backup.Restore(context.Background(), st, saved, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	kept := res.KeptAt
	if err := <-done; err != nil {
		t.Fatalf("the write in flight failed: %v", err)
	}
	if n := clusterCount(t, kept); n != 1 {
		t.Fatalf("the kept database lost the write in flight (%d clusters)", n)
	}
}

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
