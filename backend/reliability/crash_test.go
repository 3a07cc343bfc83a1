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
	"syscall"
	"testing"
	"time"

	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// The crash harness: a child process (this test binary, re-executed with
// SHIPDECK_CRASH_DB set) loops over activation, bulk done/revert of whole
// rows, reorder and template edits on a fleet database; the parent kills it
// with SIGKILL at seeded random moments and checks after each kill that the
// database opens, is intact, and that every operation was all or nothing.

const crashEnv = "SHIPDECK_CRASH_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	os.Exit(m.Run())
}

// crashChild runs operations until it is killed.
func crashChild(path string) {
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	w := wrap(st)
	seed, _ := strconv.ParseInt(os.Getenv("SHIPDECK_CRASH_SEED"), 10, 64)
	rng := rand.New(rand.NewSource(seed))
	list, _ := w.releases.List()
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
	fmt.Println("ready")
	for n := 0; ; n++ {
		// Template edits are the quickest operation: drawn three times as
		// often, so kills land in them about as often as in the others.
		op := []int{0, 1, 2, 3, 3, 3}[rng.Intn(6)]
		// The parent reads these lines to know what each kill interrupted.
		fmt.Printf("begin %d\n", op)
		t0 := time.Now()
		switch op {
		case 0: // activation of a new draft
			r, err := w.releases.Create(release.Input{Name: fmt.Sprintf("wave %d", n), Type: "hotfix", Templates: templates(8, 2, "wave")})
			if err == nil {
				w.releases.Activate(r.ID)
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
		case 2: // reorder the deploy steps
			ids := make([]int64, len(d.Deploy))
			for i, p := range rng.Perm(len(d.Deploy)) {
				ids[i] = d.Deploy[p].ID
			}
			w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: live.ID, Category: release.Deploy, OrderedIDs: ids})
		case 3: // edit a template: its pending steps follow, all with the same marker
			t := d.Deploy[rng.Intn(len(d.Deploy))]
			w.releases.UpdateTemplate(release.UpdateTemplateInput{ID: t.ID, Name: t.Name, Type: "bash", Content: fmt.Sprintf("echo edit %d", n)})
		}
		fmt.Printf("end %d %d\n", op, time.Since(t0).Microseconds())
	}
}

// crashOps names the child's operations, by the number it prints.
var crashOps = []string{"activation", "bulk row", "reorder", "template edit"}

// childLines follows the child's output: the operation in flight (-1 when
// none) and how long the finished ones took.
type childLines struct {
	mu       sync.Mutex
	inFlight int
	took     [4][]time.Duration
}

func (c *childLines) follow(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var op int
		var us int64
		c.mu.Lock()
		if n, _ := fmt.Sscanf(sc.Text(), "begin %d", &op); n == 1 {
			c.inFlight = op
		} else if n, _ := fmt.Sscanf(sc.Text(), "end %d %d", &op, &us); n == 2 {
			c.inFlight = -1
			c.took[op] = append(c.took[op], time.Duration(us)*time.Microsecond)
		}
		c.mu.Unlock()
	}
}

func TestCrashSafetyUnderSIGKILL(t *testing.T) {
	if raceDetector {
		// Kills are timed for operations of tens of milliseconds; under the
		// race detector they take ten times longer and few would complete.
		t.Skip("the crash harness runs without -race (it tests process death, not data races)")
	}
	kills := 60
	if testing.Short() {
		kills = 20
	}
	seed := int64(20261124)
	if s := os.Getenv("SHIPDECK_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	rng := rand.New(rand.NewSource(seed))
	path := filepath.Join(t.TempDir(), store.FileName)
	// The fleet: 5 clusters × 100 customers, a live release of 30 steps
	// (15,000 customer steps), so each operation takes tens of milliseconds
	// and kills land inside them.
	setup := time.Now()
	func() {
		w := open(t, path)
		w.fleet(t, 5, 100)
		w.activeRelease(t, "live", 24, 6)
		w.st.Close()
	}()
	t.Logf("fleet built in %v", time.Since(setup).Round(time.Millisecond))
	var childTime, checkTime time.Duration
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d, %d kills (SHIPDECK_CRASH_SEED=%d replays this run)", seed, kills, seed)
	lines := &childLines{}
	var killedIn [5]int // by operation; the last counts kills between operations
	for k := 0; k < kills; k++ {
		spawned := time.Now()
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+path, "SHIPDECK_CRASH_SEED="+strconv.FormatInt(seed+int64(k), 10))
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := io.ReadFull(out, buf); err != nil {
			t.Fatalf("kill %d: child did not start: %v", k, err)
		}
		lines.mu.Lock()
		lines.inFlight = -1
		lines.mu.Unlock()
		followed := make(chan struct{})
		go func() { lines.follow(out); close(followed) }()
		time.Sleep(time.Duration(5+rng.Intn(120)) * time.Millisecond)
		childTime += time.Since(spawned)
		lines.mu.Lock()
		cmd.Process.Signal(syscall.SIGKILL)
		op := lines.inFlight
		lines.mu.Unlock()
		<-followed
		cmd.Wait()
		if op < 0 {
			op = 4
		}
		killedIn[op]++
		checked := time.Now()
		msg := crashInvariants(t, path)
		checkTime += time.Since(checked)
		if msg != "" {
			t.Fatalf("after kill %d (seed %d), killed during %s: %s", k, seed, append(crashOps, "no operation")[op], msg)
		}
		pruneWaves(t, path)
	}
	for i, name := range crashOps {
		var sum time.Duration
		for _, d := range lines.took[i] {
			sum += d
		}
		avg := time.Duration(0)
		if n := len(lines.took[i]); n > 0 {
			avg = sum / time.Duration(n)
		}
		t.Logf("%-13s killed in flight %2d times; %3d completed, %v on average", name, killedIn[i], len(lines.took[i]), avg.Round(time.Millisecond))
	}
	t.Logf("between operations: %d kills; time in children %v, in checks %v", killedIn[4], childTime.Round(time.Millisecond), checkTime.Round(time.Millisecond))
	if !testing.Short() {
		for i, name := range crashOps {
			if killedIn[i] < 3 {
				t.Errorf("only %d kills landed during %s: the harness no longer exercises it", killedIn[i], name)
			}
		}
	}
	// The kills must have landed on a database that was being written.
	w := open(t, path)
	db, _ := w.st.DB()
	var history int
	db.QueryRowContext(context.Background(), "SELECT count(*) FROM step_history").Scan(&history)
	t.Logf("after %d kills: %d history rows on the live release", kills, history)
	for i, name := range crashOps {
		if len(lines.took[i]) == 0 || history == 0 {
			t.Fatalf("no %s ever completed (%d history rows): the kills proved nothing", name, history)
		}
	}
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
		{"orders have no gaps or duplicates", `SELECT count(*) FROM (
			SELECT release_id, customer_id, category, count(*) c, min(order_index) mn, max(order_index) mx, count(DISTINCT order_index) d
			FROM customer_steps GROUP BY 1, 2, 3) WHERE mn <> 0 OR mx <> c - 1 OR d <> c`},
		{"template orders have no gaps", `SELECT count(*) FROM (
			SELECT release_id, category, count(*) c, min(order_index) mn, max(order_index) mx FROM step_templates GROUP BY 1, 2)
			WHERE mn <> 0 OR mx <> c - 1`},
		{"steps follow the template order", `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id WHERE cs.order_index <> t.order_index`},
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
