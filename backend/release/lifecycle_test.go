package release

import (
	"reflect"
	"testing"
)

func TestTargetsDecideWhoIsCovered(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(3, 2) // cluster ids 1..3, customers 1..6
	f.exec("UPDATE customers SET is_active = false WHERE id = ?", custs[5])
	cases := []struct {
		name    string
		targets Targets
		want    int
	}{
		{"all active customers", Targets{Mode: "all"}, 5},
		{"one cluster", Targets{Mode: "selected", ClusterIDs: []int64{1}}, 2},
		{"cluster with an archived customer", Targets{Mode: "selected", ClusterIDs: []int64{3}}, 1},
		{"customers", Targets{Mode: "selected", CustomerIDs: []int64{custs[0], custs[3]}}, 2},
		{"cluster and customer overlap", Targets{Mode: "selected", ClusterIDs: []int64{1}, CustomerIDs: []int64{custs[0], custs[2]}}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.release(c.name, 2, 1, c.targets)
			p := must[Preview](t)(f.rel.ActivationPreview(r.ID))
			if p.CustomerCount != c.want || p.StepCount != 3*c.want {
				t.Fatalf("preview %+v, want %d customers", p, c.want)
			}
			a := must[Release](t)(f.rel.Activate(r.ID))
			if a.CustomerCount != c.want || a.Progress.Total != 3*c.want || a.Progress.Percent != 0 {
				t.Fatalf("activated %+v", a)
			}
		})
	}
}

