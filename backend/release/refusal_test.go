package release

import (
	"errors"
	"strings"
	"testing"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
)

// dump renders every row of every table, so a test can prove that a refused
// action changed nothing at all.
func dump(t testing.TB, f *fixture) string { return testdb.Dump(t, f.st) }

func expectProblem(t *testing.T, err error, code problem.Code, contains string) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("want a %s problem containing %q, got %v", code, contains, err)
	}
	if pe.Code != code || !strings.Contains(pe.Message, contains) {
		t.Fatalf("want %s %q, got %s %q", code, contains, pe.Code, pe.Message)
	}
	if strings.Contains(pe.Message, "SQL") || strings.Contains(pe.Message, "constraint") {
		t.Fatalf("message leaks the driver: %q", pe.Message)
	}
}

// TestRefusalsChangeNothing calls every mutating method with input or state
// it must refuse, checks the plain sentence and that no row changed.
func TestRefusalsChangeNothing(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(2, 2)
	r := f.active("live", 2, 1)
	draft := f.release("draft", 1, 0, Targets{Mode: "all"})
	empty := must[Release](t)(f.rel.Create(Input{Name: "empty", Type: "hotfix"}))
	old := f.active("old", 1, 1)
	must[Release](t)(f.rel.Archive(old.ID))
	d := must[Detail](t)(f.rel.Get(r.ID))
	cs := must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0]))
	pending, second := cs.Deploy[0], cs.Deploy[1]
	done := must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: second.ID}))
	oldSteps := must[CustomerSteps](t)(f.steps.CustomerSteps(old.ID, custs[0]))
	custom := must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: "c", Type: "text", Content: "c", Position: 0}))
	must[Step](t)(f.steps.MarkDone(TransitionInput{StepID: custom.ID}))
	pos := func(n int) *int { return &n }
	long := strings.Repeat("x", 101)
	otherCluster := f.cluster("spare")
	archivedCustomer := f.customer(otherCluster, "gone")
	f.exec("UPDATE customers SET is_active = false WHERE id = ?", archivedCustomer)

	cases := []struct {
		name     string
		call     func() error
		code     problem.Code
		contains string
	}{
		{"create: blank name", func() error { _, err := f.rel.Create(Input{Name: "  ", Type: "release"}); return err }, problem.CodeInvalid, "Release name is required."},
		{"create: long name", func() error { _, err := f.rel.Create(Input{Name: long, Type: "release"}); return err }, problem.CodeInvalid, "at most 100"},
		{"create: NUL in name", func() error { _, err := f.rel.Create(Input{Name: "a\x00b", Type: "release"}); return err }, problem.CodeInvalid, "control character"},
		{"create: bad UTF-8", func() error { _, err := f.rel.Create(Input{Name: "a\xffb", Type: "release"}); return err }, problem.CodeInvalid, "not valid text"},
		{"create: bad type", func() error { _, err := f.rel.Create(Input{Name: "x", Type: "major"}); return err }, problem.CodeInvalid, "Release type must be one of"},
		{"create: bad targets", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Targets: Targets{Mode: "selected"}})
			return err
		}, problem.CodeInvalid, "at least one cluster or customer"},
		{"create: unknown customer target", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Targets: Targets{Mode: "selected", CustomerIDs: []int64{999}}})
			return err
		}, problem.CodeNotFound, "999 does not exist"},
		{"create: archived customer target", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Targets: Targets{Mode: "selected", CustomerIDs: []int64{archivedCustomer}}})
			return err
		}, problem.CodeState, "is archived"},
		{"create: duplicate target ids", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Targets: Targets{Mode: "selected", CustomerIDs: []int64{custs[0], custs[0]}}})
			return err
		}, problem.CodeInvalid, "twice"},
		{"create: empty step content", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Templates: []TemplateInput{{Name: "s", Category: Deploy, Type: "bash", Content: "  "}}})
			return err
		}, problem.CodeInvalid, "Step content is required."},
		{"create: 5 MB content", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", Templates: []TemplateInput{{Name: "s", Category: Deploy, Type: "bash", Content: strings.Repeat("a", 5<<20)}}})
			return err
		}, problem.CodeInvalid, "too large"},
		{"create: copy from unknown release", func() error {
			_, err := f.rel.Create(Input{Name: "x", Type: "release", CopyTemplatesFrom: 999})
			return err
		}, problem.CodeNotFound, "Release 999 does not exist."},
		{"update: unknown id", func() error { _, err := f.rel.Update(UpdateInput{ID: 999, Name: "x", Type: "release"}); return err }, problem.CodeNotFound, "does not exist"},
		{"update: zero id", func() error { _, err := f.rel.Update(UpdateInput{ID: 0, Name: "x", Type: "release"}); return err }, problem.CodeInvalid, "positive"},
		{"update: archived", func() error { _, err := f.rel.Update(UpdateInput{ID: old.ID, Name: "x", Type: "release"}); return err }, problem.CodeState, "archived"},
		{"update: targets of active", func() error {
			_, err := f.rel.Update(UpdateInput{ID: r.ID, Name: "x", Type: "release", Targets: &Targets{Mode: "all"}})
			return err
		}, problem.CodeState, "already active"},
		{"activate: active", func() error { _, err := f.rel.Activate(r.ID); return err }, problem.CodeState, "only a draft"},
		{"activate: no steps", func() error { _, err := f.rel.Activate(empty.ID); return err }, problem.CodeState, "has no steps"},
		{"activate: negative id", func() error { _, err := f.rel.Activate(-3); return err }, problem.CodeInvalid, "positive"},
		{"archive: archived", func() error { _, err := f.rel.Archive(old.ID); return err }, problem.CodeState, "already archived"},
		{"add customers: draft", func() error {
			_, err := f.rel.AddCustomers(AddCustomersInput{ReleaseID: draft.ID, CustomerIDs: []int64{custs[0]}})
			return err
		}, problem.CodeState, "is a draft"},
		{"add customers: already in", func() error {
			_, err := f.rel.AddCustomers(AddCustomersInput{ReleaseID: r.ID, CustomerIDs: []int64{custs[1]}})
			return err
		}, problem.CodeConflict, "already part of"},
		{"add customers: archived release", func() error {
			_, err := f.rel.AddCustomers(AddCustomersInput{ReleaseID: old.ID, CustomerIDs: []int64{custs[0]}})
			return err
		}, problem.CodeState, "archived"},
		{"add customers: archived customer", func() error {
			_, err := f.rel.AddCustomers(AddCustomersInput{ReleaseID: r.ID, CustomerIDs: []int64{archivedCustomer}})
			return err
		}, problem.CodeState, "archived"},
		{"add template: position out of range", func() error {
			_, err := f.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "t", Category: Deploy, Type: "bash", Content: "x", Position: pos(3)})
			return err
		}, problem.CodeInvalid, "between 0 and 2"},
		{"add template: negative position", func() error {
			_, err := f.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "t", Category: Deploy, Type: "bash", Content: "x", Position: pos(-1)})
			return err
		}, problem.CodeInvalid, "out of range"},
		{"add template: bad category", func() error {
			_, err := f.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "t", Category: "cleanup", Type: "bash", Content: "x"})
			return err
		}, problem.CodeInvalid, "Category must be one of"},
		{"add template: archived", func() error {
			_, err := f.rel.AddTemplate(AddTemplateInput{ReleaseID: old.ID, Name: "t", Category: Deploy, Type: "bash", Content: "x"})
			return err
		}, problem.CodeState, "archived"},
		{"update template: unknown", func() error {
			_, err := f.rel.UpdateTemplate(UpdateTemplateInput{ID: 999, Name: "t", Type: "bash", Content: "x"})
			return err
		}, problem.CodeNotFound, "does not exist"},
		{"update template: bad type", func() error {
			_, err := f.rel.UpdateTemplate(UpdateTemplateInput{ID: d.Deploy[0].ID, Name: "t", Type: "python", Content: "x"})
			return err
		}, problem.CodeInvalid, "Step type must be one of"},
		{"delete template: archived", func() error {
			_, err := f.rel.DeleteTemplate(*oldSteps.Deploy[0].TemplateID)
			return err
		}, problem.CodeState, "archived"},
		{"reorder: missing id", func() error {
			return f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: []int64{d.Deploy[0].ID}})
		}, problem.CodeInvalid, "all 2 deploy steps"},
		{"reorder: foreign id", func() error {
			return f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: []int64{d.Deploy[0].ID, d.Verify[0].ID}})
		}, problem.CodeInvalid, "is not a deploy step"},
		{"reorder: duplicate", func() error {
			return f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: []int64{d.Deploy[0].ID, d.Deploy[0].ID}})
		}, problem.CodeInvalid, "twice"},
		{"skip: no reason", func() error { _, err := f.steps.Skip(TransitionInput{StepID: pending.ID, Note: "  "}); return err }, problem.CodeInvalid, "reason for skipping is required"},
		{"skip: done step", func() error { _, err := f.steps.Skip(TransitionInput{StepID: done.ID, Note: "x"}); return err }, problem.CodeState, "a done step can only be reverted"},
		{"revert: pending", func() error { _, err := f.steps.Revert(TransitionInput{StepID: pending.ID}); return err }, problem.CodeState, "Cannot revert"},
		{"pending: pending", func() error { _, err := f.steps.SetPending(TransitionInput{StepID: pending.ID}); return err }, problem.CodeState, "Cannot set back to pending"},
		{"done: done", func() error { _, err := f.steps.MarkDone(TransitionInput{StepID: done.ID}); return err }, problem.CodeState, "Cannot mark as done"},
		{"done: unknown step", func() error { _, err := f.steps.MarkDone(TransitionInput{StepID: 99999}); return err }, problem.CodeNotFound, "does not exist"},
		{"done: archived release", func() error {
			_, err := f.steps.MarkDone(TransitionInput{StepID: oldSteps.Deploy[0].ID})
			return err
		}, problem.CodeState, "archived"},
		{"override: done step", func() error { _, err := f.steps.Override(OverrideInput{StepID: done.ID, Content: "x"}); return err }, problem.CodeState, "stays on record"},
		{"override: custom step", func() error {
			_, err := f.steps.Override(OverrideInput{StepID: custom.ID, Content: "x"})
			return err
		}, problem.CodeState, "stays on record"},
		{"override: empty content", func() error { _, err := f.steps.Override(OverrideInput{StepID: pending.ID, Content: ""}); return err }, problem.CodeInvalid, "required"},
		{"reset: not overridden", func() error { _, err := f.steps.ResetToTemplate(pending.ID); return err }, problem.CodeState, "already follows"},
		{"custom: position out of range", func() error {
			_, err := f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[1], Category: Deploy, Name: "c", Type: "text", Content: "c", Position: 9})
			return err
		}, problem.CodeInvalid, "between 0 and 2"},
		{"custom: customer not in release", func() error {
			_, err := f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: archivedCustomer, Category: Deploy, Name: "c", Type: "text", Content: "c"})
			return err
		}, problem.CodeState, "is not part of release"},
		{"custom: draft release", func() error {
			_, err := f.steps.AddCustom(CustomStepInput{ReleaseID: draft.ID, CustomerID: custs[0], Category: Deploy, Name: "c", Type: "text", Content: "c"})
			return err
		}, problem.CodeState, "is a draft"},
		{"edit custom: template step", func() error {
			_, err := f.steps.EditCustom(CustomStepEdit{StepID: pending.ID, Name: "x", Type: "bash", Content: "x"})
			return err
		}, problem.CodeState, "comes from the release template"},
		{"delete custom: done", func() error { return f.steps.DeleteCustom(custom.ID) }, problem.CodeState, "stays on record"},
		{"bulk: empty", func() error { _, err := ChangeSteps(f.st, nil, ActionDone, ""); return err }, problem.CodeInvalid, "at least one step"},
		{"bulk: duplicates", func() error {
			_, err := ChangeSteps(f.st, []int64{pending.ID, pending.ID}, ActionDone, "")
			return err
		}, problem.CodeInvalid, "twice"},
		{"bulk: unknown id", func() error {
			_, err := ChangeSteps(f.st, []int64{pending.ID, 99999}, ActionDone, "")
			return err
		}, problem.CodeNotFound, "1 of the 2 selected steps do not exist"},
		{"bulk: bad action", func() error {
			_, err := ChangeSteps(f.st, []int64{pending.ID}, "explode", "")
			return err
		}, problem.CodeInvalid, "Action must be one of"},
		{"bulk: skip without reason", func() error {
			_, err := ChangeSteps(f.st, []int64{pending.ID}, ActionSkip, "")
			return err
		}, problem.CodeInvalid, "reason for skipping"},
		{"bulk: archived release", func() error {
			_, err := ChangeSteps(f.st, []int64{oldSteps.Deploy[0].ID}, ActionDone, "")
			return err
		}, problem.CodeState, "not active"},
		{"bulk cells: none selected", func() error {
			_, err := f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{999}, CustomerIDs: custs, Action: ActionDone})
			return err
		}, problem.CodeNotFound, "no steps"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := dump(t, f)
			err := c.call()
			expectProblem(t, err, c.code, c.contains)
			if after := dump(t, f); after != before {
				t.Fatalf("a refused call changed the database")
			}
		})
	}
}
