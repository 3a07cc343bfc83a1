package release

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// TestInvariantsUnderRandomOperations applies a few thousand random
// operations (seeded, so a failure reproduces) and checks after each one that
// the release's record stays coherent.
func TestInvariantsUnderRandomOperations(t *testing.T) {
	ops := 2500
	if testing.Short() {
		ops = 250 // the race detector's run (make test-go): ten times slower per op
	}
	seed := int64(20261124)
	rng := rand.New(rand.NewSource(seed))
	f := newFixture(t)
	custs := f.fleet(3, 3)
	rels := []int64{f.active("r1", 4, 3).ID, f.active("r2", 3, 2).ID}
	history := 0 // history rows the successful operations must have written

	pickStep := func(rel int64) (Step, bool) {
		cs := must[CustomerSteps](t)(f.steps.CustomerSteps(rel, custs[rng.Intn(len(custs))]))
		all := append(cs.Deploy, cs.Verify...)
		if len(all) == 0 {
			return Step{}, false
		}
		return all[rng.Intn(len(all))], true
	}
	templates := func(rel int64, cat Category) []Template {
		d := must[Detail](t)(f.rel.Get(rel))
		if cat == Verify {
			return d.Verify
		}
		return d.Deploy
	}
	refused := func(err error) bool {
		var pe *problem.Error
		return errors.As(err, &pe) && pe.Code != problem.CodeInternal
	}

	keepsAnchors := map[string]bool{"reorder": true}
	for i := 0; i < ops; i++ {
		before := anchors(f)
		rel := rels[rng.Intn(len(rels))]
		cat := Categories[rng.Intn(2)]
		var err error
		var what string
		switch op := rng.Intn(14); op {
		case 0, 1, 2, 3:
			st, ok := pickStep(rel)
			if !ok {
				continue
			}
			action := Actions[rng.Intn(4)]
			what = fmt.Sprintf("%s step %d (%s)", action, st.ID, st.Status)
			in := TransitionInput{StepID: st.ID, Note: "n"}
			switch action {
			case ActionDone:
				_, err = f.steps.MarkDone(in)
			case ActionSkip:
				_, err = f.steps.Skip(in)
			case ActionRevert:
				_, err = f.steps.Revert(in)
			default:
				_, err = f.steps.SetPending(in)
			}
			if err == nil {
				history++
			}
		case 4, 5:
			ts := templates(rel, cat)
			if len(ts) == 0 {
				continue
			}
			action := Actions[rng.Intn(4)]
			what = "bulk " + string(action)
			var res BulkResult
			res, err = f.steps.BulkCells(BulkCellsInput{ReleaseID: rel, TemplateIDs: []int64{ts[rng.Intn(len(ts))].ID}, CustomerIDs: custs[:1+rng.Intn(len(custs))], Action: action, Note: "bulk"})
			history += res.Changed
		case 6:
			st, ok := pickStep(rel)
			if !ok {
				continue
			}
			what = "override"
			if _, err = f.steps.Override(OverrideInput{StepID: st.ID, Content: fmt.Sprintf("echo override %d", i)}); err == nil {
				history++
			}
		case 7:
			st, ok := pickStep(rel)
			if !ok {
				continue
			}
			what = "reset"
			if _, err = f.steps.ResetToTemplate(st.ID); err == nil {
				history++
			}
		case 8:
			cu := custs[rng.Intn(len(custs))]
			cs := must[CustomerSteps](t)(f.steps.CustomerSteps(rel, cu))
			n := len(cs.Deploy)
			if cat == Verify {
				n = len(cs.Verify)
			}
			addT := rng.Intn(4) == 0
			what = fmt.Sprintf("add custom at %d (template %v)", n, addT)
			if _, err = f.steps.AddCustom(CustomStepInput{ReleaseID: rel, CustomerID: cu, Category: cat, Name: fmt.Sprintf("c%d", i), Type: "text", Content: "x", Position: rng.Intn(n + 2), AddToTemplate: addT}); err == nil {
				history++
			}
		case 9:
			st, ok := pickStep(rel)
			if !ok {
				continue
			}
			what = "edit/delete custom"
			if rng.Intn(2) == 0 {
				_, err = f.steps.EditCustom(CustomStepEdit{StepID: st.ID, Name: "edited", Type: "sql", Content: "select 2"})
			} else {
				err = f.steps.DeleteCustom(st.ID)
			}
			if err == nil {
				history++
			}
		case 10:
			ts := templates(rel, cat)
			pos := rng.Intn(len(ts) + 1)
			what = fmt.Sprintf("add template at %d", pos)
			_, err = f.rel.AddTemplate(AddTemplateInput{ReleaseID: rel, Name: fmt.Sprintf("t%d", i), Category: cat, Type: "bash", Content: "echo t", Position: &pos})
		case 11:
			ts := templates(rel, cat)
			if len(ts) == 0 {
				continue
			}
			what = "edit template"
			_, err = f.rel.UpdateTemplate(UpdateTemplateInput{ID: ts[rng.Intn(len(ts))].ID, Name: "renamed", Type: "bash", Content: fmt.Sprintf("echo %d", i)})
		case 12:
			ts := templates(rel, cat)
			if len(ts) <= 1 {
				continue
			}
			what = "delete template"
			_, err = f.rel.DeleteTemplate(ts[rng.Intn(len(ts))].ID)
		case 13:
			ts := templates(rel, cat)
			if len(ts) == 0 {
				continue
			}
			ids := make([]int64, len(ts))
			if rng.Intn(2) == 0 { // a drag and drop: one template moved
				from, to := rng.Intn(len(ts)), rng.Intn(len(ts))
				rest := append(append([]Template{}, ts[:from]...), ts[from+1:]...)
				moved := append(append(append([]Template{}, rest[:to]...), ts[from]), rest[to:]...)
				for j, m := range moved {
					ids[j] = m.ID
				}
			} else {
				for j, p := range rng.Perm(len(ts)) {
					ids[j] = ts[p].ID
				}
			}
			what = "reorder"
			err = f.rel.ReorderTemplates(ReorderInput{ReleaseID: rel, Category: cat, OrderedIDs: ids})
		}
		if err != nil && !refused(err) {
			t.Fatalf("op %d (%s, seed %d): unexpected error %v", i, what, seed, err)
		}
		// Reordering and adding templates leave every custom step right
		// after the step it followed.
		if keepsAnchors[what] || strings.HasPrefix(what, "add template") {
			if after := anchors(f); !sameAnchors(before, after) {
				t.Fatalf("after op %d (%s, seed %d): a step without a template changed its anchor:\nbefore %v\nafter  %v", i, what, seed, before, after)
			}
		}
		if msg := checkInvariants(f, rels, history); msg != "" {
			t.Fatalf("after op %d (%s, seed %d): %s", i, what, seed, msg)
		}
	}
}

