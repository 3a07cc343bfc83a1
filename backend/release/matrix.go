package release

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/validate"
)

// Matrix is the release dashboard's grid (DECISIONS.md 12), shaped for 2,000
// customers × 100 steps: one character per cell, not step objects.
//
// Cells[row][col] is the status of template row's step for customer col:
// 'p' pending, 'd' done, 's' skipped, 'r' reverted — upper case when the step
// is overridden — and '.' when the customer has no such step. Extras lists
// [row, col, count] for steps without a template (custom, or kept after
// their template was deleted) that follow row's step for customer col.
// Counts are [done, skipped, reverted, pending].
type Matrix struct {
	Release   MatrixRelease    `json:"release"`
	Clusters  []MatrixCluster  `json:"clusters"`
	Customers []MatrixCustomer `json:"customers"`
	Rows      []MatrixRow      `json:"rows"`
	Cells     []string         `json:"cells"`
	Extras    [][]int          `json:"extras"`
	RowCounts [][]int          `json:"rowCounts"`
	ColCounts [][]int          `json:"colCounts"`
	Total     []int            `json:"total"`
}

// MatrixRelease is the release the matrix shows.
type MatrixRelease struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	Status        string `json:"status"`
	VersionNumber string `json:"versionNumber"`
}

// MatrixCluster is a group of consecutive columns.
type MatrixCluster struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	First  int    `json:"first"`
	Count  int    `json:"count"`
	Counts []int  `json:"counts"`
}

// MatrixCustomer is one column.
type MatrixCustomer struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	ClusterID int64  `json:"clusterId"`
	IsActive  bool   `json:"isActive"`
}

// MatrixRow is one template step.
type MatrixRow struct {
	TemplateID int64  `json:"templateId"`
	Name       string `json:"name"`
	Category   string `json:"category"`
	Type       string `json:"type"`
	OrderIndex int    `json:"orderIndex"`
}

// Matrix returns the grid of a release; clusterID 0 means every cluster.
func (s *Steps) Matrix(releaseID, clusterID int64) (out Matrix, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", releaseID); err != nil {
		return out, err
	}
	if clusterID < 0 {
		return out, problem.Invalid("clusterId", "Cluster id must not be negative.")
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		out, err = BuildMatrix(ctx, db, releaseID, clusterID)
		return err
	})
	return out, err
}

// statusCode maps a status (and override flag, +8) to its cell character.
// The SQL below computes the index: 0 pending, 1 done, 2 skipped, 3 reverted.
var statusCode = [16]byte{'p', 'd', 's', 'r', 0, 0, 0, 0, 'P', 'D', 'S', 'R'}

// sqlMatrixCells reads the template steps of a release: three integers a
// row, in index order of customer_steps_release_customer_order_idx.
const sqlMatrixCells = `
SELECT customer_id, template_id,
	CASE status WHEN 'done' THEN 1 WHEN 'skipped' THEN 2 WHEN 'reverted' THEN 3 ELSE 0 END + 8 * coalesce(is_overridden, 0)
FROM customer_steps
WHERE release_id = ? AND template_id IS NOT NULL`

// sqlMatrixExtras reads the steps without a template, with the template of
// the step each follows (its anchor) — the same rule as sqlResequence.
const sqlMatrixExtras = `
SELECT cs.customer_id, cs.category,
	CASE cs.status WHEN 'done' THEN 1 WHEN 'skipped' THEN 2 WHEN 'reverted' THEN 3 ELSE 0 END,
	coalesce((SELECT a.template_id FROM customer_steps a
		WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
			AND a.order_index < cs.order_index AND a.template_id IS NOT NULL
		ORDER BY a.order_index DESC LIMIT 1), 0)
FROM customer_steps cs
WHERE cs.release_id = ? AND (cs.template_id IS NULL OR cs.is_custom = 1)`

