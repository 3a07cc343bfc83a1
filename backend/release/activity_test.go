package release

import (
	"strings"
	"testing"
	"time"
)

// Every change to a release reaches its activity log: the release's own,
// its templates', its customers' and its steps', newest first, with filters
// and pages.
func TestActivityLogRecordsEveryChange(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(2, 2)
	r := f.release("r", 2, 1, Targets{Mode: "all"})
	tick := func() { f.now = f.now.Add(time.Minute) }
	must[Release](t)(f.rel.Update(UpdateInput{ID: r.ID, Name: "r2", Type: Hotfix, VersionNumber: "2.0"}))
	tick()
	must[Release](t)(f.rel.Activate(r.ID))
	d := must[Detail](t)(f.rel.Get(r.ID))
	tick()
	must[TemplateChange](t)(f.rel.UpdateTemplate(UpdateTemplateInput{ID: d.Deploy[0].ID, Name: "d1", Type: Bash, Content: "echo edited"}))
	noErr(t, f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: []int64{d.Deploy[1].ID, d.Deploy[0].ID}}))
	res := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{d.Deploy[1].ID}, CustomerIDs: custs, Action: ActionSkip, Note: "not needed here"}))
	must[TemplateDeletion](t)(f.rel.DeleteTemplate(d.Verify[0].ID))
	tick()
	must[Release](t)(f.rel.Archive(r.ID))

	page := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: r.ID}))
	var got []string
	for _, e := range page.Entries {
		got = append(got, e.Action)
	}
	want := "archive,template-delete,skip,skip,skip,skip,reorder,template-edit,activate,release-edit"
	if strings.Join(got, ",") != want {
		t.Fatalf("activity %v\nwant %s", got, want)
	}
	if edit := page.Entries[len(page.Entries)-1]; !strings.Contains(edit.Detail, `"name":["r","r2"]`) || edit.CustomerID != nil {
		t.Errorf("release edit %+v", edit)
	}
	if te := page.Entries[7]; te.ContentAfter != "echo edited" || !strings.Contains(te.Detail, `"propagated":4`) {
		t.Errorf("template edit %+v", te)
	}
	// Filters: a kind, a customer, a search in reasons, an actor.
	for _, c := range []struct {
		q    ActivityQuery
		want int
	}{
		{ActivityQuery{Kinds: []Kind{KindTemplates}}, 3},
		{ActivityQuery{Kinds: []Kind{KindStatus}, CustomerID: custs[0]}, 1},
		{ActivityQuery{Search: "NOT NEEDED"}, 4},
		{ActivityQuery{Actor: "nobody"}, 0},
		{ActivityQuery{Kinds: []Kind{KindRelease}}, 3},
	} {
		c.q.ReleaseID = r.ID
		if p := must[ActivityPage](t)(f.steps.Activity(c.q)); len(p.Entries) != c.want {
			t.Errorf("%+v: %d entries, want %d", c.q, len(p.Entries), c.want)
		}
	}
	// Pages of 3 cover the log once, in order.
	var ids []int64
	for before := int64(0); ; {
		p := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: r.ID, Before: before, Limit: 3}))
		for _, e := range p.Entries {
			ids = append(ids, e.ID)
		}
		if p.Next == 0 {
			break
		}
		before = p.Next
	}
	if len(ids) != len(page.Entries) {
		t.Fatalf("paged %d entries, want %d", len(ids), len(page.Entries))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			t.Fatalf("pages out of order: %v", ids)
		}
	}
	if res.HistoryTo-res.HistoryFrom != 3 {
		t.Fatalf("bulk history range %d..%d", res.HistoryFrom, res.HistoryTo)
	}
	if _, err := f.steps.Activity(ActivityQuery{ReleaseID: r.ID, Kinds: []Kind{"gossip"}}); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

// A step's timeline shows the template edits that reached it, and not those
// made while it was done or overridden.
func TestStepTimelineShowsTheTemplateEditsThatReachedIt(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 2)
	r := f.active("r", 1, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	tid := d.Deploy[0].ID
	edit := func(content string) {
		f.now = f.now.Add(time.Minute)
		must[TemplateChange](t)(f.rel.UpdateTemplate(UpdateTemplateInput{ID: tid, Name: "d1", Type: Bash, Content: content}))
	}
	edit("v2") // reaches both
	a := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, tid, custs[0]))
	must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: a.Step.ID}))
	edit("v3") // reaches only the second customer's step
	b := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, tid, custs[1]))
	must[Step](t)(f.steps.Override(OverrideInput{StepID: b.Step.ID, Content: "mine"}))
	edit("v4") // reaches neither

	actions := func(c int64) string {
		det := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, tid, c))
		var out []string
		for _, h := range det.History {
			out = append(out, h.Action+":"+h.ContentAfter)
		}
		return strings.Join(out, ",")
	}
	if got := actions(custs[0]); got != "done:,template-edit:v2" {
		t.Errorf("done step: %s", got)
	}
	if got := actions(custs[1]); got != "override:mine,template-edit:v3,template-edit:v2" {
		t.Errorf("overridden step: %s", got)
	}
}

