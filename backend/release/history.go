package release

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/store"
)

// History actions besides the four status actions.
const (
	HistoryOverride = "override"
	HistoryReset    = "reset"
	HistoryAdd      = "add"
	HistoryEdit     = "edit"
	HistoryDelete   = "delete"
)

// record writes one history row for one step.
func record(ctx context.Context, tx bun.IDB, step store.CustomerStep, action string, from, to, note, before, after *string, actor string, now int64) error {
	h := store.StepHistory{
		StepID: &step.ID, ReleaseID: step.ReleaseID, CustomerID: &step.CustomerID, TemplateID: step.TemplateID, StepName: step.Name,
		Action: action, FromStatus: from, ToStatus: to, Note: note, ContentBefore: before, ContentAfter: after,
		Actor: actor, CreatedAt: now,
	}
	if _, err := tx.NewInsert().Model(&h).Exec(ctx); err != nil {
		return fmt.Errorf("write step history: %w", err)
	}
	return nil
}

const historyColumns = `h.id, h.step_id, h.release_id, coalesce(r.name, ''), h.customer_id, coalesce(cu.name, ''), h.step_name, h.action,
	coalesce(h.from_status, ''), coalesce(h.to_status, ''), coalesce(h.note, ''), coalesce(h.content_before, ''), coalesce(h.content_after, ''),
	h.actor, h.created_at`

func scanHistory(ctx context.Context, db bun.IDB, where string, args ...any) ([]HistoryEntry, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+historyColumns+` FROM step_history h
		LEFT JOIN releases r ON r.id = h.release_id LEFT JOIN customers cu ON cu.id = h.customer_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read step history: %w", err)
	}
	defer rows.Close()
	out := []HistoryEntry{}
	for rows.Next() {
		var e HistoryEntry
		if err := rows.Scan(&e.ID, &e.StepID, &e.ReleaseID, &e.ReleaseName, &e.CustomerID, &e.CustomerName, &e.StepName, &e.Action,
			&e.FromStatus, &e.ToStatus, &e.Note, &e.ContentBefore, &e.ContentAfter, &e.Actor, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RecentHistory returns the latest changes across all releases.
func RecentHistory(ctx context.Context, db bun.IDB, limit int) ([]HistoryEntry, error) {
	return scanHistory(ctx, db, "ORDER BY h.id DESC LIMIT ?", limit)
}
