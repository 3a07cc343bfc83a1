package release

import (
	"errors"
	"testing"

	"shipdeck/backend/problem"
)

// FuzzPositions drives reorders, template inserts and custom-step inserts
// with arbitrary positions and permutations: every call either works or is
// refused plainly, and the orders stay whole (checkInvariants).
func FuzzPositions(f *testing.F) {
	f.Add([]byte{0, 1, 2}, 1, 2, true)
	f.Add([]byte{9, 9, 9, 9}, -1, 99, false)
	f.Add([]byte{}, 1<<30, -7, true)
	fx := newFixture(f)
	custs := fx.fleet(2, 2)
	r := fx.active("fuzz", 3, 2)
	history := 0
	f.Fuzz(func(t *testing.T, perm []byte, tplPos, customPos int, toTemplate bool) {
		refusedOK := func(err error) {
			var pe *problem.Error
			if err != nil && (!errors.As(err, &pe) || pe.Code == problem.CodeInternal) {
				t.Fatalf("not a plain refusal: %v", err)
			}
		}
		d := must[Detail](t)(fx.rel.Get(r.ID))
		// A permutation from the bytes (possibly with repeats or missing ids).
		ids := make([]int64, 0, len(perm))
		for _, b := range perm {
			if len(d.Deploy) > 0 {
				ids = append(ids, d.Deploy[int(b)%len(d.Deploy)].ID)
			}
		}
		refusedOK(fx.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: ids}))
		if len(d.Deploy) < 12 {
			_, err := fx.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "f", Category: Deploy, Type: "text", Content: "x", Position: &tplPos})
			refusedOK(err)
		}
		_, err := fx.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[len(perm)%len(custs)], Category: Verify, Name: "c", Type: "text", Content: "x", Position: customPos, AddToTemplate: toTemplate})
		refusedOK(err)
		if err == nil {
			history++
		}
		if msg := checkInvariants(fx, []int64{r.ID}, history); msg != "" {
			t.Fatal(msg)
		}
	})
}
