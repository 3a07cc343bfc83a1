package release

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// EventTemplatesImport is a runbook file imported into a draft's templates.
const EventTemplatesImport = "templates-import"

// ImportTemplatesInput puts a runbook's steps into a draft release: in
// place of its templates (Replace) or after them.
type ImportTemplatesInput struct {
	ReleaseID int64           `json:"releaseId"`
	Replace   bool            `json:"replace"`
	Templates []TemplateInput `json:"templates"`
	// Source names the file, for the history.
	Source string `json:"source"`
}

// ImportTemplatesResult says what an import did.
type ImportTemplatesResult struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
}

// ImportTemplates replaces or extends a draft's templates with the given
// ones, all or nothing in one transaction. Only a draft takes them: an
// active release's steps already reached its customers.
func (s *Service) ImportTemplates(in ImportTemplatesInput) (out ImportTemplatesResult, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if len(in.Templates) == 0 {
		return out, problem.Invalid("templates", "The runbook has no steps.")
	}
	tpls, err := validTemplates(in.Templates)
	if err != nil {
		return out, err
	}
	source, err := validate.Optional("source", "File name", in.Source, validate.MaxDescription, false)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if ReleaseStatus(r.Status) != Draft {
			return problem.State("Release '%s' is %s: a runbook imports into a draft only. Clone the release to start a draft from it.", r.Name, r.Status)
		}
		if in.Replace {
			res, err := tx.NewDelete().Model((*store.StepTemplate)(nil)).Where("release_id = ?", r.ID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("remove the templates of release %d: %w", r.ID, err)
			}
			n, _ := res.RowsAffected()
			out.Removed = int(n)
		}
		var have int
		if err := tx.NewSelect().Model((*store.StepTemplate)(nil)).ColumnExpr("count(*)").Where("release_id = ?", r.ID).Scan(ctx, &have); err != nil {
			return fmt.Errorf("count templates: %w", err)
		}
		if have+len(tpls) > 1000 {
			return problem.Invalid("templates", "A release can have at most 1000 steps: it has %d and the runbook adds %d.", have, len(tpls))
		}
		now := s.st.Now().Unix()
		if err := appendTemplates(ctx, tx, r.ID, tpls, now); err != nil {
			return fmt.Errorf("add the runbook's steps: %w", err)
		}
		out.Added = len(tpls)
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		return recordEvent(ctx, tx, r.ID, event{action: EventTemplatesImport, subject: r.Name,
			detail: map[string]any{"added": out.Added, "removed": out.Removed, "replace": in.Replace, "file": source}}, actor, now)
	})
	return out, err
}
