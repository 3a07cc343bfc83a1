package reliability

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/desktoptest"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// The crash harness: a child process (this test binary, re-executed with
// SHIPDECK_CRASH_DB set) loops over activation, bulk done/revert of whole
// rows, reorder and template edits on a fleet database, and kills itself
// with SIGKILL inside one chosen operation; the parent checks after each kill
// that the database opens, is intact, and that every operation was all or
// nothing.
//
// Each kill is aimed, not left to chance: a kill at a random moment lands in
// a 2 ms template edit only now and then on a quiet machine, so some
// operations went untested by luck. The parent names the operation to
// interrupt and how; the child measures that operation once, then kills
// itself inside its next run, either
//   - before statement q of its q statements (BEGIN and COMMIT included), a
//     point chosen by the seed — deterministic on any machine, fast or slow;
//   - or at a seeded delay within its measured duration, which lands inside
//     a statement or a commit; when the operation finishes first the child
//     aims again at its next run, and after 50 misses falls back to a
//     statement kill, so every kill lands in the operation named.

const (
	crashEnv     = "SHIPDECK_CRASH_DB"
	crashOpEnv   = "SHIPDECK_CRASH_OP"
	crashModeEnv = "SHIPDECK_CRASH_MODE"
	crashSeedEnv = "SHIPDECK_CRASH_SEED"
)

// crashOps names the child's operations, by number.
var crashOps = []string{"activation", "bulk row", "reorder", "template edit"}

// Ways to aim a kill.
const (
	aimStatement = "statement"
	aimTimed     = "timed"
	aimFallback  = "statement-after-misses"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	code := m.Run()
	desktoptest.Cleanup()
	os.Exit(code)
}

// killHook counts the statements of the operation in flight and kills the
// process before statement `at` (1-based) when it is armed.
type killHook struct {
	count atomic.Int64
	at    atomic.Int64 // 0 = disarmed
	op    int
	how   string // how the kill was aimed, for the parent's tally
}

func (h *killHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	n := h.count.Add(1)
	if at := h.at.Load(); at > 0 && n == at {
		killSelf(fmt.Sprintf("kill %d %s %d", h.op, h.how, n))
	}
	return ctx
}

func (h *killHook) AfterQuery(context.Context, *bun.QueryEvent) {}

// killSelf tells the parent what it interrupts, then dies at once.
func killSelf(line string) {
	os.Stdout.WriteString(line + "\n")
	if err := syscall.Kill(os.Getpid(), syscall.SIGKILL); err != nil {
		childFail("kill itself", err)
	}
	select {} // never returns: the signal is on its way
}

// childFail ends a child that cannot go on, saying why on its standard
// error: the parent then fails, the child having ended without killing
// itself. An operation of the child that fails is such a case, or the
// kills would land in operations that do nothing.
func childFail(what string, err error) {
	fmt.Fprintf(os.Stderr, "crash child: %s: %v\n", what, err)
	os.Exit(6)
}

