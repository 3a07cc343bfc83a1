package release

import (
	"context"
	"encoding/json"
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

const historyColumns = `h.id, h.step_id, h.release_id, coalesce(r.name, '') AS release_name, h.customer_id, coalesce(cu.name, '') AS customer_name,
	coalesce(cl.name, '') AS cluster_name, h.template_id, h.step_name, h.action,
	coalesce(h.from_status, '') AS from_status, coalesce(h.to_status, '') AS to_status, coalesce(h.note, '') AS note,
	coalesce(h.content_before, '') AS content_before, coalesce(h.content_after, '') AS content_after,
	coalesce(h.rendered, '') AS rendered, coalesce(h.detail, '') AS detail, h.actor, h.source, h.created_at`

func scanHistory(ctx context.Context, db bun.IDB, where string, args ...any) ([]HistoryEntry, error) {
	out := []HistoryEntry{}
	if err := db.NewRaw(`SELECT `+historyColumns+` FROM step_history h
		LEFT JOIN releases r ON r.id = h.release_id LEFT JOIN customers cu ON cu.id = h.customer_id
		LEFT JOIN clusters cl ON cl.id = cu.cluster_id `+where, args...).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("read step history: %w", err)
	}
	for i := range out {
		out[i].Kind = kindOf(out[i].Action)
	}
	return out, nil
}

// RecentHistory returns the latest changes across all releases.
func RecentHistory(ctx context.Context, db bun.IDB, limit int) ([]HistoryEntry, error) {
	return scanHistory(ctx, db, "ORDER BY h.id DESC LIMIT ?", limit)
}

// Release events: changes to the release itself, its templates and its
// customers, in the same history as the steps' changes (docs/design.md,
// "History"), with customer_id and step_id NULL.
const (
	EventReleaseEdit    = "release-edit"
	EventActivate       = "activate"
	EventArchive        = "archive"
	EventCustomersAdd   = "customers-add"
	EventTemplateAdd    = "template-add"
	EventTemplateEdit   = "template-edit"
	EventTemplateDelete = "template-delete"
	EventReorder        = "reorder"
	EventHold           = "hold"
	EventUnhold         = "unhold"
	EventUndo           = "undo"
	EventRun            = "run"
)

// event is one release event to record.
type event struct {
	action     string
	subject    string // what it is about: a template's name, the release's
	templateID *int64
	customerID *int64
	note       string
	before     *string
	after      *string
	detail     any // JSON-encoded
}

// recordEvent writes one release event.
func recordEvent(ctx context.Context, tx bun.IDB, releaseID int64, e event, actor string, now int64) error {
	var detail *string
	if e.detail != nil {
		b, err := json.Marshal(e.detail)
		if err != nil {
			return fmt.Errorf("encode %s event: %w", e.action, err)
		}
		detail = store.Text(string(b))
	}
	h := store.StepHistory{
		ReleaseID: releaseID, CustomerID: e.customerID, TemplateID: e.templateID, StepName: e.subject, Action: e.action,
		Note: store.Text(e.note), ContentBefore: e.before, ContentAfter: e.after, Detail: detail, Actor: actor, Source: SourceApp, CreatedAt: now,
	}
	if _, err := tx.NewInsert().Model(&h).Exec(ctx); err != nil {
		return fmt.Errorf("write %s event: %w", e.action, err)
	}
	return nil
}
