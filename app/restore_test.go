package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"shipdeck/backend/backup"
	"shipdeck/backend/cluster"
	"shipdeck/backend/store"
)

// goodBackup writes, into dataDir's backups/, a backup holding one cluster
// named name, made by a Shipdeck on another data directory.
func goodBackup(t *testing.T, dataDir, name string) string {
	t.Helper()
	s, _ := startShell(t, t.TempDir())
	if _, err := s.services.Clusters.Create(cluster.Input{Name: name}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(dataDir, store.BackupsDir, "shipdeck-2026-11-29.db")
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := backup.To(context.Background(), s.store, dest); err != nil {
		t.Fatal(err)
	}
	return dest
}

func names(evs []event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.name)
	}
	return out
}

// A damaged shipdeck.db is no dead end: the start-up screen restores a
// listed backup, which opens at once; the damaged file is kept beside it,
// byte for byte.
func TestRestoreAtStartMendsADamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	good := goodBackup(t, dir, "prod-eu")
	damaged := []byte("SQLite format 3\x00 but then garbage")
	live := filepath.Join(dir, store.FileName)
	if err := os.WriteFile(live, damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	s, events := startShell(t, dir)
	st, _ := s.services.System.Status()
	if st.Ready || st.StartupErrorCode != string(store.StartupDamaged) {
		t.Fatalf("status %+v", st)
	}
	if !slices.Contains(names(events()), EventStartupFailed) {
		t.Errorf("events %v: the window was not told of the failure", names(events()))
	}
	list, err := s.services.Backups.List()
	if err != nil || len(list) != 1 || list[0].Path != good {
		t.Fatalf("backups %+v, %v", list, err)
	}

	res, err := s.services.Backups.RestoreAtStart(good)
	if err != nil {
		t.Fatal(err)
	}
	st, _ = s.services.System.Status()
	if !st.Ready {
		t.Fatalf("not open after the restore: %+v", st)
	}
	cl, err := s.services.Clusters.List(false)
	if err != nil || len(cl) != 1 || cl[0].Name != "prod-eu" {
		t.Fatalf("clusters %+v, %v", cl, err)
	}
	if filepath.Dir(res.KeptAt) != dir || !strings.HasSuffix(res.KeptAt, "-unreadable.db") {
		t.Fatalf("kept at %q", res.KeptAt)
	}
	if got, _ := os.ReadFile(res.KeptAt); !bytes.Equal(got, damaged) {
		t.Errorf("the damaged file was not kept as it was")
	}
	if !slices.Contains(names(events()), EventStartupReady) {
		t.Errorf("events %v: the window was not told the database is open", names(events()))
	}
	// Open now: a second restore at start-up is refused.
	if _, err := s.services.Backups.RestoreAtStart(good); err == nil || !strings.Contains(err.Error(), "restore a backup from Settings") {
		t.Fatalf("restore at start on an open database: %v", err)
	}
}

// A restore at start-up takes only a listed backup, and only for a failure
// a backup mends; a refusal moves nothing.
func TestRestoreAtStartRefusals(t *testing.T) {
	cases := []struct {
		name  string
		setUp func(t *testing.T, dir string) (path string)
		words string
	}{
		{"a file outside the backups folder", func(t *testing.T, dir string) string {
			noErr(t, os.WriteFile(filepath.Join(dir, store.FileName), []byte("garbage"), 0o600))
			good := goodBackup(t, dir, "x")
			outside := filepath.Join(t.TempDir(), "shipdeck-elsewhere.db")
			data, err := os.ReadFile(good)
			noErr(t, err)
			noErr(t, os.WriteFile(outside, data, 0o600))
			return outside
		}, "is not one of the backups"},
		{"a newer Shipdeck's database", func(t *testing.T, dir string) string {
			live := filepath.Join(dir, store.FileName)
			shipdeckDatabase(t, live)
			rawExec(t, live, "INSERT INTO schema_migrations VALUES (999, 'future', 0)")
			return goodBackup(t, dir, "x")
		}, "A backup would not help here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := c.setUp(t, dir)
			before, _ := os.ReadFile(filepath.Join(dir, store.FileName))
			s, _ := startShell(t, dir)
			if _, err := s.services.Backups.RestoreAtStart(path); err == nil || !strings.Contains(err.Error(), c.words) {
				t.Fatalf("got %v, want %q", err, c.words)
			}
			after, _ := os.ReadFile(filepath.Join(dir, store.FileName))
			if !bytes.Equal(before, after) {
				t.Error("the database file changed")
			}
			if kept, _ := filepath.Glob(filepath.Join(dir, "*-unreadable.db")); len(kept) != 0 {
				t.Errorf("files moved aside: %v", kept)
			}
		})
	}
}

// "Try again" on the start-up screen opens the database once what held it
// has let go, and tells the window.
func TestRetryOpenAfterTheDirectoryIsFree(t *testing.T) {
	dir := t.TempDir()
	release, err := acquireLock(filepath.Join(dir, "shipdeck.lock"))
	if err != nil {
		t.Fatal(err)
	}
	s, events := startShell(t, dir)
	if st, _ := s.services.System.RetryOpen(); st.Ready || st.StartupErrorCode != string(StartupLocked) {
		t.Fatalf("retry while held: %+v", st)
	}
	release()
	st, err := s.services.System.RetryOpen()
	if err != nil || !st.Ready {
		t.Fatalf("retry after release: %+v, %v", st, err)
	}
	if !slices.Contains(names(events()), EventStartupReady) {
		t.Errorf("events %v", names(events()))
	}
}

// Settings restores any listed backup in one click; other paths are refused.
func TestRestoreFileTakesOnlyListedBackups(t *testing.T) {
	dir := t.TempDir()
	good := goodBackup(t, dir, "from-backup")
	s, _ := startShell(t, dir)
	if _, err := s.services.Clusters.Create(cluster.Input{Name: "live-only"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.services.Backups.RestoreFile(filepath.Join(dir, store.FileName)); err == nil {
		t.Fatal("restored the live database onto itself")
	}
	res, err := s.services.Backups.RestoreFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := s.services.Clusters.List(false)
	if err != nil || len(cl) != 1 || cl[0].Name != "from-backup" {
		t.Fatalf("clusters after restore: %+v %v", cl, err)
	}
	if filepath.Dir(res.KeptAt) != filepath.Join(dir, store.BackupsDir) {
		t.Errorf("previous database kept at %q", res.KeptAt)
	}
}