// crashChild runs operations until it has killed itself inside the one named
// by the parent.
func crashChild(path string) {
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	w := wrap(st)
	seed, err := strconv.ParseInt(os.Getenv(crashSeedEnv), 10, 64)
	if err != nil {
		childFail("seed", err)
	}
	target, err := strconv.Atoi(os.Getenv(crashOpEnv))
	if err != nil {
		childFail("operation", err)
	}
	mode := os.Getenv(crashModeEnv)
	rng := rand.New(rand.NewSource(seed))
	hook := &killHook{op: target}
	db, err := st.DB()
	if err != nil {
		childFail("database", err)
	}
	// The services query the store's own *bun.DB, so the hook goes on that
	// one: WithQueryHook would return a copy that none of them uses.
	db.AddQueryHook(hook) //nolint:staticcheck // SA1019: see above

	list, err := w.releases.List()
	if err != nil {
		childFail("list releases", err)
	}
	var live release.Release
	for _, r := range list {
		if r.Status == release.Active && r.Name == "live" {
			live = r
		}
	}
	// Template ids and names never change below, so the release is read
	// once; the child keeps track of which rows it marked done.
	d, err := w.releases.Get(live.ID)
	if err != nil {
		os.Exit(4)
	}
	m, err := w.steps.Matrix(live.ID, 0)
	if err != nil {
		os.Exit(5)
	}
	rowDone := map[int64]bool{}
	for i, row := range m.Rows {
		rowDone[row.TemplateID] = len(m.Cells[i]) > 0 && (m.Cells[i][0] == 'd' || m.Cells[i][0] == 'D')
	}
	var custs []int64
	for _, c := range m.Customers {
		custs = append(custs, c.ID)
	}
	run := func(op, n int) {
		switch op {
		case 0: // activation of a new draft
			r, err := w.releases.Create(release.Input{Name: fmt.Sprintf("wave %d", n), Type: "hotfix", Templates: templates(8, 2, "wave")})
			if err != nil {
				childFail("create a release", err)
			}
			if _, err := w.releases.Activate(r.ID); err != nil {
				childFail("activate a release", err)
			}
		case 1: // bulk a whole row: done, or revert when it is done; the note marks the call
			t := d.Deploy[rng.Intn(len(d.Deploy))]
			action, note := release.ActionDone, fmt.Sprintf("done-%d", n)
			if rowDone[t.ID] {
				action, note = release.ActionRevert, fmt.Sprintf("revert-%d", n)
			}
			_, err := w.steps.BulkCells(release.BulkCellsInput{ReleaseID: live.ID, TemplateIDs: []int64{t.ID}, CustomerIDs: custs, Action: action, Note: note})
			if err == nil {
				rowDone[t.ID] = !rowDone[t.ID]
			}
		case 2: // reorder the deploy steps: one moved (a drag and drop), or all shuffled
			cur, err := w.releases.Get(live.ID)
			if err != nil {
				childFail("read the release", err)
			}
			ids := make([]int64, len(cur.Deploy))
			if rng.Intn(2) == 0 {
				from, to := rng.Intn(len(ids)), rng.Intn(len(ids))
				rest := make([]int64, 0, len(ids))
				for i, t := range cur.Deploy {
					if i != from {
						rest = append(rest, t.ID)
					}
				}
				ids = append(append(append(ids[:0], rest[:to]...), cur.Deploy[from].ID), rest[to:]...)
			} else {
				for i, p := range rng.Perm(len(cur.Deploy)) {
					ids[i] = cur.Deploy[p].ID
				}
			}
			if err := w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: live.ID, Category: release.Deploy, OrderedIDs: ids}); err != nil {
				childFail("reorder", err)
			}
		case 3: // edit a template: its pending steps follow, all with the same marker
			t := d.Deploy[rng.Intn(len(d.Deploy))]
			if _, err := w.releases.UpdateTemplate(release.UpdateTemplateInput{ID: t.ID, Name: t.Name, Type: "bash", Content: fmt.Sprintf("echo edit %d", n)}); err != nil {
				childFail("edit a template", err)
			}
		}
	}

	// The other operations run between the aimed ones, so each kill meets a
	// database shaped by a varied history.
	statements, took := int64(0), time.Duration(0)
	misses := 0
	var inOp sync.Mutex // held while the aimed operation runs; the timed kill takes it to check
	inFlight := false
	for n := 0; ; n++ {
		op := target
		if rng.Intn(2) == 0 {
			op = rng.Intn(len(crashOps))
		}
		if op != target {
			run(op, n)
			continue
		}
		if statements == 0 { // first run of the target: measure it
			hook.count.Store(0)
			t0 := time.Now()
			run(op, n)
			took, statements = time.Since(t0), hook.count.Load()
			continue
		}
		hook.count.Store(0)
		if mode == aimStatement || misses >= 50 {
			hook.how = aimStatement
			if mode != aimStatement {
				hook.how = aimFallback
			}
			hook.at.Store(1 + rng.Int63n(statements))
			run(op, n)
			// Still alive: this run had fewer statements (a release already
			// activated by another name, say); aim within what it took.
			statements = hook.count.Load()
			hook.at.Store(0)
			continue
		}
		delay := time.Duration(rng.Int63n(int64(took) + 1))
		inOp.Lock()
		inFlight = true
		inOp.Unlock()
		timer := time.AfterFunc(delay, func() {
			inOp.Lock()
			if inFlight {
				killSelf(fmt.Sprintf("kill %d %s %d", target, aimTimed, delay.Microseconds()))
			}
			inOp.Unlock()
		})
		t0 := time.Now()
		run(op, n)
		inOp.Lock()
		inFlight = false
		inOp.Unlock()
		timer.Stop()
		misses++
		if d := time.Since(t0); d < took {
			took = d // aim within the shortest run seen
		}
	}
}