// BuildMatrix computes the matrix inside a read (also used by benchmarks).
func BuildMatrix(ctx context.Context, db bun.IDB, releaseID, clusterID int64) (Matrix, error) {
	var m Matrix
	r, err := loadRelease(ctx, db, releaseID)
	if err != nil {
		return m, err
	}
	m.Release = MatrixRelease{ID: r.ID, Name: r.Name, Type: r.Type, Status: r.Status, VersionNumber: str(r.VersionNumber)}

	// Columns: the covered customers, grouped by cluster.
	rows, err := db.QueryContext(ctx, `
		SELECT cu.id, cu.name, cu.namespace, cl.id, cl.name, coalesce(cu.is_active, 1)
		FROM release_customers rc JOIN customers cu ON cu.id = rc.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
		WHERE rc.release_id = ?0 AND (?1 = 0 OR cu.cluster_id = ?1)
		ORDER BY cl.name, cl.id, cu.name, cu.id`, releaseID, clusterID)
	if err != nil {
		return m, fmt.Errorf("matrix columns: %w", err)
	}
	col := map[int64]int{}
	m.Customers, m.Clusters = []MatrixCustomer{}, []MatrixCluster{}
	for rows.Next() {
		var c MatrixCustomer
		var clName string
		if err := rows.Scan(&c.ID, &c.Name, &c.Namespace, &c.ClusterID, &clName, &c.IsActive); err != nil {
			rows.Close()
			return m, err
		}
		if n := len(m.Clusters); n == 0 || m.Clusters[n-1].ID != c.ClusterID {
			m.Clusters = append(m.Clusters, MatrixCluster{ID: c.ClusterID, Name: clName, First: len(m.Customers)})
		}
		m.Clusters[len(m.Clusters)-1].Count++
		col[c.ID] = len(m.Customers)
		m.Customers = append(m.Customers, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}

	// Rows: the templates, deploy then verify.
	rows, err = db.QueryContext(ctx, `SELECT id, name, category, type, order_index FROM step_templates
		WHERE release_id = ? ORDER BY category = 'verify', order_index`, releaseID)
	if err != nil {
		return m, fmt.Errorf("matrix rows: %w", err)
	}
	row := map[int64]int{}
	firstOf := map[string]int{}
	m.Rows = []MatrixRow{}
	for rows.Next() {
		var t MatrixRow
		if err := rows.Scan(&t.TemplateID, &t.Name, &t.Category, &t.Type, &t.OrderIndex); err != nil {
			rows.Close()
			return m, err
		}
		if _, ok := firstOf[t.Category]; !ok {
			firstOf[t.Category] = len(m.Rows)
		}
		row[t.TemplateID] = len(m.Rows)
		m.Rows = append(m.Rows, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}

	ncol := len(m.Customers)
	grid := make([][]byte, len(m.Rows))
	for i := range grid {
		grid[i] = make([]byte, ncol)
		for j := range grid[i] {
			grid[i][j] = '.'
		}
	}
	// Counts are small slices, not arrays: the binding generator cannot
	// type fixed-size arrays.
	counts := func(n int) [][]int {
		flat := make([]int, 4*n)
		out := make([][]int, n)
		for i := range out {
			out[i] = flat[4*i : 4*i+4 : 4*i+4]
		}
		return out
	}
	m.RowCounts = counts(len(m.Rows))
	m.ColCounts = counts(ncol)
	m.Total = make([]int, 4)
	count := func(r, c, code int) {
		k := [4]int{3, 0, 1, 2}[code&3] // done, skipped, reverted, pending order
		if r >= 0 {
			m.RowCounts[r][k]++
		}
		m.ColCounts[c][k]++
		m.Total[k]++
	}

	rows, err = db.QueryContext(ctx, sqlMatrixCells, releaseID)
	if err != nil {
		return m, fmt.Errorf("matrix cells: %w", err)
	}
	for rows.Next() {
		var cu, t int64
		var code int
		if err := rows.Scan(&cu, &t, &code); err != nil {
			rows.Close()
			return m, err
		}
		c, okc := col[cu]
		r, okr := row[t]
		if !okc || !okr {
			continue // another cluster (filtered out)
		}
		grid[r][c] = statusCode[code&11]
		count(r, c, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}

	m.Extras = [][]int{}
	extra := map[[2]int]int{}
	var order [][2]int
	rows, err = db.QueryContext(ctx, sqlMatrixExtras, releaseID)
	if err != nil {
		return m, fmt.Errorf("matrix extras: %w", err)
	}
	for rows.Next() {
		var cu, anchor int64
		var category string
		var code int
		if err := rows.Scan(&cu, &category, &code, &anchor); err != nil {
			rows.Close()
			return m, err
		}
		c, ok := col[cu]
		if !ok {
			continue
		}
		r, ok := row[anchor]
		if !ok {
			// No template step before it: show it on the category's first row.
			if r, ok = firstOf[category]; !ok {
				r = -1
			}
		}
		key := [2]int{r, c}
		if _, seen := extra[key]; !seen {
			order = append(order, key)
		}
		extra[key]++
		count(-1, c, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	for _, k := range order {
		m.Extras = append(m.Extras, []int{k[0], k[1], extra[k]})
	}

	m.Cells = make([]string, len(grid))
	for i, g := range grid {
		m.Cells[i] = string(g)
	}
	for i := range m.Clusters {
		cl := &m.Clusters[i]
		cl.Counts = make([]int, 4)
		for c := cl.First; c < cl.First+cl.Count; c++ {
			for k := 0; k < 4; k++ {
				cl.Counts[k] += m.ColCounts[c][k]
			}
		}
	}
	return m, nil
}
