package release

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/validate"
)

// The release activity log (docs/design.md, "History"): every change to a
// release, its templates, its customers and its steps, newest first, a page
// at a time. It is keyset-paged on the history's id (the index
// step_history_release_idx is (release_id, id)), so the first page costs
// the same with two hundred rows or two hundred thousand.

// Kind is a kind of change the activity log filters on.
type Kind string

// Kinds of change.
const (
	KindStatus    Kind = "status"    // done, skipped, reverted, back to pending, undone
	KindContent   Kind = "content"   // overrides, resets, custom steps added, edited, deleted
	KindTemplates Kind = "templates" // templates added, edited, deleted, reordered
	KindCustomers Kind = "customers" // customers added, held, released
	KindRelease   Kind = "release"   // the release edited, activated, archived
	KindRuns      Kind = "runs"      // bash steps run
)

var kindActions = map[Kind][]string{
	KindStatus:    {string(ActionDone), string(ActionSkip), string(ActionRevert), string(ActionPending), EventUndo},
	KindContent:   {HistoryOverride, HistoryReset, HistoryAdd, HistoryEdit, HistoryDelete},
	KindTemplates: {EventTemplateAdd, EventTemplateEdit, EventTemplateDelete, EventReorder, EventTemplatesImport},
	KindCustomers: {EventCustomersAdd, EventHold, EventUnhold},
	KindRelease:   {EventReleaseEdit, EventActivate, EventArchive},
	KindRuns:      {EventRun},
}

// kindOf is the kind of change a history action falls under.
func kindOf(action string) Kind {
	for k, actions := range kindActions {
		if slices.Contains(actions, action) {
			return k
		}
	}
	return KindStatus
}

// ActivityQuery asks for one page of a release's activity. Before is the
// id the page starts below (0: the newest); the filters narrow it.
type ActivityQuery struct {
	ReleaseID  int64  `json:"releaseId"`
	Before     int64  `json:"before"`
	Limit      int    `json:"limit"`
	Actor      string `json:"actor"`
	CustomerID int64  `json:"customerId"`
	ClusterID  int64  `json:"clusterId"`
	TemplateID int64  `json:"templateId"`
	Kinds      []Kind `json:"kinds"`
	Search     string `json:"search"`
}

// ActivityPage is one page: Next is the Before of the page after it (0 when
// this is the last).
type ActivityPage struct {
	Entries []HistoryEntry `json:"entries"`
	Next    int64          `json:"next"`
	Actors  []string       `json:"actors"` // everyone who changed this release, for the filter
}

// Activity returns a page of a release's activity log.
func (s *Steps) Activity(q ActivityQuery) (out ActivityPage, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", q.ReleaseID); err != nil {
		return out, err
	}
	if q.Before < 0 || q.CustomerID < 0 || q.ClusterID < 0 || q.TemplateID < 0 {
		return out, problem.Invalid("", "Ids in an activity query cannot be negative.")
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	search, err := validate.Optional("search", "Search", q.Search, validate.MaxName, false)
	if err != nil {
		return out, err
	}
	var actions []string
	for _, k := range q.Kinds {
		a, ok := kindActions[k]
		if !ok {
			return out, problem.Invalid("kinds", "Unknown kind of change '%s'.", k)
		}
		actions = append(actions, a...)
	}
	where := []string{"h.release_id = ?"}
	args := []any{q.ReleaseID}
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if q.Before > 0 {
		add("h.id < ?", q.Before)
	}
	if q.Actor != "" {
		add("h.actor = ?", q.Actor)
	}
	if q.CustomerID > 0 {
		add("h.customer_id = ?", q.CustomerID)
	}
	if q.ClusterID > 0 {
		add("cu.cluster_id = ?", q.ClusterID)
	}
	if q.TemplateID > 0 {
		add("h.template_id = ?", q.TemplateID)
	}
	if len(actions) > 0 {
		add("h.action IN (?)", bun.List(actions))
	}
	if search != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(search)) + "%"
		where = append(where, `(lower(coalesce(h.note, '')) LIKE ? ESCAPE '\' OR lower(h.step_name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if _, err := loadRelease(ctx, db, q.ReleaseID); err != nil {
			return err
		}
		entries, err := scanHistory(ctx, db, "WHERE "+strings.Join(where, " AND ")+" ORDER BY h.id DESC LIMIT ?", append(args, q.Limit+1)...)
		if err != nil {
			return err
		}
		if len(entries) > q.Limit {
			entries = entries[:q.Limit]
			out.Next = entries[len(entries)-1].ID
		}
		out.Entries = entries
		out.Actors = []string{}
		if err := db.NewRaw(`SELECT DISTINCT actor FROM step_history WHERE release_id = ? ORDER BY actor`, q.ReleaseID).Scan(ctx, &out.Actors); err != nil {
			return fmt.Errorf("actors of release %d: %w", q.ReleaseID, err)
		}
		return nil
	})
	return out, err
}

// stepTimeline is a step's own history, newest first, with the template
// edits that reached it: those made while it followed its template (pending
// and not overridden), read from its own state changes at that time.
func stepTimeline(ctx context.Context, db bun.IDB, stepID int64, templateID *int64, createdAt int64) ([]HistoryEntry, error) {
	own, err := scanHistory(ctx, db, "WHERE h.step_id = ? ORDER BY h.id DESC", stepID)
	if err != nil || templateID == nil {
		return own, err
	}
	edits, err := scanHistory(ctx, db, "WHERE h.template_id = ? AND h.action = ? AND h.customer_id IS NULL AND h.created_at >= ? ORDER BY h.id DESC",
		*templateID, EventTemplateEdit, createdAt)
	if err != nil || len(edits) == 0 {
		return own, err
	}
	// Walk the step's history from the oldest, tracking whether it followed
	// its template, and keep the edits made while it did.
	following := func(before int64) bool {
		st, overridden := Pending, false
		for i := len(own) - 1; i >= 0; i-- {
			h := own[i]
			if h.ID > before {
				break
			}
			if h.ToStatus != "" {
				st = Status(h.ToStatus)
			}
			switch h.Action {
			case HistoryOverride:
				overridden = true
			case HistoryReset:
				overridden = false
			}
		}
		return st == Pending && !overridden
	}
	out := slices.Clone(own)
	for _, e := range edits {
		if following(e.ID) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b HistoryEntry) int { return int(b.ID - a.ID) })
	return out, nil
}