func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	if raceDetector {
		// The harness tests process death, not data races, and the race
		// detector would only slow every operation down.
		t.Skip("the crash harness runs without -race (it tests process death, not data races)")
	}
	kills := 64
	if testing.Short() {
		kills = 16
	}
	seed := int64(20261124)
	if s := os.Getenv(crashSeedEnv); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	path := filepath.Join(t.TempDir(), store.FileName)
	// The fleet: 5 clusters × 100 customers, a live release of 30 steps
	// (15,000 customer steps).
	setup := time.Now()
	func() {
		w := open(t, path)
		w.fleet(t, 5, 100)
		w.activeRelease(t, "live", 24, 6)
		w.st.Close()
	}()
	t.Logf("fleet built in %v", time.Since(setup).Round(time.Millisecond))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d, %d kills (%s=%d replays this run)", seed, kills, crashSeedEnv, seed)
	var childTime, checkTime time.Duration
	killed := map[string]int{} // "operation/aim" → kills
	for k := 0; k < kills; k++ {
		// Every operation gets a quarter of the kills, half of them aimed
		// at a statement and half at a moment.
		op := k % len(crashOps)
		mode := aimStatement
		if (k/len(crashOps))%2 == 1 {
			mode = aimTimed
		}
		spawned := time.Now()
		how, err := runCrashChild(exe, path, op, mode, seed+int64(k))
		childTime += time.Since(spawned)
		if err != nil {
			t.Fatalf("kill %d (seed %d, %s by %s): %v", k, seed, crashOps[op], mode, err)
		}
		killed[crashOps[op]+"/"+how]++
		checked := time.Now()
		msg := crashInvariants(t, path)
		checkTime += time.Since(checked)
		if msg != "" {
			t.Fatalf("after kill %d (seed %d), killed during %s (aimed by %s): %s", k, seed, crashOps[op], how, msg)
		}
		pruneWaves(t, path)
	}
	for _, name := range crashOps {
		t.Logf("%-13s killed %2d times before a statement, %2d at a moment, %2d before a statement after 50 timed misses",
			name, killed[name+"/"+aimStatement], killed[name+"/"+aimTimed], killed[name+"/"+aimFallback])
	}
	t.Logf("time in children %v, in checks %v", childTime.Round(time.Millisecond), checkTime.Round(time.Millisecond))

	// The kills must have landed on a database that was being written.
	w := open(t, path)
	db := check[*bun.DB](t)(w.st.DB())
	var history int
	noErr(t, db.QueryRowContext(context.Background(), "SELECT count(*) FROM step_history").Scan(&history))
	t.Logf("after %d kills: %d history rows on the live release", kills, history)
	if history == 0 {
		t.Fatal("no bulk row ever completed: the kills proved nothing")
	}
}

