package release

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shipdeck/backend/runner"
	"shipdeck/backend/store"
)

// runFleet is a fleet of customers on two clusters (one with a kubeconfig)
// and an active release whose first step is the given bash script.
func runFleet(t testing.TB, n int, script string) (*fixture, *Runs, Release, []int64) {
	t.Helper()
	f := newFixture(t)
	eu, us := f.cluster("prod-eu"), f.cluster("prod-us")
	f.exec(`UPDATE clusters SET kubeconfig_path = '/kube/eu.yaml' WHERE id = ?`, eu)
	var custs []int64
	for i := range n {
		cl := eu
		if i%2 == 1 {
			cl = us
		}
		custs = append(custs, f.customer(cl, fmt.Sprintf("c%04d", i)))
	}
	r := must[Release](t)(f.rel.Create(Input{Name: "2026.12", Type: "release", Targets: Targets{Mode: "all"}, Templates: []TemplateInput{
		{Name: "Deploy", Category: Deploy, Type: Bash, Content: script},
		{Name: "Notes", Category: Verify, Type: Text, Content: "Check it."},
	}}))
	must[Release](t)(f.rel.Activate(r.ID))
	runs := NewRuns(f.st, f.steps)
	runs.PidFile = filepath.Join(t.TempDir(), "runs.pids")
	t.Cleanup(func() { ShutdownRuns(runs) })
	return f, runs, r, custs
}

// stepsOf are the ids of one template's steps for the customers, in order.
func stepsOf(t testing.TB, f *fixture, r Release, template string, custs []int64) []int64 {
	t.Helper()
	d := must[Detail](t)(f.rel.Get(r.ID))
	var tid int64
	for _, x := range append(d.Deploy, d.Verify...) {
		if x.Name == template {
			tid = x.ID
		}
	}
	var ids []int64
	for _, c := range custs {
		ids = append(ids, must[StepDetail](t)(f.steps.StepDetailAt(r.ID, tid, c)).Step.ID)
	}
	return ids
}

// waitBatch waits for a batch to end and returns its jobs.
func waitBatch(t testing.TB, runs *Runs, id string) Batch {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		all := must[[]Batch](t)(runs.Batches())
		for _, b := range all {
			if b.ID == id && b.Done {
				return b
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("batch %s did not end", id)
	return Batch{}
}

func confirmAll(t testing.TB, runs *Runs, ids []int64) []int64 {
	chk := must[RunCheck](t)(runs.Check(ids))
	var out []int64
	for _, c := range chk.Confirm {
		out = append(out, c.ClusterID)
	}
	return out
}

func TestARunRecordsItsOutputAndMarksTheStepDone(t *testing.T) {
	f, runs, r, custs := runFleet(t, 1, `echo "ns=$SHIPDECK_NAMESPACE cust=$SHIPDECK_CUSTOMER cl=$SHIPDECK_CLUSTER kc=$KUBECONFIG step=$SHIPDECK_STEP rel=$SHIPDECK_RELEASE"
echo "rendered {{namespace}}"
echo oops >&2`)
	var mu sync.Mutex
	var events []string
	runs.Emit = func(name string, data ...any) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, name)
	}
	ids := stepsOf(t, f, r, "Deploy", custs)
	// Nothing runs before the cluster is confirmed.
	chk := must[RunCheck](t)(runs.Check(ids))
	if len(chk.Confirm) != 1 || chk.Confirm[0].Cluster != "prod-eu" || chk.Confirm[0].Kubeconfig != "/kube/eu.yaml" || chk.Confirm[0].Namespaces[0] != "c0000" {
		t.Fatalf("check %+v", chk)
	}
	if _, err := runs.Start(RunInput{StepIDs: ids}); err == nil || !strings.Contains(err.Error(), "Confirm cluster prod-eu first") {
		t.Fatalf("ran without confirmation: %v", err)
	}
	b := must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Confirmed: confirmAll(t, runs, ids)}))
	b = waitBatch(t, runs, b.ID)
	if j := b.Jobs[0]; j.State != string(runner.StateSucceeded) || j.ExitCode == nil || *j.ExitCode != 0 || j.RunID == 0 {
		t.Fatalf("job %+v", j)
	}
	out := must[RunDetail](t)(runs.RunOutput(b.Jobs[0].RunID))
	var text strings.Builder
	var stderr bool
	for _, c := range out.Chunks {
		text.WriteString(c.Text)
		stderr = stderr || (c.Stderr && strings.Contains(c.Text, "oops"))
	}
	for _, want := range []string{"ns=c0000 cust=c0000 cl=prod-eu kc=/kube/eu.yaml step=Deploy rel=2026.12", "rendered c0000"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("output %q lacks %q", text.String(), want)
		}
	}
	if !stderr {
		t.Errorf("stderr not marked: %+v", out.Chunks)
	}
	// What ran is the rendering, not the template.
	if out.Outcome != "succeeded" || !strings.Contains(out.Script, "rendered c0000") {
		t.Errorf("run %+v, script %q", out.RunSummary, out.Script)
	}
	st := must[StepDetail](t)(f.steps.StepDetail(ids[0]))
	if st.Step.Status != Done || !strings.HasPrefix(st.Step.Notes, "Ran in ") {
		t.Fatalf("step %+v", st.Step)
	}
	var actions []string
	for _, h := range st.History {
		actions = append(actions, h.Action)
	}
	if !slices.Contains(actions, EventRun) || !slices.Contains(actions, string(ActionDone)) {
		t.Fatalf("history %v", actions)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, e := range []string{EventRunUpdate, EventRunOutput, EventStepsRan} {
		if !slices.Contains(events, e) {
			t.Errorf("no %s event in %v", e, events)
		}
	}
}

