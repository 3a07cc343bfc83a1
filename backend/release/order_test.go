package release

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestSingleMoveIsRecognised(t *testing.T) {
	ts := []templateAt{{1, 1024}, {2, 2048}, {3, 3072}, {4, 4096}, {5, 5120}}
	cases := []struct {
		name       string
		want       []int64
		ok         bool
		from       int
		prev, next int64 // 0 = none
	}{
		{"last to first", []int64{5, 1, 2, 3, 4}, true, 4, 0, 1},
		{"first to last", []int64{2, 3, 4, 5, 1}, true, 0, 5, 0},
		{"middle up", []int64{1, 4, 2, 3, 5}, true, 3, 1, 2},
		{"middle down", []int64{1, 3, 4, 2, 5}, true, 1, 4, 5},
		{"neighbours swapped", []int64{1, 3, 2, 4, 5}, true, 1, 3, 4},
		{"two moved", []int64{2, 1, 3, 5, 4}, false, 0, 0, 0},
		{"reversed", []int64{5, 4, 3, 2, 1}, false, 0, 0, 0},
		{"same order", []int64{1, 2, 3, 4, 5}, false, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, prev, next, ok := singleMove(ts, c.want)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v", ok, c.ok)
			}
			if !ok {
				return
			}
			id := func(p *templateAt) int64 {
				if p == nil {
					return 0
				}
				return p.ID
			}
			// A swap of neighbours is one move either way: check the
			// result, not which of the two was taken as moving.
			got := make([]int64, 0, len(ts))
			for i, x := range ts {
				if i != from {
					got = append(got, x.ID)
				}
			}
			at := 0
			if prev != nil {
				at = slices.Index(got, prev.ID) + 1
			}
			got = slices.Insert(got, at, ts[from].ID)
			if !slices.Equal(got, c.want) {
				t.Fatalf("moving %d after %d before %d gives %v, want %v", ts[from].ID, id(prev), id(next), got, c.want)
			}
		})
	}
}

// positions is every customer step's position, by id.
func positions(f *fixture, releaseID int64) map[int64]int {
	db, _ := f.st.DB()
	rows, err := db.QueryContext(context.Background(), `SELECT id, order_index FROM customer_steps WHERE release_id = ?`, releaseID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var pos int
		if err := rows.Scan(&id, &pos); err != nil {
			panic(err)
		}
		out[id] = pos
	}
	return out
}

// Moving one template rewrites only its own steps and the custom steps that
// follow them; every customer's order is then the template order with each
// custom step after the step it followed.
func TestMovingOneTemplateRewritesOnlyItsRows(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(2, 3)
	r := f.active("r", 6, 1)
	d := must[Detail](t)(f.rel.Get(r.ID))
	// Customer 0: a custom step after d5 and one before everything;
	// customer 1: a custom step after d2.
	must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: "after d5", Type: "text", Content: "x", Position: 5}))
	must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: "top", Type: "text", Content: "x", Position: 0}))
	must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[1], Category: Deploy, Name: "after d2", Type: "text", Content: "x", Position: 2}))

	before := positions(f, r.ID)
	// d5 (with "after d5") goes first.
	ids := []int64{d.Deploy[4].ID, d.Deploy[0].ID, d.Deploy[1].ID, d.Deploy[2].ID, d.Deploy[3].ID, d.Deploy[5].ID}
	if err := f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: ids}); err != nil {
		t.Fatal(err)
	}
	after := positions(f, r.ID)
	changed := 0
	for id, p := range after {
		if before[id] != p {
			changed++
		}
	}
	// d5's 6 steps and "after d5": nothing else moved.
	if changed != 7 {
		t.Fatalf("%d steps were rewritten, want 7 (the moved template's 6 and the custom step after one of them)", changed)
	}
	want := map[int64][]string{
		custs[0]: {"top", "d5", "after d5", "d1", "d2", "d3", "d4", "d6"},
		custs[1]: {"d5", "d1", "d2", "after d2", "d3", "d4", "d6"},
		custs[2]: {"d5", "d1", "d2", "d3", "d4", "d6"},
	}
	for cu, w := range want {
		cs := must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, cu))
		if got := names(cs.Deploy); got != strings.Join(w, ",") {
			t.Errorf("customer %d: %v, want %v", cu, got, w)
		}
	}
}

// A gap used up by repeated moves into it renumbers the category, and the
// order stays right throughout.
func TestAGapUsedUpRenumbers(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 2)
	r := f.active("r", 4, 0)
	must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: "after d1", Type: "text", Content: "x", Position: 1}))
	// Move the last template to second place, over and over: each move
	// halves the room between the first template's steps and the second.
	for i := 0; i < 24; i++ {
		d := must[Detail](t)(f.rel.Get(r.ID))
		ds := d.Deploy
		ids := []int64{ds[0].ID, ds[3].ID, ds[1].ID, ds[2].ID}
		if err := f.rel.ReorderTemplates(ReorderInput{ReleaseID: r.ID, Category: Deploy, OrderedIDs: ids}); err != nil {
			t.Fatal(err)
		}
		want := []string{ds[0].Name, "after d1", ds[3].Name, ds[1].Name, ds[2].Name}
		if got := names(must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0])).Deploy); got != strings.Join(want, ",") {
			t.Fatalf("move %d: %v, want %v", i, got, want)
		}
		if msg := checkInvariants(f, []int64{r.ID}, countHistory(f)); msg != "" {
			t.Fatalf("move %d: %s", i, msg)
		}
	}
	var maxGap int
	db, _ := f.st.DB()
	noErr(t, db.QueryRowContext(context.Background(), `SELECT max(order_index) FROM step_templates WHERE release_id = ?`, r.ID).Scan(&maxGap))
	if maxGap > 100*Gap {
		t.Fatalf("positions ran away: the last template is at %d", maxGap)
	}
}

func countHistory(f *fixture) int {
	db, _ := f.st.DB()
	var n int
	noErr(f.t, db.QueryRowContext(context.Background(), `SELECT count(*) FROM step_history WHERE customer_id IS NOT NULL`).Scan(&n))
	return n
}

// Custom steps inserted again and again at the same place keep finding room
// (a renumber spreads them out), up to the limit of one anchor.
func TestCustomStepsAtTheSamePlace(t *testing.T) {
	f := newFixture(t)
	custs := f.fleet(1, 1)
	r := f.active("r", 2, 0)
	var want []string
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("c%02d", i)
		// Always right after d1: the newest comes first.
		must[Step](t)(f.steps.AddCustom(CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: Deploy, Name: name, Type: "text", Content: "x", Position: 1}))
		want = append([]string{name}, want...)
	}
	got := names(must[CustomerSteps](t)(f.steps.CustomerSteps(r.ID, custs[0])).Deploy)
	if w := strings.Join(append(append([]string{"d1"}, want...), "d2"), ","); got != w {
		t.Fatalf("%v\nwant %v", got, w)
	}
}
