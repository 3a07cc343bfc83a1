package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// Team mode: several operators (each a store of its own, as each app or
// command is) on one PostgreSQL database. These run on PostgreSQL in both
// passes of the suite.

// operator opens another store on the fixture's team database.
func (f *fixture) operator() (*store.Store, *Steps) {
	f.t.Helper()
	st := store.New(func() time.Time { return f.now })
	if err := st.OpenTeam(context.Background(), f.st.Team()); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	return st, NewSteps(st)
}

// Two operators mark the same step done at the same moment: one wins, the
// other is told plainly that it is done already, and the step has one
// history row for it.
func TestTeamOperatorsOnTheSameStep(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	f.fleet(1, 2)
	r := f.active("r", 2, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	m := must[Matrix](t)(f.steps.Matrix(r.ID, 0))
	_, other := f.operator()
	ids := must[[]int64](t)(f.steps.StepIDs(CellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[0].ID}, CustomerIDs: []int64{m.Customers[0].ID}}))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range []*Steps{f.steps, other} {
		wg.Go(func() { _, errs[i] = s.MarkDone(TransitionInput{StepID: ids[0]}) })
	}
	wg.Wait()
	won, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, problem.ErrState):
			refused++
			if want := "it is done"; !strings.Contains(err.Error(), want) {
				t.Errorf("refusal %q does not say %q", err, want)
			}
		default:
			t.Errorf("not a plain refusal: %v", err)
		}
	}
	if won != 1 || refused != 1 {
		t.Fatalf("%d won, %d refused: %v", won, refused, errs)
	}
	if msg := checkInvariants(f, []int64{r.ID}, 1); msg != "" {
		t.Fatal(msg)
	}
}

// Four operators run bulk actions over the same cells at once: every step
// changes once, each operator is told what it changed and what it found
// done already, and the record is whole.
func TestTeamBulkActionsSerialise(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	custs := f.fleet(4, 5)
	r := f.active("r", 6, 2)
	d := must[Detail](t)(f.rel.Get(r.ID))
	var tpls []int64
	for _, tp := range append(d.Deploy, d.Verify...) {
		tpls = append(tpls, tp.ID)
	}
	ops := []*Steps{f.steps}
	for range 3 {
		_, s := f.operator()
		ops = append(ops, s)
	}
	var changed atomic.Int64
	var wg sync.WaitGroup
	for i, s := range ops {
		wg.Go(func() {
			res, err := s.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: tpls, CustomerIDs: custs, Action: ActionDone})
			if err != nil {
				t.Errorf("operator %d: %v", i, err)
				return
			}
			if res.Changed+res.Unchanged != len(tpls)*len(custs) {
				t.Errorf("operator %d: %+v does not account for every step", i, res)
			}
			changed.Add(int64(res.Changed))
		})
	}
	wg.Wait()
	if n := int(changed.Load()); n != len(tpls)*len(custs) {
		t.Fatalf("%d changes for %d steps", n, len(tpls)*len(custs))
	}
	if msg := checkInvariants(f, []int64{r.ID}, len(tpls)*len(custs)); msg != "" {
		t.Fatal(msg)
	}
}

// A window sees another operator's change within a second; its own
// changes do not come back to it as someone else's.
func TestTeamWindowsSeeEachOthersChanges(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	custs := f.fleet(1, 2)
	r := f.active("r", 2, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	otherStore, other := f.operator()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mine, theirs := make(chan struct{}, 16), make(chan struct{}, 16)
	var online atomic.Bool
	online.Store(true)
	go func() { _ = f.st.WatchOnline(ctx, time.Second, func() { mine <- struct{}{} }, online.Store) }()
	go func() { _ = otherStore.Watch(ctx, time.Second, func() { theirs <- struct{}{} }) }()
	time.Sleep(300 * time.Millisecond) // both LISTENing

	start := time.Now()
	must[BulkResult](t)(other.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[0].ID}, CustomerIDs: custs, Action: ActionDone}))
	select {
	case <-mine:
		t.Logf("seen after %v", time.Since(start))
	case <-time.After(time.Second):
		t.Fatal("the other operator's change was not seen within 1 s")
	}
	select {
	case <-theirs:
		t.Fatal("the operator's own change came back as another's")
	case <-time.After(300 * time.Millisecond):
	}
	if !online.Load() {
		t.Fatal("reported offline")
	}
}

