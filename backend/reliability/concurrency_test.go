package reliability

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
)

// Two writes racing from the frontend (a double click, two windows) must
// never break the order or duplicate steps, and never surface SQLITE_BUSY.
func TestRacingWrites(t *testing.T) {
	w := newWorld(t)
	custs := w.fleet(t, 2, 10)

	t.Run("double activation: one wins, the other is refused plainly", func(t *testing.T) {
		r := check[release.Release](t)(w.releases.Create(release.Input{Name: "race", Type: "release", Templates: templates(5, 2, "race")}))
		errs := race(2, func(int) error { _, err := w.releases.Activate(r.ID); return err })
		won, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, problem.ErrState) && strings.Contains(err.Error(), "only a draft can be activated"):
				refused++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if won != 1 || refused != 1 {
			t.Fatalf("won %d, refused %d", won, refused)
		}
		got := check[release.Detail](t)(w.releases.Get(r.ID)).Release
		if got.Progress.Total != 7*len(custs) {
			t.Fatalf("%d steps, want %d", got.Progress.Total, 7*len(custs))
		}
	})

	r := w.activeRelease(t, "live", 6, 2)
	d := check[release.Detail](t)(w.releases.Get(r.ID))

	t.Run("concurrent reorders and template inserts keep orders whole", func(t *testing.T) {
		ids := func() []int64 {
			d := check[release.Detail](t)(w.releases.Get(r.ID))
			var out []int64
			for _, t := range d.Deploy {
				out = append(out, t.ID)
			}
			return out
		}
		errs := race(8, func(i int) error {
			if i%2 == 0 {
				o := ids()
				o[0], o[len(o)-1] = o[len(o)-1], o[0]
				return w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: r.ID, Category: release.Deploy, OrderedIDs: o})
			}
			pos := 1
			_, err := w.releases.AddTemplate(release.AddTemplateInput{ReleaseID: r.ID, Name: "added", Category: release.Deploy, Type: "bash", Content: "x", Position: &pos})
			return err
		})
		for _, err := range errs {
			// A reorder built from a list that another writer changed is
			// refused (the list no longer matches); nothing else may fail.
			if err != nil && !errors.Is(err, problem.ErrInvalid) {
				t.Fatalf("unexpected error: %v", err)
			}
		}
		ordersWhole(t, w)
	})

	t.Run("two custom steps at the same position for the same customer", func(t *testing.T) {
		errs := race(4, func(i int) error {
			_, err := w.steps.AddCustom(release.CustomStepInput{ReleaseID: r.ID, CustomerID: custs[0], Category: release.Deploy, Name: "custom", Type: "text", Content: "x", Position: 1})
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatalf("custom insert: %v", err)
			}
		}
		ordersWhole(t, w)
	})

	t.Run("bulk and single transitions on the same steps", func(t *testing.T) {
		cs := check[release.CustomerSteps](t)(w.steps.CustomerSteps(r.ID, custs[1]))
		target := cs.Verify[0]
		errs := race(6, func(i int) error {
			if i%2 == 0 {
				_, err := w.steps.BulkCells(release.BulkCellsInput{ReleaseID: r.ID, TemplateIDs: []int64{*target.TemplateID}, CustomerIDs: custs, Action: release.ActionDone})
				return err
			}
			_, err := w.steps.MarkDone(release.TransitionInput{StepID: target.ID})
			return err
		})
		for _, err := range errs {
			if err != nil && !errors.Is(err, problem.ErrState) {
				t.Fatalf("unexpected error: %v", err)
			}
		}
		db := check[*bun.DB](t)(w.st.DB())
		var history, done int
		noErr(t, db.QueryRowContext(context.Background(), "SELECT count(*) FROM step_history WHERE step_id = ?", target.ID).Scan(&history))
		noErr(t, db.QueryRowContext(context.Background(), "SELECT count(*) FROM customer_steps WHERE template_id = ? AND status = 'done'", *target.TemplateID).Scan(&done))
		if history != 1 || done != len(custs) {
			t.Fatalf("the step was changed %d times (want exactly once); %d of %d done", history, done, len(custs))
		}
	})
	_ = d
}

// race runs n calls of fn at once and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}(i)
	}
	close(start)
	wg.Wait()
	return errs
}

// ordersWhole fails unless every order is 0..n-1 without duplicates and
// every covered customer has exactly one step per template.
// The position rules (docs/design.md, "Ordering"): a customer's steps of a
// category have distinct positions, and each template step sits at its
// template's (template positions are distinct by a unique index).
const (
	positionsDistinct = `SELECT count(*) FROM (SELECT release_id, customer_id, category, count(*) c, count(DISTINCT order_index) d
		FROM customer_steps GROUP BY 1, 2, 3) WHERE d <> c`
	templateStepsAtTheirTemplate = `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id WHERE cs.order_index <> t.order_index`
)

func ordersWhole(t testing.TB, w *world) {
	t.Helper()
	db, _ := w.st.DB()
	ctx := context.Background()
	for _, q := range []string{
		positionsDistinct,
		templateStepsAtTheirTemplate,
		`SELECT count(*) FROM release_customers rc JOIN step_templates t ON t.release_id = rc.release_id
			WHERE (SELECT count(*) FROM customer_steps cs WHERE cs.release_id = rc.release_id AND cs.customer_id = rc.customer_id AND cs.template_id = t.id) <> 1`,
	} {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d violations (%v) of:\n%s", n, err, q)
		}
	}
}