func TestAFailedRunKeepsTheStepAndStopsTheRow(t *testing.T) {
	// Runs go in matrix order (cluster, then customer): c0000 and c0002 on
	// prod-eu, then c0001 on prod-us. c0002 fails; with stop-on-failure
	// c0001 never starts.
	f, runs, r, custs := runFleet(t, 3, `if [ "$SHIPDECK_CUSTOMER" = c0002 ]; then echo broken >&2; exit 3; fi; echo fine`)
	ids := stepsOf(t, f, r, "Deploy", custs)
	b := must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Concurrency: 1, StopOnFailure: true, Confirmed: confirmAll(t, runs, ids)}))
	b = waitBatch(t, runs, b.ID)
	states := map[string]string{}
	for _, j := range b.Jobs {
		states[j.Customer] = j.State
	}
	if states["c0000"] != "succeeded" || states["c0002"] != "failed" || states["c0001"] != "skipped" {
		t.Fatalf("states %v (jobs in board order %+v)", states, b.Jobs)
	}
	want := map[int64]Status{ids[0]: Done, ids[1]: Pending, ids[2]: Pending}
	for id, st := range want {
		if got := must[StepDetail](t)(f.steps.StepDetail(id)).Step.Status; got != st {
			t.Errorf("step %d: %s, want %s", id, got, st)
		}
	}
	failed := must[[]RunSummary](t)(runs.StepRuns(ids[2]))
	if len(failed) != 1 || failed[0].Outcome != "failed" || *failed[0].ExitCode != 3 {
		t.Fatalf("runs of the failed step %+v", failed)
	}
	if none := must[[]RunSummary](t)(runs.StepRuns(ids[1])); len(none) != 0 {
		t.Fatalf("a skipped job has runs: %+v", none)
	}
	// The matrix marks the cell whose last run failed, and only it.
	m := must[Matrix](t)(f.steps.Matrix(r.ID, 0))
	col := -1
	for i, c := range m.Customers {
		if c.ID == custs[2] {
			col = i
		}
	}
	if len(m.Failed) != 1 || m.Failed[0][0] != 0 || m.Failed[0][1] != col {
		t.Fatalf("failed cells %v, want [[0 %d]]", m.Failed, col)
	}
}

