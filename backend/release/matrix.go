package release

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Matrix is the release page's grid (docs/design.md, "The matrix"), shaped
// for 2,000 customers × 100 steps: one character per cell, not step
// objects.
//
// Cells[row] is a string of CellCode characters, one per column: the state
// of row's template step for that customer. Extras lists [row, col, count]
// for steps without a template (custom, or kept after their template was
// deleted) that follow row's step for customer col. Rules is the state
// machine — each action, where it starts and where it leads — so the
// frontend offers exactly what it allows.
type Matrix struct {
	Release   MatrixRelease       `json:"release"`
	Clusters  []MatrixCluster     `json:"clusters"`
	Customers []MatrixCustomer    `json:"customers"`
	Rows      []MatrixRow         `json:"rows"`
	Cells     []string            `json:"cells"`
	Extras    [][]int             `json:"extras"`
	RowCounts []progress.Progress `json:"rowCounts"`
	ColCounts []progress.Progress `json:"colCounts"`
	Total     progress.Progress   `json:"total"`
	Rules     []ActionRule        `json:"rules"`
	// Failed lists [row, col] of the template steps whose last run failed
	// or timed out: the matrix marks them and filters on them.
	Failed [][]int `json:"failed"`
}

// MatrixRelease is the release the matrix shows.
type MatrixRelease struct {
	ID            int64         `json:"id"`
	Name          string        `json:"name"`
	Type          ReleaseType   `json:"type"`
	Status        ReleaseStatus `json:"status"`
	VersionNumber string        `json:"versionNumber"`
}

// MatrixCluster is a group of consecutive columns.
type MatrixCluster struct {
	ID     int64             `json:"id"`
	Name   string            `json:"name"`
	First  int               `json:"first"`
	Count  int               `json:"count"`
	Counts progress.Progress `json:"counts"`
}

// MatrixCustomer is one column. A held customer's column counts apart:
// its steps are in its own figures, in no row's, cluster's or the total's.
type MatrixCustomer struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
	ClusterID  int64  `json:"clusterId"`
	IsActive   bool   `json:"isActive"`
	HeldAt     *int64 `json:"heldAt"`
	HeldBy     string `json:"heldBy"`
	HoldReason string `json:"holdReason"`
}

// MatrixRow is one template step.
type MatrixRow struct {
	TemplateID int64    `json:"templateId"`
	Name       string   `json:"name"`
	Category   Category `json:"category"`
	Type       StepType `json:"type"`
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
		out, err = buildMatrix(ctx, db, releaseID, clusterID)
		return err
	})
	return out, err
}

// sqlMatrixColumns are the covered customers, grouped by cluster.
const sqlMatrixColumns = `
SELECT cu.id, cu.name, cu.namespace, cl.id AS cluster_id, cl.name AS cluster_name, coalesce(cu.is_active, true) AS is_active,
	rc.held_at, coalesce(rc.held_by, '') AS held_by, coalesce(rc.hold_reason, '') AS hold_reason
FROM release_customers rc JOIN customers cu ON cu.id = rc.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
WHERE rc.release_id = ?0 AND (?1 = 0 OR cu.cluster_id = ?1)
ORDER BY cl.name, cl.id, cu.name, cu.id`

// sqlCellCode is a step's cell code: the first letter of its status,
// upper case when its content is overridden.
const sqlCellCode = `CASE WHEN coalesce(is_overridden, false) THEN upper(substr(coalesce(status, 'pending'), 1, 1)) ELSE substr(coalesce(status, 'pending'), 1, 1) END`

