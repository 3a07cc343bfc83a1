package report

import (
	"context"
	"database/sql"
	"fmt"
	"shipdeck/backend/store"
	"strings"
)

// step is one customer step as reports show it.
type step struct {
	ID         int64
	CustomerID int64
	TemplateID *int64
	Name       string
	Category   string
	Type       string
	OrderIndex int
	Position   int // rank within the customer's category, from 1
	Status     string
	ExecutedAt *int64
	ExecutedBy string
	SkipReason string
	Notes      string
	Custom     bool
	Overridden bool
	// Content is set when it was asked for and differs from the template's
	// current content (or there is no template).
	Content *string
	Run     *runInfo // the latest run, if any
}

// source is where the step's content comes from, as the step panel says.
func (s *step) source() string {
	switch {
	case s.Custom:
		return "custom"
	case s.TemplateID == nil:
		return "template-deleted"
	case s.Overridden:
		return "overridden"
	}
	return "template"
}

// runInfo is one row of step_runs.
type runInfo struct {
	ID         int64
	Outcome    string
	ExitCode   *int
	StartedAt  int64
	FinishedAt *int64
	Actor      string
}

// latestRun joins a step's newest run (step_runs_step_idx finds it).
const latestRun = ` LEFT JOIN step_runs run ON run.id = (SELECT max(r2.id) FROM step_runs r2 WHERE r2.step_id = cs.id)`

// differingContent is the step's content when its template's differs.
const differingContent = `CASE WHEN t.id IS NULL OR t.content <> cs.content THEN cs.content END`

// customerStepsWhere is served by customer_steps_release_customer_idx; the
// hundred-odd rows of a customer are sorted in memory.
const customerStepsWhere = ` WHERE cs.release_id = ? AND cs.customer_id = ?
	ORDER BY cs.category = 'verify', cs.category, cs.order_index, cs.id`

