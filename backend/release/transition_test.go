package release

import (
	"reflect"
	"testing"
)

// The state machine, as every path reads it.
func TestStateMachine(t *testing.T) {
	want := map[Status][]Action{
		Pending:  {ActionDone, ActionSkip},
		Done:     {ActionRevert},
		Skipped:  {ActionPending},
		Reverted: {ActionDone, ActionPending},
	}
	for st, actions := range want {
		if got := Allowed(st); !reflect.DeepEqual(got, actions) {
			t.Errorf("%s allows %v, want %v", st, got, actions)
		}
	}
	rules := actionRules()
	if len(rules) != 4 || !reflect.DeepEqual(rules[2], ActionRule{Action: ActionRevert, From: []Status{Done}, To: Reverted}) {
		t.Errorf("rules %v", rules)
	}
}

// A bulk action that changes nothing, or part, says why for each state.
func TestBulkSaysWhyStepsWereKept(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 10)
	r := f.active("r", 1, 0)
	d := must[Detail](t)(f.rel.Get(r.ID))
	row := []int64{d.Deploy[0].ID}
	must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs[:7], Action: ActionDone}))
	must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs[7:8], Action: ActionSkip, Note: "not this one"}))
	cases := []struct {
		action  Action
		note    string
		changed int
		kept    []KeptSteps
	}{
		{ActionPending, "", 1, []KeptSteps{{Pending, 2, "2 are pending already"}, {Done, 7, "7 are done: revert them first"}}},
		{ActionDone, "", 3, []KeptSteps{{Done, 7, "7 are done already"}}},
		{ActionRevert, "", 10, []KeptSteps{}},
		{ActionSkip, "again", 0, []KeptSteps{{Reverted, 10, "10 are reverted: set them back to pending first"}}},
	}
	for _, c := range cases {
		res := must[BulkResult](t)(f.steps.BulkCells(BulkCellsInput{ReleaseID: r.ID, TemplateIDs: row, CustomerIDs: custs, Action: c.action, Note: c.note}))
		if res.Changed != c.changed || !reflect.DeepEqual(res.Kept, c.kept) {
			t.Fatalf("%s: changed %d kept %+v; want %d %+v", c.action, res.Changed, res.Kept, c.changed, c.kept)
		}
	}
}
