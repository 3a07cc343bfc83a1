package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/release"
	"shipdeck/backend/sample"
	"shipdeck/backend/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// clock is the fixed time of the test stores and of generated_at.
var clock = testdb.Clock

// trickyNote has everything a CSV, Markdown or HTML writer must survive.
const trickyNote = "Paged on-call, \"twice\" | see <b>INC-42</b> *now* & [link](x)\nSecond line: naïve café ✓ 日本, `tick`"

// world is the sample workspace with what the sample does not have: an
// operator name (so history does not name the OS user), a customer on
// hold, runs that failed, timed out and were interrupted, and a note with
// quotes, commas, a line break and unicode.
type world struct {
	t        testing.TB
	st       *store.Store
	db       *bun.DB
	release  int64            // the active "2026.11"
	archived int64            // "Onboard Stark Industries", for Stark only
	cust     map[string]int64 // by namespace
	clusters map[string]int64 // by name
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, st: testdb.Open(t), cust: map[string]int64{}, clusters: map[string]int64{}}
	var err error
	w.db, err = w.st.DB()
	noErr(t, err)
	w.exec(`INSERT INTO settings (key, value) VALUES ('operator_name', 'Dana Operator')`)
	if err := sample.NewService(w.st).Load(); err != nil {
		t.Fatal(err)
	}
	w.release = w.id(`SELECT id FROM releases WHERE name = '2026.11'`)
	w.archived = w.id(`SELECT id FROM releases WHERE name = 'Onboard Stark Industries'`)
	rows, err := w.db.QueryContext(context.Background(), `SELECT id, namespace FROM customers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var ns string
		noErr(t, rows.Scan(&id, &ns))
		w.cust[ns] = id
	}
	noErr(t, rows.Err())
	rows.Close()
	rows, err = w.db.QueryContext(context.Background(), `SELECT id, name FROM clusters`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var name string
		noErr(t, rows.Scan(&id, &name))
		w.clusters[name] = id
	}
	noErr(t, rows.Err())
	rows.Close()
	return w
}

// sampleWorld adds the hold, the runs and the note to the sample.
func sampleWorld(t testing.TB) *world {
	w := newWorld(t)
	at := clock.Unix()
	w.exec(`UPDATE release_customers SET held_at = ?, held_by = 'Dana Operator', hold_reason = ?
		WHERE release_id = ? AND customer_id = ?`, at-3600, "Change freeze until the audit ends | ask *Ops*", w.release, w.cust["zeller"])
	w.run("initech", "Back up tenant database", "failed", intp(1), at-600)
	w.run("nordlicht", "Upgrade the Helm release", "failed", intp(2), at-500)
	w.run("nordlicht", "Upgrade the Helm release", "succeeded", intp(0), at-400)
	w.run("umbrella", "Back up tenant database", "timed_out", nil, at-300)
	w.run("stark", "Wait for the rollout", "interrupted", nil, at-200)
	steps := release.NewSteps(w.st)
	if _, err := steps.MarkDone(release.TransitionInput{StepID: w.step("stark", "Announce maintenance window"), Note: trickyNote}); err != nil {
		t.Fatal(err)
	}
	return w
}

func intp(i int) *int { return &i }

func (w *world) exec(q string, args ...any) {
	w.t.Helper()
	if _, err := w.db.ExecContext(context.Background(), q, args...); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
}

func (w *world) id(q string, args ...any) int64 {
	w.t.Helper()
	var id int64
	if err := w.db.QueryRowContext(context.Background(), q, args...).Scan(&id); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return id
}

// step is the id of a customer's step of the main release, by name.
func (w *world) step(namespace, name string) int64 {
	w.t.Helper()
	return w.id(`SELECT id FROM customer_steps WHERE release_id = ? AND customer_id = ? AND name = ?`, w.release, w.cust[namespace], name)
}

// run records a finished run of a step.
func (w *world) run(namespace, stepName, outcome string, exit *int, started int64) {
	w.t.Helper()
	w.exec(`INSERT INTO step_runs (step_id, release_id, customer_id, step_name, script, started_at, finished_at, exit_code, outcome, output, output_bytes, actor)
		VALUES (?, ?, ?, ?, 'kubectl get pods', ?, ?, ?, ?, 'output', 6, 'Dana Operator')`,
		w.step(namespace, stepName), w.release, w.cust[namespace], stepName, started, started+30, exit, outcome)
}

func (w *world) options() Options {
	return Options{Now: func() time.Time { return clock }, Location: time.UTC}
}

// render writes a report and fails the test on error.
func (w *world) render(f Format, sel Selection) []byte {
	w.t.Helper()
	var b bytes.Buffer
	if err := Write(context.Background(), w.db, f, sel, &b, w.options()); err != nil {
		w.t.Fatalf("%s report: %v", f, err)
	}
	return b.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./backend/report/ -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended):\n%s", name, firstDifference(want, got))
	}
}

func firstDifference(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var a, b []byte
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if !bytes.Equal(a, b) || i >= len(wl) || i >= len(gl) {
			return fmt.Sprintf("line %d\nwant: %q\ngot:  %q", i+1, a, b)
		}
	}
	return "(same lines, different bytes)"
}

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
