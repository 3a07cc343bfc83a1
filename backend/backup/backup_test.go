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

	"shipdeck/backend/backup"
	"shipdeck/backend/cluster"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
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
	st := testdb.Open(t)
	cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"})
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
	cluster.NewService(st).Create(cluster.Input{Name: "prod-us"})
	if err := backup.To(context.Background(), st, dest); err != nil || clusterCount(t, dest) != 2 {
		t.Fatalf("second backup: %v", err)
	}
	if err := backup.To(context.Background(), st, st.Path()); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("backup over the live database: %v", err)
	}
}

func TestDailyBackupsKeepTheLast14(t *testing.T) {
	st := testdb.Open(t)
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
	list, _ := backup.List(dir)
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
	os.WriteFile(text, []byte("not a database"), 0o600)
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", "file:"+other)
	db.Exec("CREATE TABLE t (x)")
	db.Close()
	damaged := filepath.Join(dir, "damaged.db")
	st := testdb.Open(t)
	for i := 0; i < 50; i++ {
		cluster.NewService(st).Create(cluster.Input{Name: strings.Repeat("c", 50) + string(rune('a'+i%26)) + strings.Repeat("x", i)})
	}
	backup.To(context.Background(), st, damaged)
	b, _ := os.ReadFile(damaged)
	for i := 4096; i < len(b) && i < 4096*3; i++ {
		b[i] = 0xff
	}
	os.WriteFile(damaged, b, 0o600)
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
	st := testdb.Open(t)
	svc := cluster.NewService(st)
	svc.Create(cluster.Input{Name: "before-backup"})
	saved := filepath.Join(t.TempDir(), "saved.db")
	if err := backup.To(context.Background(), st, saved); err != nil {
		t.Fatal(err)
	}
	svc.Create(cluster.Input{Name: "after-backup"})
	kept, err := backup.Restore(context.Background(), st, saved, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
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
	os.WriteFile(bad, []byte("garbage"), 0o600)
	if _, err := backup.Restore(context.Background(), st, bad, time.Now()); !errors.Is(err, problem.ErrInvalid) {
		t.Fatalf("restoring garbage: %v", err)
	}
	if list, err := svc.List(true); err != nil || len(list) != 1 {
		t.Fatalf("live database changed by a refused restore: %+v %v", list, err)
	}
}
