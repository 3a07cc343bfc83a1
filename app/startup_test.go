package app

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"shipdeck/backend/disktest"
	"shipdeck/backend/store"
)

// event is one event the shell sent to the window.
type event struct {
	name string
	data []any
}

// startShell runs the start-up of a shell on dataDir, headless (no window:
// events are recorded), and shuts it down at cleanup.
func startShell(t *testing.T, dataDir string) (*Shell, func() []event) {
	t.Helper()
	s := newShell(Config{DataDir: dataDir})
	var mu sync.Mutex
	var events []event
	s.emit = func(_ context.Context, name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, event{name, data})
	}
	s.ctx = context.Background()
	s.start(context.Background())
	close(s.ready) // as startup does once the open is done
	t.Cleanup(func() { s.shutdown(context.Background()) })
	return s, func() []event {
		s.daily.Wait()
		mu.Lock()
		defer mu.Unlock()
		return append([]event(nil), events...)
	}
}

func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func shipdeckDatabase(t *testing.T, path string) {
	t.Helper()
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// Every start-up failure reaches the window as one plain sentence that is
// true for its cause, with a code the start-up screen can act on: no
// driver text ("unable to open database file (14)", "disk I/O error"), no
// "chmod … operation not permitted", and "Nothing was changed" only where
// nothing was.
func TestStartupErrorsAreOnePlainTrueSentence(t *testing.T) {
	cases := []struct {
		name      string
		setUp     func(t *testing.T) (dataDir string)
		code      store.StartupCode
		words     string
		unchanged bool
	}{
		{"shipdeck.db is a folder", func(t *testing.T) string {
			dir := t.TempDir()
			noErr(t, os.Mkdir(filepath.Join(dir, store.FileName), 0o700))
			return dir
		}, store.StartupFolder, "is a folder, not a database file", true},
		{"another Shipdeck holds the directory", func(t *testing.T) string {
			dir := t.TempDir()
			release, err := acquireLock(filepath.Join(dir, "shipdeck.lock"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(release)
			return dir
		}, StartupLocked, "Another Shipdeck is already running with the data directory", false},
		{"another application's database", func(t *testing.T) string {
			dir := t.TempDir()
			rawExec(t, filepath.Join(dir, store.FileName), "CREATE TABLE foo (x)")
			return dir
		}, store.StartupNotShipdeck, "is not a Shipdeck database: it holds other tables (foo)", true},
		{"a newer Shipdeck's database", func(t *testing.T) string {
			dir := t.TempDir()
			shipdeckDatabase(t, filepath.Join(dir, store.FileName))
			rawExec(t, filepath.Join(dir, store.FileName), "INSERT INTO schema_migrations VALUES (999, 'future', 0)")
			return dir
		}, store.StartupNewer, "was written by a newer Shipdeck", true},
		{"not a database", func(t *testing.T) string {
			dir := t.TempDir()
			noErr(t, os.WriteFile(filepath.Join(dir, store.FileName), []byte("garbage, not SQLite"), 0o600))
			return dir
		}, store.StartupDamaged, "is damaged or is not a database", true},
		{"the data directory is a file", func(t *testing.T) string {
			dir := filepath.Join(t.TempDir(), "data")
			noErr(t, os.WriteFile(dir, nil, 0o600))
			return dir
		}, store.StartupDataDir, "is a file, not a folder", true},
		{"a folder Shipdeck cannot write", func(t *testing.T) string {
			return disktest.ReadOnlyDir(t, func(string) {})
		}, store.StartupNotWritable, "Shipdeck cannot create its database: ", true},
		{"a full disk", func(t *testing.T) string {
			disk := disktest.Tmpfs(t, "2m")
			disktest.Fill(t, disk)
			return filepath.Join(disk, "data")
		}, store.StartupDiskFull, "is full, so Shipdeck could not open its database", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.setUp(t)
			s, _ := startShell(t, dir)
			st, err := s.services.System.Status()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s", st.StartupErrorCode, st.Error)
			if st.Ready || st.StartupErrorCode != string(c.code) || !strings.Contains(st.Error, c.words) {
				t.Fatalf("status %+v, want code %s and %q", st, c.code, c.words)
			}
			if strings.Contains(st.Error, "Nothing was changed") != c.unchanged {
				t.Errorf("says nothing was changed: %v, want %v: %q", !c.unchanged, c.unchanged, st.Error)
			}
			for _, driver := range []string{"(14)", "(26)", "disk I/O", "unable to open", "chmod", "operation not permitted", "sqlite"} {
				if strings.Contains(st.Error, driver) {
					t.Errorf("driver text %q in %q", driver, st.Error)
				}
			}
		})
	}
}

// A failed daily backup is shown: in the status the settings page reads,
// and as an event to the window, not only in the log.
func TestDailyBackupFailureIsShown(t *testing.T) {
	dir := t.TempDir()
	noErr(t, os.WriteFile(filepath.Join(dir, "backups"), []byte("a file where the backups folder goes"), 0o600))
	s, events := startShell(t, dir)
	got := events()
	st, _ := s.services.System.Status()
	t.Log(st.DailyBackupError)
	if !st.Ready || !strings.HasPrefix(st.DailyBackupError, "The daily backup of ") || !strings.Contains(st.DailyBackupError, "Shipdeck cannot make its backups folder") {
		t.Fatalf("status %+v", st)
	}
	if len(got) != 1 || got[0].name != EventBackupFailed || len(got[0].data) != 1 || got[0].data[0] != st.DailyBackupError {
		t.Fatalf("events %+v", got)
	}
}

// A database Shipdeck cannot write opens read-only, and the status says so
// and why; a data directory left open to others is reported too.
func TestStatusCarriesReadOnlyAndDataDirWarnings(t *testing.T) {
	dir := disktest.ReadOnlyDir(t, func(dir string) { shipdeckDatabase(t, filepath.Join(dir, store.FileName)) })
	s, events := startShell(t, dir)
	st, _ := s.services.System.Status()
	if !st.Ready || !st.ReadOnly || st.ReadOnlyReason == "" {
		t.Fatalf("status %+v", st)
	}
	if got := events(); len(got) != 0 {
		t.Fatalf("a read-only start sent %+v", got)
	}
	shared := filepath.Join(t.TempDir(), "shared")
	noErr(t, os.Mkdir(shared, 0o755))
	noErr(t, os.WriteFile(filepath.Join(shared, "notes.txt"), nil, 0o644))
	s, _ = startShell(t, shared)
	st, _ = s.services.System.Status()
	t.Log(st.DataDirWarning)
	if !st.Ready || !strings.Contains(st.DataDirWarning, "may be able to read Shipdeck's data") {
		t.Fatalf("status %+v", st)
	}
}

// Start-up clears what a killed Shipdeck left half-written.
func TestStartClearsWhatAKilledShipdeckLeft(t *testing.T) {
	dir := t.TempDir()
	shipdeckDatabase(t, filepath.Join(dir, store.FileName))
	noErr(t, os.MkdirAll(filepath.Join(dir, "backups"), 0o700))
	left := []string{
		filepath.Join(dir, ".shipdeck-partial-7.db"),
		filepath.Join(dir, ".window-12.json"),
		filepath.Join(dir, "backups", ".shipdeck-partial-8.db"),
		filepath.Join(dir, "backups", "shipdeck-20261101-090000-pre-migration.db"),
	}
	for _, f := range left {
		noErr(t, os.WriteFile(f, nil, 0o600))
	}
	s, events := startShell(t, dir)
	events()
	if st, _ := s.services.System.Status(); !st.Ready {
		t.Fatalf("status %+v", st)
	}
	for _, f := range left {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s is still there", f)
		}
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