// Undo takes back a quick or bulk change: the steps go back to the state
// they left, with who and when of the change before, and both changes stay
// in the history. Steps changed again since are left alone.
func TestUndoTakesBackAChange(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 3)
	r := f.active("r", 2, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	row := []int64{d.Deploy[0].ID}
	done := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs, Action: ActionDone}))
	// The third customer's step is reverted before the undo: it stays.
	third := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, row[0], custs[2]))
	must[Step](t)(f.steps.Revert(TransitionInput{StepID: third.Step.ID}))
	res := must[BulkResult](t)(f.steps.Undo(UndoInput{ReleaseID: r.ID, From: done.HistoryFrom, To: done.HistoryTo}))
	if res.Changed != 2 || res.Unchanged != 1 || len(res.Kept) != 1 {
		t.Fatalf("undo %+v", res)
	}
	for i, want := range []Status{Pending, Pending, Reverted} {
		st := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, row[0], custs[i])).Step
		if st.Status != want || (want == Pending && (st.ExecutedBy != "" || st.ExecutedAt != nil)) {
			t.Errorf("customer %d: %+v", i, st)
		}
	}
	// An undo is a change of its own: undoing it again is refused.
	if again := must[BulkResult](t)(f.steps.Undo(UndoInput{ReleaseID: r.ID, From: done.HistoryFrom, To: done.HistoryTo})); again.Changed != 0 {
		t.Fatalf("undid twice: %+v", again)
	}

	// Skipped an hour ago, set back to pending by mistake, undone: skipped
	// again, with its reason, who and when.
	second := []int64{d.Deploy[1].ID}
	skippedAt := f.now
	must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: second, CustomerIDs: custs[:1], Action: ActionSkip, Note: "later"}))
	f.now = f.now.Add(time.Hour)
	slip := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: second, CustomerIDs: custs[:1], Action: ActionPending}))
	must[BulkResult](t)(f.steps.Undo(UndoInput{ReleaseID: r.ID, From: slip.HistoryFrom, To: slip.HistoryTo}))
	st := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, second[0], custs[0]))
	if st.Step.Status != Skipped || st.Step.SkipReason != "later" || st.Step.ExecutedAt == nil || *st.Step.ExecutedAt != skippedAt.Unix() {
		t.Fatalf("after the undo: %+v", st.Step)
	}
	if got := st.History[0]; got.Action != EventUndo || got.FromStatus != "pending" || got.ToStatus != "skipped" {
		t.Fatalf("undo history %+v", got)
	}
	if _, err := f.steps.Undo(UndoInput{ReleaseID: r.ID, From: 0, To: 0}); err == nil {
		t.Fatal("an empty undo was accepted")
	}
}

func TestEveryHistoryActionHasOneKind(t *testing.T) {
	seen := map[string]Kind{}
	for k, actions := range kindActions {
		for _, a := range actions {
			if prev, dup := seen[a]; dup {
				t.Fatalf("action %q is in kinds %q and %q", a, prev, k)
			}
			seen[a] = k
			if got := kindOf(a); got != k {
				t.Errorf("kindOf(%q) = %q, want %q", a, got, k)
			}
		}
	}
	for _, a := range []string{HistoryOverride, HistoryReset, HistoryAdd, HistoryEdit, HistoryDelete, EventReleaseEdit, EventActivate, EventArchive,
		EventCustomersAdd, EventTemplateAdd, EventTemplateEdit, EventTemplateDelete, EventReorder, EventHold, EventUnhold, EventUndo, EventRun, EventTemplatesImport} {
		if _, ok := seen[a]; !ok {
			t.Errorf("history action %q falls under no kind of change: the activity log could not filter it", a)
		}
	}
}

func TestOneStepChangeCanBeUndone(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 1)
	r := f.active("r", 1, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	st := must[StepDetail](t)(f.steps.StepDetailAt(r.ID, d.Deploy[0].ID, custs[0])).Step
	done := must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: st.ID, Note: "ok"}))
	if done.Status != Done || done.Change == 0 {
		t.Fatalf("mark done returned %+v", done)
	}
	res := must[BulkResult](t)(f.steps.Undo(UndoInput{ReleaseID: r.ID, From: done.Change, To: done.Change}))
	if res.Changed != 1 {
		t.Fatalf("undo %+v", res)
	}
	if got := must[StepDetail](t)(f.steps.StepDetail(st.ID)).Step; got.Status != Pending || got.ExecutedAt != nil {
		t.Fatalf("after undo: %+v", got)
	}
}

