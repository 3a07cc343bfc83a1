package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// A run the last stop cut off is recorded as interrupted when the shell
// opens the database, before the window can start new runs.
func TestStartRecordsInterruptedRuns(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, store.FileName)
	st := store.New(nil)
	if err := st.Open(context.Background(), live); err != nil {
		t.Fatal(err)
	}
	db, _ := st.DB()
	for _, q := range []string{
		`INSERT INTO clusters (name, created_at, updated_at) VALUES ('eu', 1, 1)`,
		`INSERT INTO customers (cluster_id, namespace, name, created_at, updated_at) VALUES (1, 'acme', 'Acme', 1, 1)`,
		`INSERT INTO releases (name, type, status, created_at, updated_at) VALUES ('r', 'release', 'active', 1, 1)`,
		`INSERT INTO step_runs (release_id, customer_id, step_name, script, started_at, outcome, actor) VALUES (1, 1, 'Deploy', 'sleep 9', 1, 'running', 'ops')`,
	} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// A pid file from another boot is dropped without acting on its ids.
	if err := os.WriteFile(filepath.Join(dir, "runs.pids"), []byte("another-boot\n1 4194000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _ := startShell(t, dir)
	if e := s.StartupError(); e != nil {
		t.Fatal(e)
	}
	var outcome string
	db, _ = s.store.DB()
	if err := db.QueryRowContext(context.Background(), `SELECT outcome FROM step_runs WHERE id = 1`).Scan(&outcome); err != nil {
		t.Fatal(err)
	}
	if outcome != release.RunInterrupted {
		t.Fatalf("outcome %q after start", outcome)
	}
	if _, err := os.Stat(filepath.Join(dir, "runs.pids")); !os.IsNotExist(err) {
		t.Fatalf("the old pid file is still there: %v", err)
	}
}