// Each operator of a team database writes as themself, whatever the shared
// settings hold, and the activity log filters by operator.
func TestTeamHistoryNamesEachOperator(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	custs := f.fleet(1, 2)
	r := f.active("r", 1, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	f.exec(`INSERT INTO settings (key, value) VALUES ('operator_name', 'whoever saved last')`)
	f.st.SetOperator("Ana")
	otherStore, other := f.operator()
	otherStore.SetOperator("Ben")
	must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[0].ID}, CustomerIDs: custs[:1], Action: ActionDone}))
	must[BulkResult](t)(other.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[0].ID}, CustomerIDs: custs[1:], Action: ActionSkip, Note: "later"}))
	for _, c := range []struct {
		actor string
		want  Action
	}{{"Ana", ActionDone}, {"Ben", ActionSkip}} {
		p := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: r.ID, Actor: c.actor}))
		if len(p.Entries) != 1 || string(p.Entries[0].Action) != string(c.want) || p.Entries[0].Actor != c.actor {
			t.Errorf("%s's activity: %+v", c.actor, p.Entries)
		}
		if !slices.Contains(p.Actors, c.actor) {
			t.Errorf("the filter does not offer %s: %v", c.actor, p.Actors)
		}
	}
}

// After a crash, a window on a team database marks interrupted only the
// runs its machine started (its pid file lists them): another operator's
// run, going on on their machine, is left running.
func TestTeamRecoveryLeavesOthersRunsAlone(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	custs := f.fleet(1, 2)
	r := f.active("r", 1, 0)
	for i, who := range []string{"Ana", "Ben"} {
		f.exec(`INSERT INTO step_runs (release_id, customer_id, step_name, script, started_at, outcome, actor) VALUES (?, ?, 'd1', 'true', 1, 'running', ?)`, r.ID, custs[i], who)
	}
	var ids []int64
	db, _ := f.st.DB()
	noErr(t, db.NewRaw(`SELECT id FROM step_runs ORDER BY id`).Scan(context.Background(), &ids))
	runs := NewRuns(f.st, f.steps)
	runs.PidFile = filepath.Join(t.TempDir(), "runs.pids")
	// Ana's machine: a pid file of another boot (the machine restarted).
	noErr(t, os.WriteFile(runs.PidFile, fmt.Appendf(nil, "another-boot\n%d 999999\n", ids[0]), 0o600))
	n, err := RecoverRuns(runs)
	if err != nil || n != 1 {
		t.Fatalf("recovered %d: %v", n, err)
	}
	var outcomes []string
	noErr(t, db.NewRaw(`SELECT outcome FROM step_runs ORDER BY id`).Scan(context.Background(), &outcomes))
	if outcomes[0] != RunInterrupted || outcomes[1] != RunRunning {
		t.Fatalf("outcomes %v", outcomes)
	}
}

// A crash between a run's row and its script's start (the row committed,
// no process yet) leaves a run this machine still knows for its own: the
// pid file lists it from before the commit, and recovery on a team
// database marks it interrupted.
func TestTeamRecoveryFindsARunCutOffBeforeItsScript(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	custs := f.fleet(1, 1)
	r := f.active("r", 1, 0)
	db, _ := f.st.DB()
	var step int64
	noErr(t, db.NewRaw(`SELECT id FROM customer_steps`).Scan(context.Background(), &step))
	runs := NewRuns(f.st, f.steps)
	runs.PidFile = filepath.Join(t.TempDir(), "runs.pids")
	id, err := runs.recordStart(RunTarget{StepID: step, StepName: "d1", CustomerID: custs[0], script: "true", releaseID: r.ID}, "Ana", f.now)
	if err != nil {
		t.Fatal(err)
	}
	// The crash: this Runs is gone without ending the run; the next start
	// has a new one reading the same pid file.
	next := NewRuns(f.st, f.steps)
	next.PidFile = runs.PidFile
	n, err := RecoverRuns(next)
	if err != nil || n != 1 {
		t.Fatalf("recovered %d: %v", n, err)
	}
	var outcome string
	noErr(t, db.NewRaw(`SELECT outcome FROM step_runs WHERE id = ?`, id).Scan(context.Background(), &outcome))
	if outcome != RunInterrupted {
		t.Fatalf("outcome %q", outcome)
	}
}
