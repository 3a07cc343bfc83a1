package release

import (
	"errors"
	"strings"
	"testing"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
)

// A held customer: bulk actions leave it alone and say so, its steps count
// apart in the release's, rows', clusters' and total figures, its own
// figures stay, and holding and releasing are in the history.
func TestHoldsKeepACustomerOutOfBulkAndFigures(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(2, 2) // c00-000, c00-001 on cluster-00; c01-000, c01-001 on cluster-01
	r := f.active("r", 2, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))

	res := must[HoldResult](t)(f.steps.Hold(HoldInput{ReleaseID: r.ID, CustomerIDs: custs[:1], Reason: "  waiting for their DBA "}))
	if res.Changed != 1 {
		t.Fatalf("hold %+v", res)
	}
	again := must[HoldResult](t)(f.steps.Hold(HoldInput{ReleaseID: r.ID, CustomerIDs: custs[:2], Reason: "x"}))
	if again.Changed != 1 || again.Why != "1 was on hold already" {
		t.Fatalf("hold again %+v", again)
	}
	must[HoldResult](t)(f.steps.Unhold(UnholdInput{ReleaseID: r.ID, CustomerIDs: custs[1:2]}))

	row := []int64{d.Deploy[0].ID}
	bulk := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs, Action: ActionDone}))
	if bulk.Changed != 3 || bulk.Held != 1 || !strings.Contains(bulk.Kept[len(bulk.Kept)-1].Why, "1 step is of customers on hold") {
		t.Fatalf("bulk %+v", bulk)
	}
	// One step of a held customer, confirmed by the operator, goes through.
	one := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs[:1], Action: ActionDone, IncludeHeld: true}))
	if one.Changed != 1 {
		t.Fatalf("confirmed step of a held customer %+v", one)
	}

	// Figures: the held customer's 2 steps (1 done) are apart everywhere.
	rel := must[Detail](t)(f.rel.Get(r.ID))
	p := rel.Release.Progress
	if p.Total != 6 || p.Done != 3 || p.Percent != 50 || p.HeldCustomers != 1 || p.HeldSteps != 2 {
		t.Fatalf("release progress %+v", p)
	}
	cl := rel.Clusters[0]
	if cl.Progress.Total != 2 || cl.Progress.Done != 1 || cl.Progress.HeldCustomers != 1 || cl.Customers[0].Hold == nil ||
		cl.Customers[0].Hold.Reason != "waiting for their DBA" || cl.Customers[0].Progress.Done != 1 {
		t.Fatalf("cluster %+v", cl)
	}
	m := must[Matrix](t)(f.steps.Matrix(r.ID, 0))
	if m.Total != p || m.Clusters[0].Counts != cl.Progress || m.RowCounts[0].Total != 3 || m.RowCounts[0].HeldSteps != 1 || m.Customers[0].HeldAt == nil {
		t.Fatalf("matrix total %+v, cluster %+v, row %+v", m.Total, m.Clusters[0].Counts, m.RowCounts[0])
	}
	if d := must[Detail](t)(f.rel.Get(r.ID)); d.Deploy[0].Progress != m.RowCounts[0] {
		t.Fatalf("template row %+v, matrix row %+v", d.Deploy[0].Progress, m.RowCounts[0])
	}

	act := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: r.ID, Kinds: []Kind{KindCustomers}}))
	var got []string
	for _, e := range act.Entries {
		got = append(got, e.Action+":"+e.CustomerName+":"+e.Note)
	}
	if want := "unhold:c00-001:,hold:c00-001:x,hold:c00-000:waiting for their DBA"; strings.Join(got, ",") != want {
		t.Fatalf("hold history %v\nwant %s", got, want)
	}

	// The releases list reads its figure in passes of its own (template
	// steps, steps without a template, held customers' steps): the same
	// figure, custom steps of a held and of a working customer included.
	for _, cu := range custs[:2] {
		must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: cu, Category: Deploy, Name: "warm", Type: "bash", Content: "x", Position: 1}))
	}
	withCustom := must[Detail](t)(f.rel.Get(r.ID))
	if withCustom.Release.Progress.Total != 7 || withCustom.Release.Progress.HeldSteps != 3 {
		t.Fatalf("release progress with custom steps %+v", withCustom.Release.Progress)
	}
	for _, l := range must[[]Release](t)(f.rel.List()) {
		if l.ID == r.ID && l.Progress != withCustom.Release.Progress {
			t.Fatalf("releases list %+v, release page %+v", l.Progress, withCustom.Release.Progress)
		}
	}
}

func TestHoldRefusalsChangeNothing(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 2)
	r := f.active("r", 1, 0)
	draft := f.release("d", 1, 0, Targets{Mode: "all"})
	before := testdb.Dump(t, f.st)
	for _, c := range []struct {
		name string
		err  error
		code problem.Code
		want string
	}{
		{"no reason", func() error {
			_, err := f.steps.Hold(HoldInput{ReleaseID: r.ID, CustomerIDs: custs, Reason: " "})
			return err
		}(), problem.CodeInvalid, "A reason for the hold is required."},
		{"not covered", func() error {
			_, err := f.steps.Hold(HoldInput{ReleaseID: r.ID, CustomerIDs: []int64{custs[0], 999}, Reason: "x"})
			return err
		}(), problem.CodeNotFound, "1 of the 2 customers are not part of release 'r'"},
		{"draft", func() error {
			_, err := f.steps.Hold(HoldInput{ReleaseID: draft.ID, CustomerIDs: custs, Reason: "x"})
			return err
		}(), problem.CodeState, "is a draft"},
		{"no customers", func() error { _, err := f.steps.Unhold(UnholdInput{ReleaseID: r.ID}); return err }(), problem.CodeInvalid, "Choose at least one customer"},
	} {
		var pe *problem.Error
		if !errors.As(c.err, &pe) || pe.Code != c.code || !strings.Contains(pe.Message, c.want) {
			t.Errorf("%s: %v", c.name, c.err)
		}
	}
	if testdb.Dump(t, f.st) != before {
		t.Fatal("a refused hold changed the database")
	}
}
