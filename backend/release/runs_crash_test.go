//go:build linux

package release

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"shipdeck/backend/store"
)

// The app killed (SIGKILL) while a step runs: at the next start the run is
// interrupted, not running, no process of its script is left, and the
// database is sound. The child is this test binary, started again as a
// small app that opens the database and runs the step.
func TestKilledWhileRunningLeavesNoOrphan(t *testing.T) {
	if os.Getenv("SHIPDECK_RUN_CHILD") != "" {
		runChild(t)
		return
	}
	dir := t.TempDir()
	db := filepath.Join(dir, store.FileName)
	grandchild := filepath.Join(dir, "grandchild.pid")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledWhileRunningLeavesNoOrphan$", "-test.v")
	cmd.Env = append(os.Environ(), "SHIPDECK_RUN_CHILD=1", "SHIPDECK_RUN_DB="+db, "SHIPDECK_RUN_GRANDCHILD="+grandchild)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The script has started its background sleep when the file appears.
	var gpid int
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(grandchild); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			gpid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if gpid == 0 {
		_ = cmd.Process.Kill()
		t.Fatalf("the child never ran the step:\n%s", out)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the error is the signal

	// The next start.
	f := &fixture{t: t, now: time.Now()}
	f.st = store.New(nil)
	if err := f.st.Open(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	defer f.st.Close()
	f.rel, f.steps = NewService(f.st), NewSteps(f.st)
	runs := NewRuns(f.st, f.steps)
	runs.PidFile = filepath.Join(dir, "runs.pids")
	if n := must[int](t)(RecoverRuns(runs)); n != 1 {
		t.Fatalf("recovered %d runs, want 1\nchild:\n%s", n, out)
	}
	sqlDB, _ := f.st.DB()
	var running int
	noErr(t, sqlDB.QueryRowContext(context.Background(), `SELECT count(*) FROM step_runs WHERE outcome = 'running'`).Scan(&running))
	if running != 0 {
		t.Fatalf("%d runs still running", running)
	}
	var check string
	noErr(t, sqlDB.QueryRowContext(context.Background(), `PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Fatalf("integrity_check: %s", check)
	}
	// The script's background sleep is gone (or a zombie awaiting its reaper).
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && alive(gpid) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(gpid) {
		_ = syscall.Kill(gpid, syscall.SIGKILL)
		t.Fatalf("process %d of the script outlived the app", gpid)
	}
}

// alive tells a running process from a gone or zombie one.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	state, _, ok := parseProcStat(b)
	return ok && state != 'Z' && state != 'X'
}

// parseProcStat reads the state letter of /proc/PID/stat.
func parseProcStat(b []byte) (byte, string, bool) {
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0, "", false
	}
	return s[i+2], s, true
}

// runChild is the small app: a fleet of one, a step that starts a
// background sleep and writes its id, then sleeps; it runs until killed.
func runChild(t *testing.T) {
	f := &fixture{t: t, now: time.Now()}
	f.st = store.New(nil)
	if err := f.st.Open(context.Background(), os.Getenv("SHIPDECK_RUN_DB")); err != nil {
		t.Fatal(err)
	}
	f.rel, f.steps = NewService(f.st), NewSteps(f.st)
	cl := f.cluster("eu")
	cu := f.customer(cl, "acme")
	r := must[Release](t)(f.rel.Create(Input{Name: "r", Type: "release", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{
		{Name: "Deploy", Category: Deploy, Type: Bash, Content: "sleep 300 &\necho $! > " + os.Getenv("SHIPDECK_RUN_GRANDCHILD") + "\nsleep 300"},
	}}))
	must[Release](t)(f.rel.Activate(r.ID))
	runs := NewRuns(f.st, f.steps)
	runs.PidFile = filepath.Join(filepath.Dir(os.Getenv("SHIPDECK_RUN_DB")), "runs.pids")
	ids := stepsOf(t, f, r, "Deploy", []int64{cu})
	must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Confirmed: confirmAll(t, runs, ids)}))
	time.Sleep(time.Minute) // killed long before
}
