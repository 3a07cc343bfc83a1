package release

import (
	"context"
	"testing"
)

// TestMatrixCellsAreTheSteps compares every cell of the matrix with its
// step's row, read one by one: the matrix reads its cells as strings (one
// per template on SQLite, one per customer on PostgreSQL, laid out by
// template in Go) and falls back to single cells where a string does not
// line up. Each case changes the release, then the whole matrix (and a
// cluster's) must match.
func TestMatrixCellsAreTheSteps(t *testing.T) {
	f := newFixture(t)
	f.fleet(2, 4)
	other := f.active("other", 2, 1) // another release's steps around this one's
	r := f.active("r", 4, 3)
	// Statuses and overrides of every kind, spread over the cells.
	f.exec(`UPDATE customer_steps SET status = CASE id % 4 WHEN 0 THEN 'done' WHEN 1 THEN 'skipped' WHEN 2 THEN 'reverted' ELSE 'pending' END,
		is_overridden = (id % 3 = 0), executed_at = 1, executed_by = 'test', skip_reason = 'test' WHERE release_id = ?`, r.ID)
	cases := []struct {
		name   string
		change string // SQL over release ?0 and the other release ?1
	}{
		{"as activated", ``},
		// The matrix's rows are in position order, template ids in creation
		// order: reversed, no row's string may land on another row.
		{"deploy steps in reverse order", `UPDATE step_templates SET order_index = -order_index WHERE release_id = ?0 AND category = 'deploy'`},
		{"a customer missing one template step", `DELETE FROM customer_steps WHERE id = (SELECT max(id) FROM customer_steps WHERE release_id = ?0 AND template_id IS NOT NULL)`},
		{"a template without steps", `INSERT INTO step_templates (release_id, name, category, type, content, order_index) VALUES (?0, 'late', 'verify', 'bash', '', 99999)`},
		{"a step without a template", `UPDATE customer_steps SET template_id = NULL WHERE id = (SELECT min(id) FROM customer_steps WHERE release_id = ?0)`},
		{"the other release's steps all done", `UPDATE customer_steps SET status = 'done', executed_at = 1, executed_by = 'test' WHERE release_id = ?1`},
	}
	db, _ := f.st.DB()
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.change != "" {
				f.exec(c.change, r.ID, other.ID)
			}
			var clusters []int64
			if err := db.NewRaw(`SELECT id FROM clusters ORDER BY id`).Scan(ctx, &clusters); err != nil {
				t.Fatal(err)
			}
			for _, cl := range append([]int64{0}, clusters...) {
				m := must[Matrix](t)(f.steps.Matrix(r.ID, cl))
				if len(m.Customers) == 0 || len(m.Rows) == 0 {
					t.Fatalf("cluster %d: an empty matrix", cl)
				}
				for i, row := range m.Rows {
					for j, cu := range m.Customers {
						want := string(CellNone)
						var code []string
						if err := db.NewRaw(`SELECT `+sqlCellCode+` FROM customer_steps WHERE release_id = ? AND customer_id = ? AND template_id = ?`,
							r.ID, cu.ID, row.TemplateID).Scan(ctx, &code); err != nil {
							t.Fatal(err)
						}
						if len(code) == 1 {
							want = code[0]
						}
						if got := m.Cells[i][j : j+1]; got != want {
							t.Errorf("cluster %d: cell of %s for %s is %q, its step says %q", cl, row.Name, cu.Name, got, want)
						}
					}
				}
			}
		})
	}
}
