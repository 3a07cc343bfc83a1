package reliability

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	fmt.Println("ready")
	for n := 0; ; n++ {
		d, err := w.releases.Get(live.ID)
		if err != nil {
			os.Exit(4)
		}
		switch rng.Intn(4) {
		case 0: // activation of a new draft
			r, err := w.releases.Create(release.Input{Name: fmt.Sprintf("wave %d", n), Type: "hotfix", Templates: templates(8, 2, "wave")})
			if err == nil {
				w.releases.Activate(r.ID)
			}
		case 1: // bulk a whole row: done, or revert when it is done
			t := d.Deploy[rng.Intn(len(d.Deploy))]
			m, _ := w.steps.Matrix(live.ID, 0)
			action, note := release.ActionDone, fmt.Sprintf("done-%d", n)
			for i, row := range m.Rows {
				if row.TemplateID == t.ID && len(m.Cells[i]) > 0 && (m.Cells[i][0] == 'd' || m.Cells[i][0] == 'D') {
					action, note = release.ActionRevert, fmt.Sprintf("revert-%d", n)
				}
			}
			var cust []int64
			for _, c := range m.Customers {
				cust = append(cust, c.ID)
			}
			w.steps.BulkCells(release.BulkCellsInput{ReleaseID: live.ID, TemplateIDs: []int64{t.ID}, CustomerIDs: cust, Action: action, Note: note})
		case 2: // reorder the deploy steps
			ids := make([]int64, len(d.Deploy))
			for i, p := range rng.Perm(len(d.Deploy)) {
				ids[i] = d.Deploy[p].ID
			}
			w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: live.ID, Category: release.Deploy, OrderedIDs: ids})
		case 3: // edit a template: pending steps follow
			t := d.Deploy[rng.Intn(len(d.Deploy))]
			w.releases.UpdateTemplate(release.UpdateTemplateInput{ID: t.ID, Name: t.Name, Type: "bash", Content: fmt.Sprintf("echo edit %d", n)})
		}
	}
}

func TestCrashSafetyUnderSIGKILL(t *testing.T) {
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
	// The fleet: 4 clusters × 50 customers, a live release of 30 steps
	// (6,000 customer steps), so each operation takes milliseconds to tens
	// of milliseconds and kills land inside them.
	func() {
		w := open(t, path)
		w.fleet(t, 4, 50)
		w.activeRelease(t, "live", 24, 6)
		w.st.Close()
	}()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seed %d, %d kills", seed, kills)
	for k := 0; k < kills; k++ {
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
		time.Sleep(time.Duration(5+rng.Intn(120)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if msg := crashInvariants(t, path); msg != "" {
			t.Fatalf("after kill %d (seed %d): %s", k, seed, msg)
		}
	}
	// The kills must have landed on a database that was being written.
	w := open(t, path)
	db, _ := w.st.DB()
	var releases, history int
	db.QueryRowContext(context.Background(), "SELECT (SELECT count(*) FROM releases), (SELECT count(*) FROM step_history)").Scan(&releases, &history)
	t.Logf("after %d kills: %d releases activated or drafted, %d history rows", kills, releases, history)
	if releases < 2 || history == 0 {
		t.Fatalf("the child barely wrote anything (%d releases, %d history rows): the kills proved nothing", releases, history)
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
