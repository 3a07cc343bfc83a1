package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// sqlTemplates reads a release's templates in order (Get adds their
// figures).
const sqlTemplates = `
SELECT t.id, t.release_id, t.name, t.category, t.type, t.content, t.order_index, coalesce(t.description, '') AS description,
	coalesce(t.created_at, 0) AS created_at
FROM step_templates t WHERE t.release_id = ? ORDER BY t.category = 'verify', t.order_index`

func listTemplates(ctx context.Context, db bun.IDB, releaseID int64) (deploy, verify []Template, err error) {
	var rows []Template
	if err := db.NewRaw(sqlTemplates, releaseID).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("list templates: %w", err)
	}
	deploy, verify = []Template{}, []Template{}
	for _, t := range rows {
		if t.Category == Verify {
			verify = append(verify, t)
		} else {
			deploy = append(deploy, t)
		}
	}
	return deploy, verify, nil
}

func loadTemplate(ctx context.Context, db bun.IDB, id int64) (store.StepTemplate, error) {
	var t store.StepTemplate
	err := db.NewSelect().Model(&t).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return t, problem.NotFound("Step template %d does not exist.", id)
	}
	if err != nil {
		return t, fmt.Errorf("read template %d: %w", id, err)
	}
	return t, nil
}

func toTemplate(t store.StepTemplate) Template {
	return Template{
		ID: t.ID, ReleaseID: t.ReleaseID, Name: t.Name, Category: Category(t.Category), Type: StepType(t.Type), Content: t.Content,
		OrderIndex: t.OrderIndex, Description: store.TextOf(t.Description), CreatedAt: t.CreatedAt,
	}
}

func templateCount(ctx context.Context, db bun.IDB, releaseID int64, category Category) (int, error) {
	n, err := db.NewSelect().Model((*store.StepTemplate)(nil)).Where("release_id = ? AND category = ?", releaseID, category).Count(ctx)
	return int(n), err
}

// insertTemplate puts a template at rank (0 = first) of its category, at a
// free position between its neighbours (docs/design.md, "Ordering"), and on
// an active release gives every covered customer its step there: after the
// steps that follow the previous template step, before the next one.
// exceptCustomer (0 = none) gets its step from the caller, who moves
// `following` of its steps after it.
func insertTemplate(ctx context.Context, tx bun.Tx, r store.Release, t TemplateInput, rank int, following int64, now int64, exceptCustomer int64) (store.StepTemplate, error) {
	pos, err := templateSlot(ctx, tx, r.ID, t.Category, rank, following)
	if err != nil {
		return store.StepTemplate{}, err
	}
	row := store.StepTemplate{
		ReleaseID: r.ID, Name: t.Name, Category: string(t.Category), Type: string(t.Type), Content: t.Content,
		OrderIndex: int(pos), Description: store.Text(t.Description), CreatedAt: now,
	}
	if _, err := tx.NewInsert().Model(&row).Exec(ctx); err != nil {
		return row, fmt.Errorf("insert template: %w", err)
	}
	if ReleaseStatus(r.Status) != Active {
		return row, nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index,
			status, is_custom, is_overridden, created_at, updated_at)
		SELECT rc.release_id, rc.customer_id, ?0, ?1, ?2, ?3, ?4, ?5, 'pending', false, false, ?6, ?6
		FROM release_customers rc WHERE rc.release_id = ?7 AND rc.customer_id <> ?8`,
		row.ID, row.Name, row.Category, row.Type, row.Content, pos, now, r.ID, exceptCustomer); err != nil {
		return row, fmt.Errorf("add template step to customers: %w", err)
	}
	return row, nil
}

// AddTemplate adds a step template at a position (nil appends). On an active
// release every customer of the release gets the step, pending.
func (s *Service) AddTemplate(in AddTemplateInput) (out Template, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	t, err := validTemplate(in.Name, in.Category, in.Type, in.Content, in.Description)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if err := editable(r); err != nil {
			return err
		}
		n, err := templateCount(ctx, tx, r.ID, t.Category)
		if err != nil {
			return err
		}
		pos := n
		if in.Position != nil {
			pos = *in.Position
			if pos < 0 || pos > n {
				return problem.Invalid("position", "Position %d is out of range: the %s list has %d steps, so it must be between 0 and %d.", pos, t.Category, n, n)
			}
		}
		now := s.st.Now().Unix()
		row, err := insertTemplate(ctx, tx, r, t, pos, 0, now, 0)
		if err != nil {
			return err
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, r.ID, event{action: EventTemplateAdd, subject: row.Name, templateID: &row.ID, after: &row.Content,
			detail: map[string]any{"category": row.Category, "position": pos + 1}}, actor, now); err != nil {
			return err
		}
		out = toTemplate(row)
		return nil
	})
	return out, err
}

// UpdateTemplate edits a template. On an active release the new name, type
// and content flow to customer steps that are still pending and not
// overridden; executed steps keep what was executed (docs/design.md,
// "Template propagation").
func (s *Service) UpdateTemplate(in UpdateTemplateInput) (out TemplateChange, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step template", in.ID); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		row, err := loadTemplate(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		t, err := validTemplate(in.Name, Category(row.Category), in.Type, in.Content, in.Description)
		if err != nil {
			return err
		}
		r, err := loadRelease(ctx, tx, row.ReleaseID)
		if err != nil {
			return err
		}
		if err := editable(r); err != nil {
			return err
		}
		before := row
		row.Name, row.Type, row.Content, row.Description = t.Name, string(t.Type), t.Content, store.Text(t.Description)
		if _, err := tx.NewUpdate().Model(&row).Column("name", "type", "content", "description").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update template %d: %w", row.ID, err)
		}
		now := s.st.Now().Unix()
		res, err := tx.ExecContext(ctx, sqlPropagate+ofTemplate(tx, "?5", "?4"), row.Name, row.Type, row.Content, now, row.ID, row.ReleaseID)
		if err != nil {
			return fmt.Errorf("propagate template %d: %w", row.ID, err)
		}
		n, _ := res.RowsAffected()
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		// One row for the edit, whatever the number of steps it reached: a
		// step's timeline finds the edits that reached it through its
		// template and its own history (stepTimeline).
		e := event{action: EventTemplateEdit, subject: row.Name, templateID: &row.ID, detail: map[string]any{"propagated": n}}
		if before.Content != row.Content {
			e.before, e.after = &before.Content, &row.Content
		}
		if before.Name != row.Name {
			e.detail = map[string]any{"propagated": n, "renamed": [2]string{before.Name, row.Name}}
		}
		if err := recordEvent(ctx, tx, r.ID, e, actor, now); err != nil {
			return err
		}
		out = TemplateChange{Template: toTemplate(row), Propagated: int(n)}
		return nil
	})
	return out, err
}

// DeleteTemplate deletes a template and its pending customer steps; steps
// already done, skipped or reverted stay where they were, with template_id
// NULL (shown as "template deleted"). Positions may keep the gap.
func (s *Service) DeleteTemplate(id int64) (out TemplateDeletion, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step template", id); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		row, err := loadTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		r, err := loadRelease(ctx, tx, row.ReleaseID)
		if err != nil {
			return err
		}
		if err := editable(r); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM customer_steps WHERE `+ofTemplate(tx, "?0", "?1")+` AND coalesce(status, 'pending') = 'pending'`, r.ID, id)
		if err != nil {
			return fmt.Errorf("delete pending steps of template %d: %w", id, err)
		}
		removed, _ := res.RowsAffected()
		kept, err := tx.NewSelect().Model((*store.CustomerStep)(nil)).Where(ofTemplate(tx, "?0", "?1"), r.ID, id).Count(ctx)
		if err != nil {
			return fmt.Errorf("count kept steps: %w", err)
		}
		if _, err := tx.NewDelete().Model(&row).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("delete template %d: %w", id, err)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, r.ID, event{action: EventTemplateDelete, subject: row.Name, before: &row.Content,
			detail: map[string]any{"category": row.Category, "removedPending": removed, "keptExecuted": kept}}, actor, s.st.Now().Unix()); err != nil {
			return err
		}
		out = TemplateDeletion{RemovedPending: int(removed), KeptExecuted: int(kept)}
		return nil
	})
	return out, err
}