func TestRunRefusalsSayWhy(t *testing.T) {
	f, runs, r, custs := runFleet(t, 4, "true")
	ids := stepsOf(t, f, r, "Deploy", custs)
	notes := stepsOf(t, f, r, "Notes", custs[:1])
	must[Step](t)(f.steps.Skip(TransitionInput{StepID: ids[1], Note: "not here"}))
	must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: ids[2]}))
	must[HoldResult](t)(f.steps.Hold(HoldInput{ReleaseID: r.ID, CustomerIDs: custs[3:4], Reason: "contract"}))
	chk := must[RunCheck](t)(runs.Check(append(ids, notes...)))
	why := map[int64]string{}
	for _, x := range chk.Refused {
		why[x.StepID] = x.Why
	}
	cases := map[int64]string{
		ids[1]:   "was skipped for c0001",
		ids[3]:   "c0003 is on hold",
		notes[0]: "only bash steps run",
	}
	for id, words := range cases {
		if !strings.Contains(why[id], words) {
			t.Errorf("step %d: %q, want %q", id, why[id], words)
		}
	}
	// A done step can run again: the check counts it, a start refuses it
	// unless asked to run again.
	if len(chk.Runnable) != 2 || chk.Again != 1 {
		t.Fatalf("runnable %+v, again %d", chk.Runnable, chk.Again)
	}
	if _, err := runs.Start(RunInput{StepIDs: ids[2:3], Confirmed: confirmAll(t, runs, ids[2:3])}); err == nil || !strings.Contains(err.Error(), "is done for c0002 already") {
		t.Fatalf("ran a done step without asking: %v", err)
	}
	// Run again reaches the done one.
	again := must[Batch](t)(runs.Start(RunInput{StepIDs: ids[2:3], Again: true, Confirmed: confirmAll(t, runs, ids[2:3])}))
	if j := waitBatch(t, runs, again.ID).Jobs[0]; j.State != "succeeded" {
		t.Fatalf("run again: %+v", j)
	}
	runs.Config = func() RunConfig { return RunConfig{Enabled: false} }
	if _, err := runs.Start(RunInput{StepIDs: ids[:1]}); err == nil || !strings.Contains(err.Error(), "turned off in Settings") {
		t.Fatalf("ran while turned off: %v", err)
	}
	must[Release](t)(f.rel.Archive(r.ID))
	runs.Config = func() RunConfig { return RunConfig{Enabled: true} }
	if _, err := runs.Start(RunInput{StepIDs: ids[:1]}); err == nil || !strings.Contains(err.Error(), "is archived") {
		t.Fatalf("ran on an archived release: %v", err)
	}
}

func TestCancelStopsTheScriptAndRecordsIt(t *testing.T) {
	f, runs, r, custs := runFleet(t, 1, "(sleep 30; echo late) & sleep 30")
	ids := stepsOf(t, f, r, "Deploy", custs)
	b := must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Confirmed: confirmAll(t, runs, ids)}))
	deadline := time.Now().Add(10 * time.Second)
	for RunningScripts(runs) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !RunsBusy(runs) {
		t.Fatal("a batch running is not busy")
	}
	t0 := time.Now()
	noErr(t, runs.Cancel(b.ID))
	b = waitBatch(t, runs, b.ID)
	if b.Jobs[0].State != "cancelled" || time.Since(t0) > 8*time.Second {
		t.Fatalf("job %+v after %s", b.Jobs[0], time.Since(t0))
	}
	if RunsBusy(runs) {
		t.Fatal("busy after its only batch ended")
	}
	if st := must[StepDetail](t)(f.steps.StepDetail(ids[0])).Step; st.Status != Pending {
		t.Fatalf("a cancelled run changed the step: %s", st.Status)
	}
	if data, _ := os.ReadFile(runs.PidFile); strings.Count(string(data), "\n") > 1 {
		t.Fatalf("pid file keeps an ended run: %q", data)
	}
}

