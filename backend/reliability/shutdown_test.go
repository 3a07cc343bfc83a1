package reliability

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/backup"
	"shipdeck/backend/desktoptest"
	"shipdeck/backend/internal/xwindow"
	"shipdeck/backend/store"
)

// The real production binary under Xvfb, quit four ways — SIGTERM, SIGINT,
// the File menu's Quit (Ctrl+Q) and the window's close button — while it is
// writing: each start opens a large database of an earlier schema version,
// so the app is inside its start-up migration (one transaction per
// migration, after a pre-migration backup) when it is told to quit. The
// process must exit within 5 s, and leave the database intact, its WAL
// checkpointed, the migration whole or not at all, every row kept, and its
// files private (directory 0700, database 0600).

// shutdownSteps is the size of the seeded database: enough customer steps
// that the start-up migration takes a couple of seconds.
const shutdownSteps = 600_000

func TestRealBinaryQuitsCleanlyDuringAWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real binary and runs it under Xvfb")
	}
	display := desktoptest.Xvfb(t, 140, 199)
	root, _ := filepath.Abs("../..")
	bin := desktoptest.Binary(t, root)
	tmp := t.TempDir()

	t.Run("fresh data directory: files private, SIGINT once the window is up", func(t *testing.T) {
		data := filepath.Join(t.TempDir(), "new", "shipdeck")
		a := startBinary(t, bin, data, display)
		a.waitLog(t, "database open", 30*time.Second)
		a.waitWindow(t)
		time.Sleep(time.Second) // the page loads; the app sits idle
		mustMode(t, data, 0o700)
		mustMode(t, filepath.Join(data, store.FileName), 0o600)
		a.quit(t, "SIGINT")
		afterExit(t, data, 0, 0)
	})

	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	// From schema 3 on: migration 4 indexes customer_steps and 5 renumbers
	// every position, each seconds on this database.
	const from = 3
	seeded := filepath.Join(tmp, "seed.db")
	seedOldFleet(t, seeded, ms[:from], shutdownSteps)

	// Each way of quitting lands twice: while the pre-migration backup is
	// being written, and inside the migration's transaction. Either way the
	// quit interrupts the work (it runs again at the next start) rather than
	// holding the exit until a large database is migrated.
	phases := []struct {
		name  string
		begun func(data string, a *appProcess) bool
	}{
		{"the pre-migration backup", func(data string, a *appProcess) bool {
			// The copy is written under a partial name and renamed to
			// *-pre-migration.db once whole: the partial file is the
			// backup being written.
			m, _ := filepath.Glob(filepath.Join(data, "backups", store.PartialPrefix+"*"))
			return len(m) > 0
		}},
		{"the migration's transaction", func(data string, a *appProcess) bool {
			return strings.Contains(a.log(), "applying migration")
		}},
	}
	var last string
	for _, how := range []string{"SIGTERM", "SIGINT", "menu quit", "window close"} {
		for _, phase := range phases {
			t.Run(how+" during "+phase.name, func(t *testing.T) {
				// Kept past the subtest: the last one is started again below.
				data := filepath.Join(tmp, strings.NewReplacer(" ", "-", "'", "").Replace(how+"-"+phase.name), "shipdeck")
				// Made by someone else with a loose mode: the app tightens it.
				if err := os.MkdirAll(data, 0o755); err != nil {
					t.Fatal(err)
				}
				copyFile(t, seeded, filepath.Join(data, store.FileName))
				a := startBinary(t, bin, data, display)
				waitFor(t, 30*time.Second, phase.name+" to begin", func() bool { return phase.begun(data, a) })
				if how == "menu quit" || how == "window close" {
					a.waitWindow(t)
				}
				if strings.Contains(a.log(), "database open") {
					t.Fatalf("the migration finished before the app was told to quit: make the seeded database larger\n%s", a.log())
				}
				a.quit(t, how)
				mustMode(t, data, 0o700)
				afterExit(t, data, from, len(ms))
				last = data
			})
		}
	}

	t.Run("the next start finishes an interrupted migration", func(t *testing.T) {
		if last == "" {
			t.Fatal("no earlier case left a data directory")
		}
		a := startBinary(t, bin, last, display)
		a.waitLog(t, "database open", 60*time.Second)
		a.quit(t, "SIGTERM")
		afterExit(t, last, len(ms), len(ms))
	})
}