// sqlMatrixCells reads the template steps of a release as one string of
// cell codes per template, ordered by customer id. It is an in-order scan of
// customer_steps_template_idx (covering: no table access), and it hands Go
// 100 strings instead of 200,000 rows — the per-row cost of the driver is
// what made the matrix slow. Every covered customer has exactly one step
// per template, so all strings line up with the covered customers sorted by
// id; a row that does not (n differs) is read cell by cell.
//
// The order within a string is the index's: (template_id, customer_id, …).
// group_concat appends in the order rows arrive, and they arrive straight
// from the index cursor — the index is named, and TestQueryPlansUseIndexes
// checks the plan has no sorter (a temporary B-tree) that could reorder
// them. An ORDER BY inside group_concat says the same but sorts every
// template's rows again: 400 of 700 ms at 10,000 customers.
const sqlMatrixCells = `
SELECT template_id, count(*), group_concat(
	` + sqlCellCode + `,
	'')
FROM customer_steps INDEXED BY customer_steps_template_idx
WHERE template_id IN (SELECT id FROM step_templates WHERE release_id = ?)
GROUP BY template_id`

// sqlMatrixRow is the cell-by-cell fallback for one template.
const sqlMatrixRow = `
SELECT customer_id, ` + sqlCellCode + ` AS code
FROM customer_steps WHERE template_id = ?`

// sqlMatrixCellsPG is sqlMatrixCells for PostgreSQL, which keeps no index
// led by the template (pgmigrations/0009): one string per customer instead,
// its template steps' codes in template id order. It is an index-only scan
// of the release's entries in unique_customer_step (release, customer,
// template; it holds the status), whose rows arrive grouped by customer, so
// nothing but each customer's 100 codes is sorted. PostgreSQL's aggregates
// promise no order of their own: string_agg is told it. 2,000 strings reach
// Go instead of 200,000 rows; Go lays them out by template (templateCells).
const sqlMatrixCellsPG = `
SELECT customer_id, count(*), string_agg(
	` + sqlCellCode + `,
	'' ORDER BY template_id)
FROM customer_steps WHERE release_id = ? AND template_id IS NOT NULL
GROUP BY customer_id`

// sqlMatrixColumnsPG is the cell-by-cell fallback for the customers listed
// in ?1 (store.IDs), all in one statement: a template without steps puts
// every customer there.
const sqlMatrixColumnsPG = `
SELECT customer_id, template_id, ` + sqlCellCode + ` AS code
FROM customer_steps WHERE release_id = ?0 AND customer_id IN ?1 AND template_id IS NOT NULL`

// sqlMatrixExtras reads the steps without a template, with the template of
// the step each follows (its anchor) — the same rule as sqlPlaceAnchored.
// They are read through their partial index, named: with release_id alone
// to go on, and no statistics, the planner would take customer_steps_release_id_idx
// and walk all of the release's steps.
const sqlMatrixExtras = `
SELECT cs.customer_id, cs.category, coalesce(cs.status, 'pending') AS status,
	coalesce((SELECT a.template_id FROM customer_steps a
		WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
			AND a.order_index < cs.order_index AND a.template_id IS NOT NULL
		ORDER BY a.order_index DESC LIMIT 1), 0) AS anchor
FROM customer_steps cs INDEXED BY customer_steps_untemplated_idx
WHERE cs.release_id = ? AND cs.template_id IS NULL`

// grid is a matrix being built: where each customer and template landed.
type grid struct {
	m       *Matrix
	col     map[int64]int // customer id → column
	row     map[int64]int // template id → row
	firstOf map[Category]int
	cells   [][]byte
	counts  struct{ rows, cols []progress.Counter }
}

// buildMatrix computes the matrix inside a read: the columns, the rows, the
// cells of the template steps, the extras, then the counts.
func buildMatrix(ctx context.Context, db bun.IDB, releaseID, clusterID int64) (Matrix, error) {
	m := Matrix{Rules: actionRules()}
	r, err := loadRelease(ctx, db, releaseID)
	if err != nil {
		return m, err
	}
	m.Release = MatrixRelease{ID: r.ID, Name: r.Name, Type: ReleaseType(r.Type), Status: ReleaseStatus(r.Status), VersionNumber: store.TextOf(r.VersionNumber)}
	g := &grid{m: &m}
	if err := g.columns(ctx, db, releaseID, clusterID); err != nil {
		return m, err
	}
	if err := g.rows(ctx, db, releaseID); err != nil {
		return m, err
	}
	if err := g.templateCells(ctx, db, releaseID); err != nil {
		return m, err
	}
	if err := g.extras(ctx, db, releaseID); err != nil {
		return m, err
	}
	if err := g.failedRuns(ctx, db, releaseID); err != nil {
		return m, err
	}
	g.finish()
	return m, nil
}