// ReorderTemplates gives a category's templates a new order, in one
// transaction. Customer steps follow; custom steps stay right after the step
// they followed. One template moved rewrites only its own rows.
func (s *Service) ReorderTemplates(in ReorderInput) (err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return err
	}
	if _, err := oneOf("category", "Category", in.Category, Categories...); err != nil {
		return err
	}
	if err := validate.IDs("step", in.OrderedIDs, 1000); err != nil {
		return err
	}
	return s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if err := editable(r); err != nil {
			return err
		}
		var ids []int64
		if err := tx.NewSelect().Model((*store.StepTemplate)(nil)).Column("id").
			Where("release_id = ? AND category = ?", r.ID, in.Category).Scan(ctx, &ids); err != nil {
			return fmt.Errorf("read template order: %w", err)
		}
		have := make(map[int64]bool, len(ids))
		for _, id := range ids {
			have[id] = true
		}
		if len(ids) != len(in.OrderedIDs) {
			return problem.Invalid("orderedIds", "The new order must list all %d %s steps exactly once (it lists %d); reload and try again.", len(ids), in.Category, len(in.OrderedIDs))
		}
		for _, id := range in.OrderedIDs {
			if !have[id] {
				return problem.Invalid("orderedIds", "Step %d is not a %s step of release '%s'; reload and try again.", id, in.Category, r.Name)
			}
		}
		if err := reorder(ctx, tx, r.ID, in.Category, in.OrderedIDs); err != nil {
			return err
		}
		var names []string
		if err := tx.NewRaw(`SELECT name FROM step_templates WHERE release_id = ? AND category = ? ORDER BY order_index`, r.ID, in.Category).Scan(ctx, &names); err != nil {
			return fmt.Errorf("read the new order: %w", err)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		return recordEvent(ctx, tx, r.ID, event{action: EventReorder, subject: r.Name, detail: map[string]any{"category": in.Category, "order": names}}, actor, s.st.Now().Unix())
	})
}

// sqlPropagate gives a template's edit to its customer steps that follow it:
// pending and not overridden. Executed steps keep what was executed
// (docs/design.md, "Template propagation").
// Its template is ?4, of release ?5 (ofTemplate, appended).
const sqlPropagate = `UPDATE customer_steps SET name = ?0, type = ?1, content = ?2, updated_at = ?3
WHERE coalesce(status, 'pending') = 'pending' AND NOT coalesce(is_overridden, false)
	AND (name <> ?0 OR type <> ?1 OR content <> ?2) AND `