// migrationMarks tell, by what a migration leaves in the database, whether
// it ran.
var migrationMarks = map[int]string{
	4: "SELECT count(*) = 1 FROM sqlite_master WHERE name = 'customer_steps_template_idx'",
	5: "SELECT count(*) = 0 FROM step_templates WHERE order_index % 1024 <> 0",
	6: "SELECT count(*) = 1 FROM sqlite_master WHERE name = 'step_runs'",
}

// afterExit checks the database left behind: intact, WAL checkpointed, at
// schema version from (the migration did not happen) or to (it happened
// whole), with every seeded row.
func afterExit(t *testing.T, data string, from, to int) {
	t.Helper()
	path := filepath.Join(data, store.FileName)
	mustMode(t, path, 0o600)
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("the WAL was not checkpointed: %d bytes", fi.Size())
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check %q %v", ok, err)
	}
	if rows, err := db.Query("PRAGMA foreign_key_check"); err != nil || rows.Next() {
		t.Fatalf("foreign_key_check is not empty (%v)", err)
	} else {
		rows.Close()
	}
	var version, n int
	noErr(t, db.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version))
	// An interrupted pre-migration backup is removed, never left half-written:
	// every file in backups/ is one the app would restore.
	backups, _ := filepath.Glob(filepath.Join(data, "backups", "*.db"))
	for _, b := range backups {
		if err := backup.Validate(context.Background(), b); err != nil {
			t.Fatalf("backup %s is not a sound database: %v", filepath.Base(b), err)
		}
	}
	if from == 0 {
		return
	}
	// Each migration is whole or absent: its mark is there exactly when
	// schema_migrations says it ran.
	if version < from || version > to {
		t.Fatalf("schema version %d, want %d..%d", version, from, to)
	}
	for v, mark := range migrationMarks {
		if v <= from || v > to {
			continue
		}
		var has bool
		noErr(t, db.QueryRow(mark).Scan(&has))
		if has != (v <= version) {
			t.Fatalf("half a migration: schema version %d, but migration %d's mark is %v", version, v, has)
		}
	}
	t.Logf("schema %d after the exit (%d..%d)", version, from, to)
	noErr(t, db.QueryRow("SELECT count(*) FROM customer_steps").Scan(&n))
	if n != shutdownSteps {
		t.Fatalf("%d customer steps after the exit, want %d", n, shutdownSteps)
	}
	var done int
	noErr(t, db.QueryRow("SELECT count(*) FROM customer_steps WHERE status = 'done' AND executed_by = 'dana'").Scan(&done))
	if done != shutdownSteps/10 {
		t.Fatalf("%d done steps after the exit, want %d", done, shutdownSteps/10)
	}
}