// A custom step added to the template is a change to the plan: the log
// shows the template step added, with the customer it came from.
func TestCustomStepAddedToTemplateIsATemplateEvent(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 2)
	r := f.active("r", 1, 0)
	must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: "warm", Type: "bash", Content: "x", Position: 1, AddToTemplate: true}))
	page := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: r.ID, Kinds: []Kind{KindTemplates}}))
	if len(page.Entries) != 1 || page.Entries[0].Action != EventTemplateAdd || page.Entries[0].StepName != "warm" || page.Entries[0].CustomerID == nil || *page.Entries[0].CustomerID != custs[0] {
		t.Fatalf("template events %+v", page.Entries)
	}
}

func TestImportTemplatesIntoADraft(t *testing.T) {
	f := newFixture(t)
	f.fleet(1, 1)
	draft := f.release("d", 2, 1, Targets{Mode: "all"})
	steps := []TemplateInput{tpl(Deploy, "from-file-1"), tpl(Verify, "from-file-2")}
	res := must[ImportTemplatesResult](t)(f.rel.ImportTemplates(ImportTemplatesInput{ReleaseID: draft.ID, Templates: steps, Source: "rb.yaml"}))
	d := must[Detail](t)(f.rel.Get(draft.ID))
	if res.Added != 2 || res.Removed != 0 || len(d.Deploy) != 3 || d.Deploy[2].Name != "from-file-1" || len(d.Verify) != 2 {
		t.Fatalf("append: %+v, %d deploy %d verify", res, len(d.Deploy), len(d.Verify))
	}
	res = must[ImportTemplatesResult](t)(f.rel.ImportTemplates(ImportTemplatesInput{ReleaseID: draft.ID, Replace: true, Templates: steps}))
	d = must[Detail](t)(f.rel.Get(draft.ID))
	if res.Removed != 5 || len(d.Deploy) != 1 || len(d.Verify) != 1 {
		t.Fatalf("replace: %+v, %+v", res, d)
	}
	page := must[ActivityPage](t)(f.steps.Activity(ActivityQuery{ReleaseID: draft.ID, Kinds: []Kind{KindTemplates}}))
	if len(page.Entries) != 2 || page.Entries[0].Action != EventTemplatesImport {
		t.Fatalf("history %+v", page.Entries)
	}
	// Refusals change nothing.
	active := f.active("a", 1, 0)
	before := must[Detail](t)(f.rel.Get(active.ID))
	for _, in := range []ImportTemplatesInput{
		{ReleaseID: active.ID, Templates: steps},
		{ReleaseID: draft.ID, Templates: []TemplateInput{{Name: "x", Category: Deploy, Type: "perl", Content: "1"}}},
		{ReleaseID: draft.ID},
	} {
		if _, err := f.rel.ImportTemplates(in); err == nil {
			t.Errorf("import %+v was not refused", in)
		}
	}
	if after := must[Detail](t)(f.rel.Get(active.ID)); len(after.Deploy) != len(before.Deploy) {
		t.Fatal("a refused import changed an active release")
	}
	if d2 := must[Detail](t)(f.rel.Get(draft.ID)); len(d2.Deploy) != 1 {
		t.Fatal("a refused import changed the draft")
	}
}

// The step panel opens at once on a step with years of history: the
// newest entries, and how many there are.
func TestStepDetailBoundsItsHistory(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 1)
	r := f.active("r", 1, 0)
	d := must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0]))
	step := d.Deploy[0]
	f.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
		INSERT INTO step_history (step_id, release_id, customer_id, template_id, step_name, action, from_status, to_status, actor, source, created_at)
		SELECT ?, ?, ?, ?, 'x', CASE i % 2 WHEN 1 THEN 'done' ELSE 'pending' END, 'pending', 'done', 'ops', 'app', 1000 + i FROM n`,
		step.ID, r.ID, custs[0], step.TemplateID)
	got := must[StepDetail](t)(f.steps.StepDetail(step.ID))
	if len(got.History) != maxTimeline || got.HistoryTotal < 5000 {
		t.Fatalf("%d entries of %d", len(got.History), got.HistoryTotal)
	}
	if got.History[0].ID < got.History[len(got.History)-1].ID {
		t.Fatal("not newest first")
	}
}