// A run in flight when the app died is interrupted at the next start: none
// stays running, and it has its history row.
func TestInterruptedRunsAreRecoveredAtStart(t *testing.T) {
	f, runs, r, custs := runFleet(t, 1, "true")
	ids := stepsOf(t, f, r, "Deploy", custs)
	db, _ := f.st.DB()
	run := store.StepRun{StepID: &ids[0], ReleaseID: r.ID, CustomerID: custs[0], StepName: "Deploy", Script: "sleep 100", StartedAt: 1, Outcome: RunRunning, Actor: "ops"}
	_, err := db.NewInsert().Model(&run).Exec(context.Background())
	noErr(t, err)
	// The machine's pid file lists it (a team database's recovery takes
	// only the runs it lists; the file's takes every run left running).
	runs.PidFile = filepath.Join(t.TempDir(), "runs.pids")
	noErr(t, os.WriteFile(runs.PidFile, fmt.Appendf(nil, "another-boot\n%d 999999\n", run.ID), 0o600))
	n := must[int](t)(RecoverRuns(runs))
	if n != 1 {
		t.Fatalf("recovered %d", n)
	}
	got := must[[]RunSummary](t)(runs.StepRuns(ids[0]))
	if len(got) != 1 || got[0].Outcome != RunInterrupted || got[0].FinishedAt == nil {
		t.Fatalf("runs %+v", got)
	}
	h := must[StepDetail](t)(f.steps.StepDetail(ids[0])).History
	if len(h) == 0 || h[0].Action != EventRun || !strings.Contains(h[0].Note, "Interrupted") {
		t.Fatalf("history %+v", h)
	}
	if n := must[int](t)(RecoverRuns(runs)); n != 0 {
		t.Fatalf("recovered twice: %d", n)
	}
}

// BenchmarkRunRow runs `true` for a row of 2,000 customers (scaled) at
// concurrency 8: target ≤ 30 s, one run and its history rows per step.
func BenchmarkRunRow(b *testing.B) {
	n := scaled(2000)
	for b.Loop() {
		b.StopTimer()
		f, runs, r, custs := runFleet(b, n, "true")
		ids := stepsOf(b, f, r, "Deploy", custs)
		confirmed := confirmAll(b, runs, ids)
		b.StartTimer()
		bt := must[Batch](b)(runs.Start(RunInput{StepIDs: ids, Concurrency: 8, Confirmed: confirmed}))
		bt = waitBatch(b, runs, bt.ID)
		b.StopTimer()
		db, _ := f.st.DB()
		var runsN, hist int
		noErr(b, db.QueryRowContext(context.Background(), `SELECT count(*) FROM step_runs WHERE outcome = 'succeeded'`).Scan(&runsN))
		noErr(b, db.QueryRowContext(context.Background(), `SELECT count(*) FROM step_history WHERE action = 'run'`).Scan(&hist))
		if runsN != n || hist != n {
			b.Fatalf("%d runs and %d run history rows for %d steps", runsN, hist, n)
		}
		b.StartTimer()
	}
}

// A release archived while its step ran keeps the run in its record; the
// step, read-only now, is not marked (and the rest of the record lands).
func TestARunOutlivesItsReleaseBeingArchived(t *testing.T) {
	gate := filepath.Join(t.TempDir(), "go")
	f, runs, r, custs := runFleet(t, 2, "until [ -e '"+gate+"' ]; do sleep 0.02; done; echo finished")
	ids := stepsOf(t, f, r, "Deploy", custs)
	b := must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Concurrency: 2, Confirmed: confirmAll(t, runs, ids)}))
	must[Release](t)(f.rel.Archive(r.ID))
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b = waitBatch(t, runs, b.ID)
	for _, j := range b.Jobs {
		if j.State != string(runner.StateSucceeded) || j.RunID == 0 {
			t.Fatalf("job %+v", j)
		}
		out := must[RunDetail](t)(runs.RunOutput(j.RunID))
		if out.Outcome != "succeeded" {
			t.Fatalf("run %+v", out.RunSummary)
		}
	}
	for _, id := range ids {
		if st := must[StepDetail](t)(f.steps.StepDetail(id)); st.Step.Status != Pending {
			t.Fatalf("step %d of an archived release became %s", id, st.Step.Status)
		}
	}
}

