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

// cellCode maps a cell character to 0 pending, 1 done, 2 skipped, 3 reverted.
func cellCode(ch byte) int {
	switch ch | 0x20 { // lower case
	case 'd':
		return 1
	case 's':
		return 2
	case 'r':
		return 3
	}
	return 0
}

// sqlMatrixCells reads the template steps of a release as one string of
// status characters per template, ordered by customer id. It is an in-order
// scan of customer_steps_template_idx (covering: no table access), and it
// hands Go 100 strings instead of 200,000 rows — the per-row cost of the
// driver is what made the matrix slow. Every covered customer has exactly one
// step per template, so all strings line up with the covered customers
// sorted by id; a row that does not (n differs) is read cell by cell.
const sqlMatrixCells = `
SELECT template_id, count(*), group_concat(
	CASE WHEN coalesce(is_overridden, 0) THEN upper(substr(coalesce(status, 'pending'), 1, 1)) ELSE substr(coalesce(status, 'pending'), 1, 1) END,
	'' ORDER BY customer_id)
FROM customer_steps
WHERE template_id IN (SELECT id FROM step_templates WHERE release_id = ?)
GROUP BY template_id`

// sqlMatrixRow is the cell-by-cell fallback for one template.
const sqlMatrixRow = `
SELECT customer_id, CASE WHEN coalesce(is_overridden, 0) THEN upper(substr(coalesce(status, 'pending'), 1, 1)) ELSE substr(coalesce(status, 'pending'), 1, 1) END
FROM customer_steps WHERE template_id = ?`

// sqlMatrixExtras reads the steps without a template, with the template of
// the step each follows (its anchor) — the same rule as sqlPlaceAnchored.
// They are read through their partial index, named: with release_id alone
// to go on, and no statistics, the planner would take customer_steps_release_id_idx
// and walk all of the release's steps.
const sqlMatrixExtras = `
SELECT cs.customer_id, cs.category,
	CASE cs.status WHEN 'done' THEN 1 WHEN 'skipped' THEN 2 WHEN 'reverted' THEN 3 ELSE 0 END,
	coalesce((SELECT a.template_id FROM customer_steps a
		WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
			AND a.order_index < cs.order_index AND a.template_id IS NOT NULL
		ORDER BY a.order_index DESC LIMIT 1), 0)
FROM customer_steps cs INDEXED BY customer_steps_untemplated_idx
WHERE cs.release_id = ? AND cs.template_id IS NULL`

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

	// The covered customers by id: the order of every row string.
	var byID []int64
	if err := db.NewRaw(`SELECT customer_id FROM release_customers WHERE release_id = ? ORDER BY customer_id`, releaseID).Scan(ctx, &byID); err != nil {
		return m, fmt.Errorf("matrix customers: %w", err)
	}
	colOf := make([]int, len(byID)) // position in byID → column, -1 when filtered out
	for i, id := range byID {
		if c, ok := col[id]; ok {
			colOf[i] = c
		} else {
			colOf[i] = -1
		}
	}
	put := func(r, c int, ch byte) {
		grid[r][c] = ch
		count(r, c, cellCode(ch))
	}
	rows, err = db.QueryContext(ctx, sqlMatrixCells, releaseID)
	if err != nil {
		return m, fmt.Errorf("matrix cells: %w", err)
	}
	var uneven []int64
	for rows.Next() {
		var t int64
		var n int
		var codes string
		if err := rows.Scan(&t, &n, &codes); err != nil {
			rows.Close()
			return m, err
		}
		r, ok := row[t]
		if !ok {
			continue
		}
		if n != len(byID) || len(codes) != n {
			uneven = append(uneven, t)
			continue
		}
		for i := 0; i < n; i++ {
			if c := colOf[i]; c >= 0 {
				put(r, c, codes[i])
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	for _, t := range uneven {
		rows, err := db.QueryContext(ctx, sqlMatrixRow, t)
		if err != nil {
			return m, fmt.Errorf("matrix row: %w", err)
		}
		for rows.Next() {
			var cu int64
			var ch string
			if err := rows.Scan(&cu, &ch); err != nil {
				rows.Close()
				return m, err
			}
			if c, ok := col[cu]; ok && ch != "" {
				put(row[t], c, ch[0])
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return m, err
		}
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
