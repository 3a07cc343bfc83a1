package report

import (
	"database/sql"
	"strings"
)

// column pairs a selected expression with the field its value is scanned
// into. Reports stream a few million cells through database/sql one row at
// a time (Bun's scanning by name loads a whole result), so rows are scanned
// positionally; writing each expression beside its destination keeps the
// SELECT list and the Scan arguments from drifting apart.
type column struct {
	expr string
	dest any
}

type columns []column

// list is the SELECT list.
func (cs columns) list() string {
	exprs := make([]string, len(cs))
	for i, c := range cs {
		exprs[i] = c.expr
	}
	return strings.Join(exprs, ", ")
}

// dests are the Scan arguments, in the same order.
func (cs columns) dests() []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = c.dest
	}
	return out
}

// stepRow is what one row of a step query scans into: one is reused for
// every row and copied out by result.
type stepRow struct {
	step
	runID    sql.NullInt64
	run      runInfo
	outcome  string
	content  sql.NullString
	template sql.NullString
}

// state is the columns every step query reads.
func (s *stepRow) state() columns {
	return columns{
		{"cs.template_id", &s.TemplateID},
		{"cs.name", &s.Name},
		{"cs.category", &s.Category},
		{"cs.type", &s.Type},
		{"coalesce(cs.status, 'pending')", &s.Status},
		{"cs.executed_at", &s.ExecutedAt},
		{"coalesce(cs.executed_by, '')", &s.ExecutedBy},
		{"coalesce(cs.skip_reason, '')", &s.SkipReason},
		{"coalesce(cs.notes, '')", &s.Notes},
		{"coalesce(cs.is_custom, false)", &s.Custom},
		{"coalesce(cs.is_overridden, false)", &s.Overridden},
	}
}

// lean is what the tables and the CSV show, with the latest run's outcome
// alone. The driver's cost is per cell, and reports read millions of them.
func (s *stepRow) lean() columns {
	return append(s.state(), column{
		"coalesce((SELECT r2.outcome FROM step_runs r2 WHERE r2.step_id = cs.id ORDER BY r2.id DESC LIMIT 1), '')", &s.outcome,
	})
}

// full adds the step's identity and its latest run (joined as run, see
// latestRun).
func (s *stepRow) full() columns {
	return append(append(columns{
		{"cs.id", &s.ID},
		{"cs.customer_id", &s.CustomerID},
		{"cs.order_index", &s.OrderIndex},
	}, s.state()...),
		column{"run.id", &s.runID},
		column{"coalesce(run.outcome, '')", &s.run.Outcome},
		column{"run.exit_code", &s.run.ExitCode},
		column{"coalesce(run.started_at, 0)", &s.run.StartedAt},
		column{"run.finished_at", &s.run.FinishedAt},
		column{"coalesce(run.actor, '')", &s.run.Actor},
	)
}

// result is the scanned step. Pointer fields are fresh per row (the driver
// allocates them), so the copy shares nothing with the next row.
func (s *stepRow) result() step {
	out := s.step
	out.Run = nil
	switch {
	case s.runID.Valid:
		run := s.run
		run.ID = s.runID.Int64
		out.Run = &run
	case s.outcome != "":
		out.Run = &runInfo{Outcome: s.outcome}
	}
	out.Content = nil
	if s.content.Valid {
		c := s.content.String
		out.Content = &c
	}
	return out
}