// A run's kept output says whether it lost its beginning to the limit.
func TestRunOutputSaysWhenItWasCut(t *testing.T) {
	for _, tc := range []struct {
		script string
		cut    bool
	}{
		{"echo short; echo err >&2", false},
		{"head -c 3000000 /dev/zero | tr '\\0' x; echo; echo the end", true},
	} {
		f, runs, r, custs := runFleet(t, 1, tc.script)
		ids := stepsOf(t, f, r, "Deploy", custs)
		b := waitBatch(t, runs, must[Batch](t)(runs.Start(RunInput{StepIDs: ids, Confirmed: confirmAll(t, runs, ids)})).ID)
		out := must[RunDetail](t)(runs.RunOutput(b.Jobs[0].RunID))
		if out.Truncated != tc.cut {
			t.Errorf("%q: truncated %v, want %v (%d bytes written)", tc.script, out.Truncated, tc.cut, out.OutputBytes)
		}
	}
}

// A script whose variables are not all set for the customer never runs
// with one left as written.
func TestARunNeedsEveryVariableSet(t *testing.T) {
	f, runs, r, custs := runFleet(t, 2, "helm upgrade app --set region={{ customer.region }}")
	f.exec(`UPDATE customers SET metadata = '{"region":"eu-west-1"}' WHERE id = ?`, custs[0])
	ids := stepsOf(t, f, r, "Deploy", custs)
	chk := must[RunCheck](t)(runs.Check(ids))
	if len(chk.Runnable) != 1 || chk.Runnable[0].StepID != ids[0] {
		t.Fatalf("runnable %+v", chk.Runnable)
	}
	if len(chk.Refused) != 1 || !strings.Contains(chk.Refused[0].Why, "customer.region is not set for c0001") {
		t.Fatalf("refused %+v", chk.Refused)
	}
	if _, err := runs.Start(RunInput{StepIDs: ids[1:], Confirmed: confirmAll(t, runs, ids)}); err == nil || !strings.Contains(err.Error(), "customer.region is not set") {
		t.Fatalf("ran with a variable missing: %v", err)
	}
}

// StepIDs finds a matrix selection's steps in one read.
func TestStepIDsOfMatrixCells(t *testing.T) {
	f, _, r, custs := runFleet(t, 3, "true")
	deploy, notes := stepsOf(t, f, r, "Deploy", custs), stepsOf(t, f, r, "Notes", custs)
	d := must[Detail](t)(f.rel.Get(r.ID))
	tpl := map[string]int64{}
	for _, x := range append(d.Deploy, d.Verify...) {
		tpl[x.Name] = x.ID
	}
	got := must[[]int64](t)(f.steps.StepIDs(CellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl["Deploy"]}, CustomerIDs: custs[1:]}))
	if !slices.Equal(got, deploy[1:]) {
		t.Fatalf("one row, two columns: %v, want %v", got, deploy[1:])
	}
	got = must[[]int64](t)(f.steps.StepIDs(CellsInput{ReleaseID: r.ID, TemplateIDs: []int64{tpl["Deploy"], tpl["Notes"]}, CustomerIDs: custs[:1]}))
	if !slices.Equal(got, []int64{deploy[0], notes[0]}) {
		t.Fatalf("two rows, one column: %v", got)
	}
	if _, err := f.steps.StepIDs(CellsInput{ReleaseID: r.ID, TemplateIDs: []int64{-1}, CustomerIDs: custs}); err == nil {
		t.Fatal("a negative template id was accepted")
	}
}
