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

// TestTeamQueryPlansUseIndexes: on PostgreSQL, whose customer_steps has one
// index beside its primary key (pgmigrations/0009), every statement that
// runs at fleet size reaches its steps through an index's leading column.
// Sequential scans are priced out (the test's tables are small, and
// PostgreSQL's plans follow its statistics), so what is left is whether an
// index can serve: a template's steps named without their release cannot,
// and are read by a sequential scan or a walk of the whole index.
func TestTeamQueryPlansUseIndexes(t *testing.T) {
	f := newFixtureOn(t, "postgres")
	f.fleet(2, 10)
	// Several releases' steps around this one, as on a real machine: with
	// a few dozen rows in the table, walking a whole index is the cheapest
	// plan and says nothing.
	for i := 0; i < 8; i++ {
		f.active(fmt.Sprintf("old-%d", i), 40, 0)
	}
	r := f.active("r", 3, 2)
	// Activation leaves a VACUUM (ANALYZE) running (Store.Settle), and the
	// plans follow the statistics it gathers: they are read once it is over
	// (a second VACUUM waits for the first), the same each run.
	<-f.st.Settle("customer_steps")
	db, _ := f.st.DB()
	ctx := context.Background()
	var tpl int64
	if err := db.NewRaw("SELECT min(id) FROM step_templates WHERE release_id = ?", r.ID).Scan(ctx, &tpl); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		sql  string
		args []any
	}{
		{"matrix cells", sqlMatrixCellsPG, []any{r.ID}},
		{"matrix cells cell by cell", sqlMatrixColumnsPG, []any{r.ID, store.IDs{1, 2}}},
		{"matrix extras", store.Hinted(db, sqlMatrixExtras), []any{r.ID}},
		{"release figures", sqlReleaseTemplateCountsPG, []any{store.IDs{r.ID}}},
		{"release figures, steps without a template", store.Hinted(db, sqlReleaseUntemplatedCounts), []any{store.IDs{r.ID}}},
		{"propagate a template", sqlPropagate + ofTemplate(db, "?5", "?4"), []any{"n", "bash", "c", 1, tpl, r.ID}},
		{"delete a template's pending steps", `DELETE FROM customer_steps WHERE ` + ofTemplate(db, "?0", "?1"), []any{r.ID, tpl}},
		{"move a template's steps", `UPDATE customer_steps SET order_index = ?0 WHERE ` + ofTemplate(db, "?1", "?2"), []any{5, r.ID, tpl}},
		{"follow templates", sqlFollowTemplates, []any{r.ID, Deploy}},
		{"place anchored steps", store.Hinted(db, sqlPlaceAnchored), []any{r.ID, Deploy}},
		{"bulk by cells", `SELECT count(*) FROM customer_steps cs WHERE ` + selectCells, []any{changeArgs{Release: r.ID, Templates: store.IDs{tpl}, Customers: store.IDs{1, 2}}}},
		{"a customer's steps", `SELECT * FROM customer_steps AS cs WHERE ` + sqlCustomerSteps, []any{r.ID, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
			var plan []string
			if err := tx.NewRaw("EXPLAIN "+c.sql, c.args...).Scan(ctx, &plan); err != nil {
				t.Fatal(err)
			}
			if bad := wholeScans(plan); len(bad) > 0 {
				t.Errorf("customer_steps read whole: %q\nplan:\n%s", bad, strings.Join(plan, "\n"))
			}
		})
	}
}

// wholeScans are the nodes of a PostgreSQL plan that read customer_steps
// whole: a sequential scan, or an index scan whose Index Cond does not name
// the index's leading column (release_id; id for the primary key). The
// partial index of the steps without a template may be read whole: it
// holds those few alone.
func wholeScans(plan []string) []string {
	var bad []string
	for i, line := range plan {
		switch {
		case strings.Contains(line, "Seq Scan on customer_steps"):
			bad = append(bad, line)
		case strings.Contains(line, "customer_steps_untemplated_idx"):
		case strings.Contains(line, "Index") && (strings.Contains(line, " on customer_steps") || strings.Contains(line, " on unique_customer_step")):
			cond := ""
			for _, next := range plan[i+1:] {
				if strings.Contains(next, "->") {
					break
				}
				if c, ok := strings.CutPrefix(strings.TrimSpace(next), "Index Cond: "); ok {
					cond = c
				}
			}
			if !strings.Contains(cond, "release_id =") && !strings.HasPrefix(cond, "(id =") {
				bad = append(bad, line+" "+cond)
			}
		}
	}
	return bad
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