// anchors maps every step without a template to the template of the step
// it follows in its customer's order (0 before every template step).
func anchors(f *fixture) map[int64]int64 {
	db, _ := f.st.DB()
	rows, err := db.QueryContext(context.Background(), `SELECT cs.id, coalesce((SELECT a.template_id FROM customer_steps a
		WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
			AND a.template_id IS NOT NULL AND a.order_index < cs.order_index ORDER BY a.order_index DESC LIMIT 1), 0)
		FROM customer_steps cs WHERE cs.template_id IS NULL`)
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, anchor int64
		if err := rows.Scan(&id, &anchor); err != nil {
			panic(err)
		}
		out[id] = anchor
	}
	return out
}

func sameAnchors(a, b map[int64]int64) bool {
	for id, anchor := range a {
		if got, ok := b[id]; ok && got != anchor {
			return false
		}
	}
	return true
}

// checkInvariants returns "" when the database is coherent.
func checkInvariants(f *fixture, rels []int64, wantHistory int) string {
	ctx := context.Background()
	db, _ := f.st.DB()
	var n int
	checks := []struct{ name, sql string }{
		{"a customer's steps of a category must have distinct positions", `SELECT count(*) FROM (
			SELECT release_id, customer_id, category, count(*) c, count(DISTINCT order_index) d
			FROM customer_steps GROUP BY 1, 2, 3) AS g WHERE d <> c`},
		{"template steps must sit at their template's position", `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id
			WHERE cs.order_index <> t.order_index`},
		{"pending template steps must match their template unless overridden", `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id
			WHERE cs.status = 'pending' AND NOT cs.is_overridden AND NOT cs.is_custom AND (cs.name <> t.name OR cs.type <> t.type OR cs.content <> t.content)`},
		{"every covered customer must have one step per template", `SELECT count(*) FROM release_customers rc JOIN step_templates t ON t.release_id = rc.release_id
			WHERE (SELECT count(*) FROM customer_steps cs WHERE cs.release_id = rc.release_id AND cs.customer_id = rc.customer_id AND cs.template_id = t.id) <> 1`},
		// The figures count a release's steps without joining each to its
		// coverage row (releaseCounts): they rely on this.
		{"every step must belong to a covered customer", `SELECT count(*) FROM customer_steps cs
			WHERE NOT EXISTS (SELECT 1 FROM release_customers rc WHERE rc.release_id = cs.release_id AND rc.customer_id = cs.customer_id)`},
		{"template steps must follow the template order", `SELECT count(*) FROM customer_steps a JOIN customer_steps b
			ON a.release_id = b.release_id AND a.customer_id = b.customer_id AND a.category = b.category AND a.order_index < b.order_index
			JOIN step_templates ta ON ta.id = a.template_id JOIN step_templates tb ON tb.id = b.template_id WHERE ta.order_index > tb.order_index`},
		{"done/skipped/reverted steps must say who and when", `SELECT count(*) FROM customer_steps WHERE status <> 'pending' AND (executed_at IS NULL OR executed_by IS NULL)`},
		{"skipped steps must have a reason", `SELECT count(*) FROM customer_steps WHERE status = 'skipped' AND coalesce(skip_reason, '') = ''`},
	}
	for _, c := range checks {
		if err := db.QueryRowContext(ctx, c.sql).Scan(&n); err != nil {
			return c.name + ": " + err.Error()
		}
		if n != 0 {
			return fmt.Sprintf("%s (%d violations)", c.name, n)
		}
	}
	// wantHistory counts the steps' own rows (state and content changes),
	// not the release events some of those actions also write.
	stepActions := store.Texts(append(append([]string{}, kindActions[KindStatus]...), kindActions[KindContent]...))
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM step_history WHERE action IN ?`, stepActions).Scan(&n); err != nil || n != wantHistory {
		return fmt.Sprintf("history rows = %d, want %d (%v)", n, wantHistory, err)
	}
	for _, rel := range rels {
		m, err := buildMatrix(ctx, db, rel, 0)
		if err != nil {
			return err.Error()
		}
		var steps int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM customer_steps WHERE release_id = ?`, rel).Scan(&steps); err != nil {
			return err.Error()
		}
		sum := m.Total.Done + m.Total.Skipped + m.Total.Reverted + m.Total.Pending
		if sum != steps {
			return fmt.Sprintf("matrix total %v sums to %d, release has %d steps", m.Total, sum, steps)
		}
		r, err := getRelease(ctx, db, rel)
		if err != nil {
			return err.Error()
		}
		p := r.Progress
		if p.Total != steps || p.Done+p.Skipped+p.Reverted+p.Pending != p.Total || p != m.Total {
			return fmt.Sprintf("progress %+v disagrees with matrix %v / %d steps", p, m.Total, steps)
		}
		var colSum int
		for _, c := range m.ColCounts {
			colSum += c.Total
		}
		if colSum != steps {
			return fmt.Sprintf("column counts sum to %d, release has %d steps", colSum, steps)
		}
	}
	return ""
}