// preparer is what bun.Conn and bun.Tx offer beyond bun.IDB: a statement
// prepared once for all customers.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// eachCustomer calls fn with every selected customer and its steps, deploy
// then verify, each by position. Only one customer's steps are in memory at
// a time; the slice is reused, so fn must not keep it. full reads every
// column, the latest run and the content of steps that differ from their
// template; otherwise Run holds the latest outcome alone.
func (r *run) eachCustomer(full bool, fn func(c *customerInfo, steps []step) error) error {
	var row stepRow
	cols := row.lean()
	from := ` FROM customer_steps cs`
	if full {
		cols = append(row.full(), column{differingContent, &row.content})
		from += latestRun + ` LEFT JOIN step_templates t ON t.id = cs.template_id`
	}
	q := `SELECT ` + cols.list() + from + customerStepsWhere
	dests := cols.dests()
	query := func(customerID int64) (*sql.Rows, error) {
		return r.db.QueryContext(r.ctx, q, r.rel.ID, customerID)
	}
	if p, ok := r.db.(preparer); ok {
		stmt, err := p.PrepareContext(r.ctx, store.Prepared(r.db, q))
		if err != nil {
			return fmt.Errorf("read steps: %w", err)
		}
		defer stmt.Close()
		query = func(customerID int64) (*sql.Rows, error) {
			return stmt.QueryContext(r.ctx, r.rel.ID, customerID)
		}
	}
	var buf []step
	for _, c := range r.customers {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		buf = buf[:0]
		rows, err := query(c.ID)
		if err != nil {
			return fmt.Errorf("read steps: %w", err)
		}
		pos, cat := 0, ""
		for rows.Next() {
			if err := rows.Scan(dests...); err != nil {
				rows.Close()
				return fmt.Errorf("read steps: %w", err)
			}
			buf = append(buf, row.result())
			s := &buf[len(buf)-1]
			s.CustomerID = c.ID
			if s.Category != cat {
				pos, cat = 0, s.Category
			}
			pos++
			s.Position = pos
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read steps: %w", err)
		}
		if err := fn(c, buf); err != nil {
			return err
		}
		for range buf {
			if err := r.step(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Exception kinds: the steps a reader of a report must not miss.
const (
	excSkipped         = "skipped"
	excReverted        = "reverted"
	excOverridden      = "overridden"
	excCustom          = "custom"
	excTemplateDeleted = "template-deleted"
	excFailedRun       = "failed-run"
)

var exceptionWhere = map[string]string{
	excSkipped:         `cs.status = 'skipped'`,
	excReverted:        `cs.status = 'reverted'`,
	excOverridden:      `coalesce(cs.is_overridden, false)`,
	excCustom:          `coalesce(cs.is_custom, false)`,
	excTemplateDeleted: `cs.template_id IS NULL AND NOT coalesce(cs.is_custom, false)`,
	excFailedRun:       `run.outcome IN ('failed', 'timed_out', 'interrupted')`,
}

// exception is one step of an exception list, with what the list shows.
type exception struct {
	step
	Customer *customerInfo
	// Content is the step's own content; Template the template's current
	// content (nil without a template).
	Content  string
	Template *string
}

// sqlRank is a step's position within its customer's category, counted
// over customer_steps_release_customer_idx: cheap for the few exception
// rows, where a window function would sort the whole release.
const sqlRank = `(SELECT count(*) FROM customer_steps b WHERE b.release_id = cs.release_id AND b.customer_id = cs.customer_id
	AND b.category = cs.category AND (b.order_index < cs.order_index OR (b.order_index = cs.order_index AND b.id <= cs.id)))`

// countExceptions counts the steps of each kind in the selection.
func (r *run) countExceptions() (map[string]int, error) {
	out := map[string]int{}
	for kind := range exceptionWhere {
		q := `SELECT count(*) FROM customer_steps cs` + latestRun + `
			WHERE cs.release_id = ? AND cs.customer_id IN ? AND ` + exceptionWhere[kind]
		if kind != excFailedRun {
			q = `SELECT count(*) FROM customer_steps cs WHERE cs.release_id = ? AND cs.customer_id IN ? AND ` + exceptionWhere[kind]
		}
		var n int
		if err := r.db.QueryRowContext(r.ctx, q, r.rel.ID, r.scope).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s steps: %w", kind, err)
		}
		out[kind] = n
	}
	return out, nil
}

// eachException calls fn with every step of a kind in the selection, in
// report order (cluster, customer, category, position). withContent reads
// the step's and its template's content.
func (r *run) eachException(kind string, withContent bool, fn func(e *exception) error) error {
	var row stepRow
	cols := append(row.full(), column{sqlRank, &row.Position})
	from := `customer_steps cs` + latestRun
	if withContent {
		cols = append(cols, column{"cs.content", &row.content}, column{"t.content", &row.template})
		from += ` LEFT JOIN step_templates t ON t.id = cs.template_id`
	}
	q := `SELECT ` + cols.list() + `
		FROM ` + from + ` JOIN customers cu ON cu.id = cs.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
		WHERE cs.release_id = ? AND cs.customer_id IN ? AND ` + exceptionWhere[kind] + `
		ORDER BY cl.name, cl.id, cu.name, cu.id, cs.category = 'verify', cs.category, cs.order_index, cs.id`
	rows, err := r.db.QueryContext(r.ctx, q, r.rel.ID, r.scope)
	if err != nil {
		return fmt.Errorf("read %s steps: %w", kind, err)
	}
	defer rows.Close()
	dests := cols.dests()
	for rows.Next() {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if err := rows.Scan(dests...); err != nil {
			return fmt.Errorf("read %s steps: %w", kind, err)
		}
		e := exception{step: row.result(), Content: row.content.String}
		e.step.Content = nil
		if row.template.Valid {
			t := row.template.String
			e.Template = &t
		}
		e.Customer = r.byID[e.CustomerID]
		if e.Customer == nil {
			continue
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s steps: %w", kind, err)
	}
	return nil
}

// historyEntry is one row of step_history.
type historyEntry struct {
	ID            int64
	At            int64
	Actor         string
	Source        string
	Action        string
	CustomerID    *int64
	StepID        *int64
	TemplateID    *int64
	StepName      string
	FromStatus    *string
	ToStatus      *string
	Note          *string
	ContentBefore *string
	ContentAfter  *string
	Rendered      *string
	Detail        *string
}

// eachHistory calls fn with the release's history, oldest first: the
// events of the release itself (no customer) and those of the selected
// customers. step_history_release_idx serves the order.
func (r *run) eachHistory(fn func(h *historyEntry) error) error {
	var h historyEntry
	cols := columns{
		{"h.id", &h.ID},
		{"h.created_at", &h.At},
		{"h.actor", &h.Actor},
		{"coalesce(h.source, 'app')", &h.Source},
		{"h.action", &h.Action},
		{"h.customer_id", &h.CustomerID},
		{"h.step_id", &h.StepID},
		{"h.template_id", &h.TemplateID},
		{"h.step_name", &h.StepName},
		{"h.from_status", &h.FromStatus},
		{"h.to_status", &h.ToStatus},
		{"h.note", &h.Note},
		{"h.content_before", &h.ContentBefore},
		{"h.content_after", &h.ContentAfter},
		{"h.rendered", &h.Rendered},
		{"h.detail", &h.Detail},
	}
	rows, err := r.db.QueryContext(r.ctx, `SELECT `+cols.list()+`
		FROM step_history h WHERE h.release_id = ? AND (h.customer_id IS NULL OR h.customer_id IN ?)
		ORDER BY h.id`, r.rel.ID, r.scope)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	dests := cols.dests()
	n := 0
	for rows.Next() {
		if n++; n%progressEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		if err := rows.Scan(dests...); err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		// A report of some customers may go to one of them: the release's
		// own events keep what happened, not their detail, which can name
		// other customers (activation lists those lacking a variable).
		if h.CustomerID == nil && r.sel.Kind() != "release" {
			h.Detail = nil
		}
		if err := fn(&h); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	return nil
}

// template is one step template of the release.
type template struct {
	ID          int64
	Category    string
	Position    int
	OrderIndex  int
	Name        string
	Type        string
	Description string
	Content     string
}

// eachTemplate calls fn with the release's templates, deploy then verify,
// each by position.
func (r *run) eachTemplate(fn func(t *template) error) error {
	var t template
	cols := columns{
		{"id", &t.ID},
		{"category", &t.Category},
		{"order_index", &t.OrderIndex},
		{"name", &t.Name},
		{"type", &t.Type},
		{"coalesce(description, '')", &t.Description},
		{"content", &t.Content},
	}
	rows, err := r.db.QueryContext(r.ctx, `SELECT `+cols.list()+`
		FROM step_templates WHERE release_id = ? ORDER BY category = 'verify', category, order_index, id`, r.rel.ID)
	if err != nil {
		return fmt.Errorf("read templates: %w", err)
	}
	defer rows.Close()
	dests := cols.dests()
	pos, cat := 0, ""
	for rows.Next() {
		if err := rows.Scan(dests...); err != nil {
			return fmt.Errorf("read templates: %w", err)
		}
		if t.Category != cat {
			pos, cat = 0, t.Category
		}
		pos++
		t.Position = pos
		if err := fn(&t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read templates: %w", err)
	}
	return nil
}

// stepLabel is "Deploy 3 · Name".
func stepLabel(category string, position int, name string) string {
	return fmt.Sprintf("%s %d · %s", categoryTitle(category), position, name)
}

// runOutcomeText is an outcome in words.
func runOutcomeText(outcome string) string {
	return strings.ReplaceAll(outcome, "_", " ")
}