// columns reads the covered customers, grouped by cluster.
func (g *grid) columns(ctx context.Context, db bun.IDB, releaseID, clusterID int64) error {
	var cols []struct {
		MatrixCustomer
		ClusterName string `bun:"cluster_name"`
	}
	if err := db.NewRaw(sqlMatrixColumns, releaseID, clusterID).Scan(ctx, &cols); err != nil {
		return fmt.Errorf("matrix columns: %w", err)
	}
	m := g.m
	g.col = make(map[int64]int, len(cols))
	m.Customers, m.Clusters = make([]MatrixCustomer, 0, len(cols)), []MatrixCluster{}
	for _, c := range cols {
		if n := len(m.Clusters); n == 0 || m.Clusters[n-1].ID != c.ClusterID {
			m.Clusters = append(m.Clusters, MatrixCluster{ID: c.ClusterID, Name: c.ClusterName, First: len(m.Customers)})
		}
		m.Clusters[len(m.Clusters)-1].Count++
		g.col[c.ID] = len(m.Customers)
		m.Customers = append(m.Customers, c.MatrixCustomer)
	}
	g.counts.cols = make([]progress.Counter, len(m.Customers))
	return nil
}

// rows reads the templates, deploy then verify, and lays out empty cells.
func (g *grid) rows(ctx context.Context, db bun.IDB, releaseID int64) error {
	m := g.m
	m.Rows = []MatrixRow{}
	if err := db.NewRaw(`SELECT id AS template_id, name, category, type FROM step_templates
		WHERE release_id = ? ORDER BY category = 'verify', order_index`, releaseID).Scan(ctx, &m.Rows); err != nil {
		return fmt.Errorf("matrix rows: %w", err)
	}
	g.row = make(map[int64]int, len(m.Rows))
	g.firstOf = map[Category]int{}
	for i, t := range m.Rows {
		if _, ok := g.firstOf[t.Category]; !ok {
			g.firstOf[t.Category] = i
		}
		g.row[t.TemplateID] = i
	}
	g.cells = make([][]byte, len(m.Rows))
	for i := range g.cells {
		g.cells[i] = make([]byte, len(m.Customers))
		for j := range g.cells[i] {
			g.cells[i][j] = CellNone[0]
		}
	}
	g.counts.rows = make([]progress.Counter, len(m.Rows))
	return nil
}

// put sets one cell and counts it.
func (g *grid) put(r, c int, ch byte) {
	st, ok := cellStatus(ch)
	if !ok {
		return
	}
	g.cells[r][c] = ch
	g.counts.cols[c].Add(string(st), 1)
	if g.m.Customers[c].HeldAt != nil {
		g.counts.rows[r].Held(1)
		g.counts.rows[r].HeldCustomer()
	} else {
		g.counts.rows[r].Add(string(st), 1)
	}
}

