package release

import (
	"context"
	"fmt"
	"shipdeck/backend/store"
	"slices"
	"strings"
	"testing"
)

// TestQueryPlansUseIndexes checks with EXPLAIN QUERY PLAN that the queries
// that run at fleet size search customer_steps through an index and never
// scan it whole.
func TestQueryPlansUseIndexes(t *testing.T) {
	f := newFixtureOn(t, "sqlite") // SQLite's planner: PostgreSQL's plans depend on its statistics
	f.fleet(2, 3)
	// Several releases, as on a real machine, and statistics gathered: the
	// planner then chooses as it will there (with one release and ANALYZE,
	// a scan of the whole table is the cheapest plan and says nothing).
	r := f.active("r", 3, 2)
	for i := 0; i < 5; i++ {
		f.active(fmt.Sprintf("old-%d", i), 3, 2)
	}
	f.exec("ANALYZE")
	cases := []struct {
		name string
		sql  string
		args []any
	}{
		{"matrix cells", sqlMatrixCells, []any{r.ID}},
		{"matrix extras", sqlMatrixExtras, []any{r.ID}},
		{"customer steps", `SELECT * FROM customer_steps AS cs WHERE ` + sqlCustomerSteps + ` ORDER BY cs.release_id, cs.customer_id, cs.category, cs.order_index`, []any{r.ID, 1}},
		{"place anchored steps", sqlPlaceAnchored, []any{r.ID, Deploy}},
		{"follow templates", sqlFollowTemplates, []any{r.ID, Deploy}},
		{"move anchored steps", sqlMoveAnchored, []any{r.ID, Deploy, 1024, 2048, 1500}},
		{"last untemplated step", sqlLastUntemplated, []any{r.ID, Deploy, 1024, 2048}},
		{"most anchored steps", sqlMostAnchored, []any{r.ID, Deploy, 1024, 2048}},
		{"failed runs", sqlFailedRuns, []any{r.ID}},
		{"release figures, steps without a template", sqlReleaseUntemplatedCounts, []any{store.IDs{r.ID}}},
		{"bulk by cells", `SELECT count(*) FROM customer_steps cs WHERE cs.release_id = ?0 AND cs.template_id IN ?1 AND cs.customer_id IN ?2`, []any{r.ID, store.IDs{1}, store.IDs{1, 2}}},
	}
	// The release figure reads an index that holds the status, never a
	// step's row (the page's other figures are the matrix's).
	t.Run("figures by release", func(t *testing.T) {
		plan := planOf(t, f, sqlReleaseTemplateCounts, store.IDs{r.ID})
		ok := false
		for _, line := range plan {
			if strings.Contains(line, "cs") && strings.Contains(line, "COVERING INDEX") {
				ok = true
			}
			if strings.HasPrefix(line, "SCAN cs") {
				t.Errorf("full scan of customer_steps: %q", line)
			}
		}
		if !ok {
			t.Errorf("customer_steps is not read through a covering index:\n%s", strings.Join(plan, "\n"))
		}
	})
	// The matrix's cell strings are in customer order because the rows come
	// straight from the index: no sorter may stand between (see sqlMatrixCells).
	t.Run("matrix cells in index order", func(t *testing.T) {
		plan := planOf(t, f, sqlMatrixCells, r.ID)
		want := "SEARCH customer_steps USING COVERING INDEX customer_steps_template_idx (template_id=?)"
		if !slices.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, strings.Join(plan, "\n"))
		}
		for _, line := range plan {
			if strings.Contains(line, "TEMP B-TREE") {
				t.Errorf("the cells could be reordered by %q:\n%s", line, strings.Join(plan, "\n"))
			}
		}
	})
	// The held customers' steps are reached from their few coverage rows,
	// not by walking every step of the release.
	t.Run("release figures, held customers", func(t *testing.T) {
		plan := planOf(t, f, sqlReleaseHeldCounts, store.IDs{r.ID})
		if !strings.HasPrefix(plan[0], "SEARCH rc ") {
			t.Errorf("release_customers is not the outer loop:\n%s", strings.Join(plan, "\n"))
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plan := planOf(t, f, c.sql, c.args...)
			for _, line := range plan {
				if strings.HasPrefix(line, "SCAN") && (strings.Contains(line, "customer_steps") || strings.Contains(line, " cs") || strings.Contains(line, " a ") || strings.Contains(line, "run")) {
					t.Errorf("full scan of customer_steps: %q\nplan:\n%s", line, strings.Join(plan, "\n"))
				}
			}
			t.Logf("plan:\n%s", strings.Join(plan, "\n"))
		})
	}
}

// planOf is EXPLAIN QUERY PLAN's lines for q.
func planOf(t *testing.T, f *fixture, q string, args ...any) []string {
	t.Helper()
	db, _ := f.st.DB()
	rows, err := db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if len(plan) == 0 {
		t.Fatal("no plan")
	}
	return plan
}

// The ordering code reads the steps without a template through their
// partial index whatever the statistics: the app never runs ANALYZE, and
// without statistics the planner would otherwise walk the release's
// 200,000 steps by release_id.
func TestOrderingReadsUntemplatedStepsByTheirIndex(t *testing.T) {
	f := newFixtureOn(t, "sqlite") // SQLite's planner: PostgreSQL's plans depend on its statistics
	f.fleet(2, 3)
	r := f.active("r", 3, 2)
	for _, c := range []struct {
		name string
		sql  string
		args []any
	}{
		{"last untemplated step", sqlLastUntemplated, []any{r.ID, Deploy, 1024, 2048}},
		{"most anchored steps", sqlMostAnchored, []any{r.ID, Deploy, 1024, 2048}},
		{"move anchored steps", sqlMoveAnchored, []any{r.ID, Deploy, 1024, 2048, 1500}},
		{"place anchored steps", sqlPlaceAnchored, []any{r.ID, Deploy}},
		{"matrix extras", sqlMatrixExtras, []any{r.ID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			plan := strings.Join(planOf(t, f, c.sql, c.args...), "\n")
			if !strings.Contains(plan, "customer_steps_untemplated_idx") {
				t.Fatalf("the untemplated steps are not read through their index:\n%s", plan)
			}
		})
	}
}