// seedOldFleet writes a database at the schema of ms with steps customer
// steps (100 templates, one in ten done), straight through SQL.
func seedOldFleet(t *testing.T, path string, ms []store.Migration, steps int) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(raw, sqlitedialect.New())
	defer db.Close()
	if err := store.Apply(context.Background(), db, ms, nil, time.Unix(1760000000, 0)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO clusters (id, name, is_active, created_at, updated_at) VALUES (1, 'prod-eu', 1, 1, 1)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < ?)
			INSERT INTO customers (id, cluster_id, namespace, name, is_active, created_at, updated_at)
			SELECT x, 1, 'ns-' || x, 'Customer ' || x, 1, 1, 1 FROM c`,
		`INSERT INTO releases (id, name, type, status, created_at, updated_at) VALUES (1, '2026.11', 'release', 'active', 1, 1)`,
		`WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM c WHERE x < 99)
			INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, created_at)
			SELECT x+1, 1, 'step ' || x, 'deploy', 'bash', 'kubectl -n "$NS" rollout status deploy/svc-' || x, x, 1 FROM c`,
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, created_at, updated_at)
			SELECT 1, cu.id, t.id, t.name, t.category, t.type, t.content, t.order_index,
				CASE WHEN t.order_index < 10 THEN 'done' ELSE 'pending' END,
				CASE WHEN t.order_index < 10 THEN 1760000500 END,
				CASE WHEN t.order_index < 10 THEN 'dana' END, 1, 1
			FROM customers cu CROSS JOIN step_templates t`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	} {
		if _, err := db.Exec(q, steps/100); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

type appProcess struct {
	cmd     *exec.Cmd
	out     *lockedBuffer
	done    chan error
	display string
}

func (a *appProcess) log() string { return a.out.String() }

// lockedBuffer is the app's output, read while the app writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBinary runs the app on data with no session bus (so no single
// instance hand-over) and kills it at cleanup if it is still running.
func startBinary(t *testing.T, bin, data, display string) *appProcess {
	t.Helper()
	a := &appProcess{cmd: exec.Command(bin, "--data-dir", data), out: &lockedBuffer{}, done: make(chan error, 1), display: display}
	a.cmd.Env = append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS=disabled:", "GDK_BACKEND=x11")
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			if err := a.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("stop the app: %v", err)
			}
			t.Logf("the app, still running at cleanup, was killed: %v", <-a.done)
		}
	})
	return a
}

func (a *appProcess) waitLog(t *testing.T, s string, d time.Duration) {
	t.Helper()
	waitFor(t, d, fmt.Sprintf("%q in the log", s), func() bool { return strings.Contains(a.log(), s) })
}

// window is the id of the app's mapped top-level window.
func (a *appProcess) window() uint32 {
	cmd := exec.Command("xdotool", "search", "--onlyvisible", "--pid", fmt.Sprint(a.cmd.Process.Pid), "--name", "^Shipdeck$")
	cmd.Env = append(os.Environ(), "DISPLAY="+a.display)
	out, err := cmd.Output()
	if err != nil {
		return 0 // xdotool finds no such window (yet)
	}
	var id uint32
	if _, err := fmt.Sscan(string(out), &id); err != nil {
		return 0
	}
	return id
}

func (a *appProcess) waitWindow(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Fatal("xdotool is not installed (apt-get install xdotool): the menu-quit and window-close cases need it")
	}
	waitFor(t, 30*time.Second, "the window", func() bool { return a.window() != 0 })
}

// quit tells the app to quit the given way and waits at most 5 s for it to
// exit with status 0.
func (a *appProcess) quit(t *testing.T, how string) {
	t.Helper()
	start := time.Now()
	switch how {
	case "SIGTERM":
		noErr(t, a.cmd.Process.Signal(syscall.SIGTERM))
	case "SIGINT":
		noErr(t, a.cmd.Process.Signal(syscall.SIGINT))
	case "menu quit": // the accelerator of File → Quit
		win := fmt.Sprint(a.window())
		for _, args := range [][]string{{"windowfocus", "--sync", win}, {"key", "--clearmodifiers", "ctrl+q"}} {
			cmd := exec.Command("xdotool", args...)
			cmd.Env = append(os.Environ(), "DISPLAY="+a.display)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("xdotool %v: %v %s", args, err, out)
			}
		}
	case "window close": // what a window manager sends for the title bar's ×
		if err := xwindow.Close(a.display, a.window()); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-a.done:
		took := time.Since(start)
		if err != nil {
			t.Fatalf("exit after %s: %v\n%s", how, err, a.log())
		}
		t.Logf("%s: exited in %v", how, took.Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after %s\n%s", how, a.log())
	}
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Fatalf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