// runCrashChild starts the child aimed at op and waits for it to kill itself;
// it returns how the kill was aimed, as the child reported it.
func runCrashChild(exe, path string, op int, mode string, seed int64) (string, error) {
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path, crashSeedEnv+"="+strconv.FormatInt(seed, 10),
		crashOpEnv+"="+strconv.Itoa(op), crashModeEnv+"="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	// A child that never reaches its kill is a bug of the harness: bound
	// the wait generously (a run takes well under a second here).
	stuck := time.AfterFunc(2*time.Minute, func() {
		// Killed here, the child has reported no kill of its own: the
		// check below says so.
		_ = cmd.Process.Kill()
	})
	defer stuck.Stop()
	var last string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		last = sc.Text()
	}
	// Drain what the scanner left (a line too long for it) so the child can
	// exit; only the last line read matters.
	_, _ = io.Copy(io.Discard, out)
	err = cmd.Wait()
	var gotOp, at int
	var how string
	if n, _ := fmt.Sscanf(last, "kill %d %s %d", &gotOp, &how, &at); n != 3 {
		return "", fmt.Errorf("child ended without killing itself (%v), last line %q", err, last)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		return "", fmt.Errorf("child did not die of SIGKILL: %v", err)
	}
	if gotOp != op {
		return "", fmt.Errorf("child killed itself in operation %d, not %d", gotOp, op)
	}
	return how, nil
}

// pruneWaves deletes the releases the child activated once they have been
// checked, so the database (and the integrity check after each kill) stays
// the size of the fleet instead of growing with every run.
func pruneWaves(t *testing.T, path string) {
	t.Helper()
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, _ := st.DB()
	if _, err := db.ExecContext(context.Background(), "DELETE FROM releases WHERE name LIKE 'wave %'"); err != nil {
		t.Fatal(err)
	}
}

// crashInvariants opens the database after a kill and checks it.
func crashInvariants(t *testing.T, path string) string {
	t.Helper()
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		return "database does not open: " + err.Error()
	}
	defer st.Close()
	db, _ := st.DB()
	ctx := context.Background()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Sprintf("integrity_check: %q %v", ok, err)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err.Error()
	}
	if rows.Next() {
		rows.Close()
		return "foreign_key_check is not empty"
	}
	rows.Close()
	checks := []struct{ name, sql string }{
		{"a release is fully activated or a draft with no steps", `SELECT count(*) FROM releases r WHERE
			(coalesce(r.status, 'draft') = 'draft' AND (EXISTS (SELECT 1 FROM customer_steps WHERE release_id = r.id) OR EXISTS (SELECT 1 FROM release_customers WHERE release_id = r.id)))
			OR (r.status = 'active' AND (SELECT count(*) FROM customer_steps WHERE release_id = r.id) <>
				(SELECT count(*) FROM release_customers WHERE release_id = r.id) * (SELECT count(*) FROM step_templates WHERE release_id = r.id))`},
		{"a bulk row changed all or none of its steps", `SELECT count(*) FROM (
			SELECT template_id FROM customer_steps WHERE template_id IS NOT NULL
			GROUP BY template_id HAVING count(DISTINCT status) > 1 OR count(DISTINCT coalesce(notes, '')) > 1)`},
		{"a customer's positions are distinct", positionsDistinct},
		{"template steps sit at their template's position", templateStepsAtTheirTemplate},
		{"a template edit reached all of its pending steps or none", `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id
			WHERE cs.status = 'pending' AND cs.is_overridden = 0 AND cs.content <> t.content`},
		{"every status change has its history row", `SELECT (SELECT count(*) FROM customer_steps WHERE status <> 'pending')
			- (SELECT count(*) FROM customer_steps cs WHERE status <> 'pending' AND EXISTS (SELECT 1 FROM step_history h WHERE h.step_id = cs.id))`},
	}
	for _, c := range checks {
		var n int
		if err := db.QueryRowContext(ctx, c.sql).Scan(&n); err != nil {
			return c.name + ": " + err.Error()
		}
		if n != 0 {
			return fmt.Sprintf("%s: %d violations", c.name, n)
		}
	}
	return ""
}
