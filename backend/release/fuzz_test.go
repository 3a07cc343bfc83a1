package release

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"shipdeck/backend/problem"
)

// FuzzPositions drives reorders, template inserts and custom-step inserts
// with arbitrary positions and permutations (possibly with repeats or
// missing ids) through the services: every call either works or is refused
// plainly, and the orders stay whole (checkInvariants). Each input gets its
// own small active release, deleted afterwards, so inputs do not depend on
// one another (a failing input replays alone) and the database stays small.
func FuzzPositions(f *testing.F) {
	f.Add([]byte{0, 1, 2}, 1, 2, true)
	f.Add([]byte{9, 9, 9, 9}, -1, 99, false)
	f.Add([]byte{}, 1<<30, -7, true)
	f.Add([]byte{2, 1, 0, 3}, 3, 0, false)
	f.Add([]byte{1, 0, 4, 3, 2, 5}, 0, 5, true)
	fx := newFixture(f)
	custs := fx.fleet(2, 2)
	db, _ := fx.st.DB()
	n := 0
	f.Fuzz(func(t *testing.T, perm []byte, tplPos, customPos int, toTemplate bool) {
		refusedOK := func(what string, err error) bool {
			var pe *problem.Error
			if err != nil && (!errors.As(err, &pe) || pe.Code == problem.CodeInternal) {
				t.Fatalf("%s: not a plain refusal: %v", what, err)
			}
			return err == nil
		}
		n++
		var ts []TemplateInput
		for i := 0; i < 5; i++ {
			ts = append(ts, tpl([]Category{Deploy, Deploy, Deploy, Verify, Verify}[i], fmt.Sprintf("s%d", i)))
		}
		r := must[Release](t)(fx.rel.Create(Input{Name: fmt.Sprintf("fuzz %d", n), Type: "release", Targets: Targets{Mode: "all"}, Templates: ts}))
		defer func() {
			if _, err := db.ExecContext(context.Background(), "DELETE FROM releases WHERE id = ?", r.ID); err != nil {
				t.Fatal(err)
			}
		}()
		must[Release](t)(fx.rel.Activate(r.ID))

		// ids picks templates of a category by the bytes of perm.
		ids := func(category Category, bytes []byte) []int64 {
			d := must[Detail](t)(fx.rel.Get(r.ID))
			list := d.Deploy
			if category == Verify {
				list = d.Verify
			}
			out := make([]int64, 0, len(bytes))
			for _, b := range bytes {
				if len(list) > 0 {
					out = append(out, list[int(b)%len(list)].ID)
				}
			}
			return out
		}
		history := 0
		refusedOK("reorder deploy", fx.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: ids(Deploy, perm)}))
		_, err := fx.rel.AddTemplate(AddTemplateInput{ReleaseID: r.ID, Name: "added", Category: Deploy, Type: "text", Content: "x", Position: &tplPos})
		refusedOK("add template", err)
		category := Verify
		if customPos%2 == 0 {
			category = Deploy
		}
		_, err = fx.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[len(perm)%len(custs)], Category: category, Name: "custom", Type: "text", Content: "x", Position: customPos, AddToTemplate: toTemplate})
		if refusedOK("add custom step", err) {
			history++
		}
		// Reverse the bytes for a second reorder, now with a custom step
		// (and maybe a new template) in place.
		rev := make([]byte, len(perm))
		for i, b := range perm {
			rev[len(perm)-1-i] = b
		}
		refusedOK("reorder "+string(category), fx.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: category, OrderedIDs: ids(category, rev)}))
		if msg := checkInvariants(fx, []int64{r.ID}, history); msg != "" {
			t.Fatal(msg)
		}
	})
}