// templateCells reads the cells of the template steps, one string per row
// (on PostgreSQL, per column: templateCellsPG).
func (g *grid) templateCells(ctx context.Context, db bun.IDB, releaseID int64) error {
	if store.Postgres(db) {
		return g.templateCellsPG(ctx, db, releaseID)
	}
	// The covered customers by id: the order of every row string.
	var byID []int64
	if err := db.NewRaw(`SELECT customer_id FROM release_customers WHERE release_id = ? ORDER BY customer_id`, releaseID).Scan(ctx, &byID); err != nil {
		return fmt.Errorf("matrix customers: %w", err)
	}
	colOf := make([]int, len(byID)) // position in byID → column, -1 when filtered out
	for i, id := range byID {
		if c, ok := g.col[id]; ok {
			colOf[i] = c
		} else {
			colOf[i] = -1
		}
	}
	uneven, err := layCodeStrings(ctx, db, sqlMatrixCells, releaseID, len(byID), g.row, func(r, i int, code byte) {
		if c := colOf[i]; c >= 0 {
			g.put(r, c, code)
		}
	})
	if err != nil {
		return err
	}
	for _, t := range uneven {
		var cells []struct {
			CustomerID int64  `bun:"customer_id"`
			Code       string `bun:"code"`
		}
		if err := db.NewRaw(sqlMatrixRow, t).Scan(ctx, &cells); err != nil {
			return fmt.Errorf("matrix row of template %d: %w", t, err)
		}
		for _, cell := range cells {
			if c, ok := g.col[cell.CustomerID]; ok && cell.Code != "" {
				g.put(g.row[t], c, cell.Code[0])
			}
		}
	}
	return nil
}

