package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// A change the command line makes reaches the window: an event names the
// release and the step; the window's own writes make none.
func TestChangesMadeElsewhereReachTheWindow(t *testing.T) {
	dir := t.TempDir()
	s, events := startShell(t, dir)
	if err := s.services.Sample.Load(); err != nil {
		t.Fatal(err)
	}
	rels, _ := s.services.Releases.List()
	var r release.Release
	for _, x := range rels {
		if x.Status == release.Active {
			r = x
		}
	}
	pending := aPendingStep(t, s, r.ID)
	time.Sleep(2 * watchEvery) // the window's own writes are seen as its own
	count := func() (n int, last DBChange) {
		for _, e := range events() {
			if e.name == EventDBChanged {
				n++
				last = e.data[0].(DBChange)
			}
		}
		return
	}
	if n, _ := count(); n != 0 {
		t.Fatalf("%d change events for the window's own writes", n)
	}
	// The command line: a second store on the same file.
	cli := store.New(nil)
	if err := cli.OpenCurrent(context.Background(), filepath.Join(dir, store.FileName)); err != nil {
		t.Fatal(err)
	}
	if _, err := release.ChangeStepsBy(cli, []int64{pending}, release.ActionDone, "", release.Author{Source: release.SourceCLI}); err != nil {
		t.Fatal(err)
	}
	cli.Close()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if n, last := count(); n > 0 {
			if len(last.Releases) != 1 || last.Releases[0] != r.ID || len(last.Steps) != 1 || last.Steps[0] != pending {
				t.Fatalf("change %+v", last)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no change event within 2 s")
}

func aPendingStep(t *testing.T, s *Shell, releaseID int64) int64 {
	t.Helper()
	d, err := s.services.Releases.Get(releaseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range d.Clusters {
		for _, cu := range cl.Customers {
			cs, err := s.services.Steps.CustomerSteps(releaseID, cu.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range append(cs.Deploy, cs.Verify...) {
				if st.Status == release.Pending {
					return st.ID
				}
			}
		}
	}
	t.Fatal("no pending step in the sample")
	return 0
}

// A window slow to take events never holds up the sender, and events
// arrive in the order they were sent.
func TestQueuedEmitKeepsOrderAndNeverWaitsOnTheWindow(t *testing.T) {
	release := make(chan struct{})
	got := make(chan int, 100)
	emit := queuedEmit(func(_ string, data ...any) {
		<-release // the window is busy until released
		got <- data[0].(int)
	})
	sent := make(chan struct{})
	go func() {
		for i := range 100 {
			emit("run:update", i)
		}
		close(sent)
	}()
	<-sent // all sent while the window took none
	close(release)
	for i := range 100 {
		if n := <-got; n != i {
			t.Fatalf("event %d arrived as %d", i, n)
		}
	}
}