func TestReleaseLifecycle(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(2, 2)
	r := f.release("2026.12", 2, 1, Targets{Mode: "selected", ClusterIDs: []int64{1}})
	if r.Status != Draft || r.TemplateCount != 3 || r.Targets.Mode != "selected" || !reflect.DeepEqual(r.Targets.ClusterIDs, []int64{1}) {
		t.Fatalf("created %+v", r)
	}
	// Draft edits: details and targets.
	date := int64(1796000000)
	r = must[Release](t)(f.rel.Update(UpdateInput{ID: r.ID, Name: "2026.12 final", Type: "hotfix", VersionNumber: "2026.12.1", ReleaseDate: &date, Targets: &Targets{Mode: "all"}}))
	if r.Name != "2026.12 final" || r.Type != "hotfix" || *r.ReleaseDate != date || r.Targets.Mode != "all" {
		t.Fatalf("updated %+v", r)
	}
	// Templates on a draft: add at the front, reorder, delete.
	zero := 0
	first := must[Template](t)(f.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "d0", Category: Deploy, Type: "sql", Content: "select 1", Position: &zero}))
	d := must[Detail](t)(f.rel.Get(r.ID))
	if d.Deploy[0].ID != first.ID || len(d.Deploy) != 3 {
		t.Fatalf("deploy after add: %+v", d.Deploy)
	}
	r = must[Release](t)(f.rel.Activate(r.ID))
	if r.CustomerCount != 4 || r.Progress.Total != 16 {
		t.Fatalf("activated %+v", r)
	}
	// Activation says the figures it made without counting them: the same
	// release as one read afterwards.
	if again := must[Detail](t)(f.rel.Get(r.ID)).Release; !reflect.DeepEqual(again, r) {
		t.Fatalf("activation returned\n%+v\nread afterwards\n%+v", r, again)
	}
	// A new customer joins later.
	late := f.customer(2, "late")
	addable := must[[]CustomerRef](t)(f.rel.AddableCustomers(r.ID))
	if len(addable) != 1 || addable[0].ID != late {
		t.Fatalf("addable %+v", addable)
	}
	r = must[Release](t)(f.rel.AddCustomers(AddCustomersInput{ReleaseID: r.ID, CustomerIDs: []int64{late}}))
	if r.CustomerCount != 5 || r.Progress.Total != 20 {
		t.Fatalf("after add %+v", r)
	}
	// Work one customer: done, revert, done again; skip and back.
	cs := must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0]))
	s := cs.Deploy[0]
	s = must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: s.ID, Note: "ran at 10:02"}))
	if s.Status != Done || s.ExecutedAt == nil || s.ExecutedBy == "" || s.Notes != "ran at 10:02" {
		t.Fatalf("done %+v", s)
	}
	s = must[Step](t)(f.steps.Revert(TransitionInput{StepID: s.ID, Note: "wrong tenant"}))
	s = must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: s.ID}))
	k := must[Step](t)(f.steps.Skip(TransitionInput{StepID: cs.Deploy[1].ID, Note: "not needed here"}))
	if k.SkipReason != "not needed here" {
		t.Fatalf("skip %+v", k)
	}
	k = must[Step](t)(f.steps.SetPending(TransitionInput{StepID: k.ID}))
	if k.SkipReason != "" || k.ExecutedAt != nil {
		t.Fatalf("back to pending %+v", k)
	}
	det := must[StepDetail](t)(f.steps.StepDetail(s.ID))
	var trail []string
	for _, h := range det.History {
		trail = append(trail, h.FromStatus+">"+h.ToStatus)
	}
	if !reflect.DeepEqual(trail, []string{"reverted>done", "done>reverted", "pending>done"}) {
		t.Fatalf("history %v", trail)
	}
	if !reflect.DeepEqual(det.Actions, []string{string(ActionRevert)}) || det.Step.Source != SourceTemplate || det.Customer.ClusterName == "" {
		t.Fatalf("detail actions %v source %s", det.Actions, det.Step.Source)
	}
	at := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, *s.TemplateID, custs[0]))
	if at.Step.ID != s.ID {
		t.Fatalf("detail at cell: %d, want %d", at.Step.ID, s.ID)
	}
	// Custom step: add, edit, delete.
	c := must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Verify, Name: "extra", Type: "text", Content: "look", Position: 1}))
	c = must[Step](t)(f.steps.EditCustom(CustomStepEdit{StepID: c.ID, Name: "extra check", Type: "sql", Content: "select 1"}))
	if c.Name != "extra check" || c.Source != SourceCustom {
		t.Fatalf("edited %+v", c)
	}
	if err := f.steps.DeleteCustom(c.ID); err != nil {
		t.Fatal(err)
	}
	// Bulk by ids: one already done is left unchanged.
	cs = must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0]))
	var ids []int64
	for _, st := range append(cs.Deploy, cs.Verify...) {
		ids = append(ids, st.ID)
	}
	res := must[BulkResult](t)(ChangeSteps(f.st, ids, ActionDone, ""))
	if res.Changed != 3 || res.Unchanged != 1 {
		t.Fatalf("bulk %+v", res)
	}
	cs = must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0]))
	if cs.Progress.Percent != 100 || cs.Progress.Done != 4 {
		t.Fatalf("customer progress %+v", cs.Progress)
	}
	// Progress per cluster and release, and the matrix with a cluster filter.
	d = must[Detail](t)(f.rel.Get(r.ID))
	if len(d.Clusters) != 2 || d.Clusters[0].Progress.Done != 4 || d.Release.Progress.Percent != 20 {
		t.Fatalf("progress %+v / %+v", d.Clusters[0].Progress, d.Release.Progress)
	}
	m := must[Matrix](t)(f.steps.Matrix(r.ID, 2))
	if len(m.Customers) != 3 || len(m.Clusters) != 1 || m.Clusters[0].Name != "cluster-01" {
		t.Fatalf("filtered matrix %+v", m.Clusters)
	}
	// Clone, then archive: read-only.
	cl := must[Release](t)(f.rel.Clone(CloneInput{ID: r.ID, Name: " 2027.01 ", VersionNumber: "2027.01.0"}))
	if cl.Name != "2027.01" || cl.VersionNumber != "2027.01.0" || cl.Status != Draft || cl.TemplateCount != 4 || cl.Progress.Total != 0 {
		t.Fatalf("clone %+v", cl)
	}
	if _, err := f.rel.Clone(CloneInput{ID: r.ID, Name: "  "}); err == nil || err.Error() != "Release name is required." {
		t.Fatalf("a clone without a name: %v", err)
	}
	r = must[Release](t)(f.rel.Archive(r.ID))
	if r.Status != Archived {
		t.Fatalf("archive %+v", r)
	}
	det = must[StepDetail](t)(f.steps.StepDetail(s.ID))
	if len(det.Actions) != 0 {
		t.Fatalf("archived step offers %v", det.Actions)
	}
	list := must[[]Release](t)(f.rel.List())
	if len(list) != 2 || list[0].ID != cl.ID {
		t.Fatalf("list newest first: %+v", list)
	}
}

// A draft written by another program may already hold steps (Shipdeck's
// own drafts never do): activation then counts its figures instead of
// taking them from the rows it made.
func TestActivatingADraftThatHoldsStepsCountsThem(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 2)
	r := f.release("2026.12", 2, 0, Targets{Mode: "all"})
	f.exec(`INSERT INTO customer_steps (release_id, customer_id, name, category, type, content, order_index, status, is_custom)
		VALUES (?, ?, 'left by another program', 'deploy', 'text', '', 99999, 'done', true)`, r.ID, custs[0])
	r = must[Release](t)(f.rel.Activate(r.ID))
	if r.Progress.Total != 5 || r.Progress.Done != 1 {
		t.Fatalf("activated %+v", r.Progress)
	}
	if again := must[Detail](t)(f.rel.Get(r.ID)).Release; !reflect.DeepEqual(again, r) {
		t.Fatalf("activation returned\n%+v\nread afterwards\n%+v", r, again)
	}
}