// layCodeStrings runs q, a matrix cells statement whose rows are (key,
// count, codes): a row or column of the grid (lines maps its key; a key
// not there is skipped) and its cells in a known order. A string that holds
// exactly want codes is laid out by put(line, position, code); the keys of
// those that do not are returned, to be read cell by cell. The rows are
// closed before it returns: those statements come after, on the same
// connection.
func layCodeStrings(ctx context.Context, db bun.IDB, q string, releaseID int64, want int, lines map[int64]int, put func(line, i int, code byte)) (uneven []int64, err error) {
	rows, err := db.QueryContext(ctx, q, releaseID)
	if err != nil {
		return nil, fmt.Errorf("matrix cells: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key int64
		var n int
		var codes string
		if err := rows.Scan(&key, &n, &codes); err != nil {
			return nil, fmt.Errorf("matrix cells: %w", err)
		}
		line, ok := lines[key]
		switch {
		case !ok:
		case n != want || len(codes) != n:
			uneven = append(uneven, key)
		default:
			for i := 0; i < n; i++ {
				put(line, i, codes[i])
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("matrix cells: %w", err)
	}
	return uneven, nil
}

// templateCellsPG reads the cells of the template steps one string per
// customer (sqlMatrixCellsPG). Every covered customer has exactly one step
// per template, so all strings line up with the release's templates sorted
// by id; the customers whose strings do not (n differs) are read cell by
// cell.
func (g *grid) templateCellsPG(ctx context.Context, db bun.IDB, releaseID int64) error {
	byID := make([]int64, 0, len(g.m.Rows))
	for _, r := range g.m.Rows {
		byID = append(byID, r.TemplateID)
	}
	slices.Sort(byID)
	rowOf := make([]int, len(byID))
	for i, id := range byID {
		rowOf[i] = g.row[id]
	}
	uneven, err := layCodeStrings(ctx, db, sqlMatrixCellsPG, releaseID, len(byID), g.col, func(c, i int, code byte) {
		g.put(rowOf[i], c, code)
	})
	if err != nil || len(uneven) == 0 {
		return err
	}
	var cells []struct {
		CustomerID int64  `bun:"customer_id"`
		TemplateID int64  `bun:"template_id"`
		Code       string `bun:"code"`
	}
	if err := db.NewRaw(sqlMatrixColumnsPG, releaseID, store.IDs(uneven)).Scan(ctx, &cells); err != nil {
		return fmt.Errorf("matrix cells of %d customers: %w", len(uneven), err)
	}
	for _, cell := range cells {
		if r, ok := g.row[cell.TemplateID]; ok && cell.Code != "" {
			g.put(r, g.col[cell.CustomerID], cell.Code[0])
		}
	}
	return nil
}

// extras reads the steps without a template and marks the cell of the step
// each follows; they count in their column (they are the customer's steps)
// but in no template row.
func (g *grid) extras(ctx context.Context, db bun.IDB, releaseID int64) error {
	var steps []struct {
		CustomerID int64    `bun:"customer_id"`
		Category   Category `bun:"category"`
		Status     Status   `bun:"status"`
		Anchor     int64    `bun:"anchor"`
	}
	if err := db.NewRaw(store.Hinted(db, sqlMatrixExtras), releaseID).Scan(ctx, &steps); err != nil {
		return fmt.Errorf("matrix extras: %w", err)
	}
	extra := map[[2]int]int{}
	var order [][2]int
	for _, s := range steps {
		c, ok := g.col[s.CustomerID]
		if !ok {
			continue
		}
		r, ok := g.row[s.Anchor]
		if !ok {
			// No template step before it: show it on the category's first row.
			if r, ok = g.firstOf[s.Category]; !ok {
				r = -1
			}
		}
		key := [2]int{r, c}
		if _, seen := extra[key]; !seen {
			order = append(order, key)
		}
		extra[key]++
		g.counts.cols[c].Add(string(s.Status), 1)
	}
	g.m.Extras = make([][]int, 0, len(order))
	for _, k := range order {
		g.m.Extras = append(g.m.Extras, []int{k[0], k[1], extra[k]})
	}
	return nil
}

// sqlFailedRuns finds the steps of a release whose last run failed or timed
// out: the release's runs (step_runs_release_idx), each checked against its
// step's newest run (step_runs_step_idx).
const sqlFailedRuns = `SELECT cs.template_id, cs.customer_id FROM step_runs run JOIN customer_steps cs ON cs.id = run.step_id
WHERE run.release_id = ? AND run.outcome IN ('failed', 'timed_out') AND cs.template_id IS NOT NULL
  AND run.id = (SELECT max(r2.id) FROM step_runs r2 WHERE r2.step_id = run.step_id)`

// failedRuns marks the cells whose last run failed.
func (g *grid) failedRuns(ctx context.Context, db bun.IDB, releaseID int64) error {
	var rows []struct {
		TemplateID int64 `bun:"template_id"`
		CustomerID int64 `bun:"customer_id"`
	}
	if err := db.NewRaw(sqlFailedRuns, releaseID).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("matrix failed runs: %w", err)
	}
	g.m.Failed = make([][]int, 0, len(rows))
	for _, x := range rows {
		r, okR := g.row[x.TemplateID]
		c, okC := g.col[x.CustomerID]
		if okR && okC {
			g.m.Failed = append(g.m.Failed, []int{r, c})
		}
	}
	return nil
}

// finish turns the cells into strings and the counters into progress, per
// row, column, cluster and in total.
func (g *grid) finish() {
	m := g.m
	m.Cells = make([]string, len(g.cells))
	for i, c := range g.cells {
		m.Cells[i] = string(c)
	}
	m.RowCounts = make([]progress.Progress, len(g.counts.rows))
	for i, c := range g.counts.rows {
		m.RowCounts[i] = c.Progress()
	}
	// A held column counts apart in its cluster and the total.
	apart := func(sum *progress.Counter, c int) {
		if g.m.Customers[c].HeldAt == nil {
			sum.Merge(g.counts.cols[c])
			return
		}
		sum.HeldCustomer()
		sum.Held(g.counts.cols[c].Progress().Total)
	}
	var total progress.Counter
	m.ColCounts = make([]progress.Progress, len(g.counts.cols))
	for i, c := range g.counts.cols {
		m.ColCounts[i] = c.Progress()
		apart(&total, i)
	}
	m.Total = total.Progress()
	for i := range m.Clusters {
		cl := &m.Clusters[i]
		var sum progress.Counter
		for c := cl.First; c < cl.First+cl.Count; c++ {
			apart(&sum, c)
		}
		cl.Counts = sum.Progress()
	}
}
