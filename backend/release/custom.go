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

// AddCustom inserts a step for one customer at a rank of its category, at a
// free position between its neighbours. With AddToTemplate the step also
// becomes a template at the matching place, and every customer of the
// release gets it — this customer exactly at Position (docs/design.md,
// "Custom steps").
func (s *Steps) AddCustom(in CustomStepInput) (out Step, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if err := validate.ID("Customer", in.CustomerID); err != nil {
		return out, err
	}
	t, err := validTemplate(in.Name, in.Category, in.Type, in.Content, "")
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if err := requireActive(r, "add steps for a customer"); err != nil {
			return err
		}
		covered, err := tx.NewSelect().Model((*store.ReleaseCustomer)(nil)).Where("release_id = ? AND customer_id = ?", r.ID, in.CustomerID).Exists(ctx)
		if err != nil {
			return fmt.Errorf("check customer is targeted: %w", err)
		}
		if !covered {
			c, err := customerRef(ctx, tx, in.CustomerID)
			if err != nil {
				return err
			}
			return problem.State("Customer '%s' is not part of release '%s': add it to the release first.", c.Name, r.Name)
		}
		// The customer's steps of the category, in order: Position is a rank
		// in this list.
		var have []struct {
			ID       int64 `bun:"id"`
			Pos      int64 `bun:"order_index"`
			Template bool  `bun:"has_template"`
		}
		if err := tx.NewRaw(`SELECT id, order_index, template_id IS NOT NULL AS has_template FROM customer_steps
			WHERE release_id = ? AND customer_id = ? AND category = ? ORDER BY order_index, id`, r.ID, in.CustomerID, t.Category).Scan(ctx, &have); err != nil {
			return fmt.Errorf("read the customer's %s steps: %w", t.Category, err)
		}
		n := len(have)
		if in.Position < 0 || in.Position > n {
			return problem.Invalid("position", "Position %d is out of range: this customer has %d %s steps, so it must be between 0 and %d.", in.Position, n, t.Category, n)
		}
		now := s.st.Now().Unix()
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		var templateID *int64
		var pos int64
		if in.AddToTemplate {
			// The template goes after the template steps this customer has
			// before Position; every other customer gets it there.
			templatesBefore := 0
			for _, h := range have[:in.Position] {
				if h.Template {
					templatesBefore++
				}
			}
			// This customer's steps from Position up to its next template
			// step follow the new one: they move after it, in order (the
			// ids stay the same if insertTemplate has to renumber).
			var moving []int64
			for k := in.Position; k < n && !have[k].Template; k++ {
				moving = append(moving, have[k].ID)
			}
			row, err := insertTemplate(ctx, tx, r, t, templatesBefore, int64(len(moving)), now, in.CustomerID)
			if err != nil {
				return err
			}
			templateID, pos = &row.ID, int64(row.OrderIndex)
			// A new template step is a change to the release's plan: the
			// activity log shows it as such, with the customer it came from.
			if err := recordEvent(ctx, tx, r.ID, event{action: EventTemplateAdd, subject: row.Name, templateID: &row.ID, customerID: &in.CustomerID, after: &row.Content,
				detail: map[string]any{"fromCustomer": true}}, actor, now); err != nil {
				return err
			}
			if len(moving) > 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE customer_steps SET order_index = ?0 + j.key + 1 FROM ?1 AS j WHERE customer_steps.id = j.value`,
					pos, store.Rows(moving)); err != nil {
					return fmt.Errorf("place the steps after the new one: %w", err)
				}
			}
		} else if pos, err = stepSlot(ctx, tx, r.ID, in.CustomerID, t.Category, in.Position); err != nil {
			return err
		}
		step := store.CustomerStep{
			ReleaseID: r.ID, CustomerID: in.CustomerID, TemplateID: templateID, Name: t.Name, Category: string(t.Category),
			Type: string(t.Type), Content: t.Content, OrderIndex: int(pos), Status: string(Pending), IsCustom: templateID == nil,
			CreatedAt: now, UpdatedAt: now,
		}
		if _, err := tx.NewInsert().Model(&step).Exec(ctx); err != nil {
			return fmt.Errorf("insert step: %w", err)
		}
		if err := record(ctx, tx, step, HistoryAdd, nil, nil, nil, nil, &step.Content, actor, now); err != nil {
			return err
		}
		out = toStep(step)
		return nil
	})
	return out, err
}

func loadCustom(ctx context.Context, tx bun.IDB, id int64) (store.CustomerStep, error) {
	st, err := editableStep(ctx, tx, id, "change its steps")
	if err != nil {
		return st, err
	}
	if !st.IsCustom {
		return st, problem.State("'%s' comes from the release template: override it instead.", st.Name)
	}
	return st, nil
}

// EditCustom changes a custom step's name, type and content.
func (s *Steps) EditCustom(in CustomStepEdit) (out Step, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", in.StepID); err != nil {
		return out, err
	}
	name, err := validate.Name("name", "Step name", in.Name)
	if err != nil {
		return out, err
	}
	typ, err := oneOf("type", "Step type", in.Type, StepTypes...)
	if err != nil {
		return out, err
	}
	content, err := validate.Content(in.Content)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		st, err := loadCustom(ctx, tx, in.StepID)
		if err != nil {
			return err
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		if err := record(ctx, tx, st, HistoryEdit, nil, nil, nil, &st.Content, &content, actor, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customer_steps SET name = ?, type = ?, content = ?, updated_at = ? WHERE id = ?`,
			name, typ, content, now, st.ID); err != nil {
			return fmt.Errorf("update custom step: %w", err)
		}
		st, err = loadStep(ctx, tx, st.ID)
		out = toStep(st)
		return err
	})
	return out, err
}

// DeleteCustom deletes a pending custom step (the others keep their
// positions). The history row stays (its step_id goes NULL, its step_name
// remains).
func (s *Steps) DeleteCustom(stepID int64) (err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", stepID); err != nil {
		return err
	}
	return s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		st, err := loadCustom(ctx, tx, stepID)
		if err != nil {
			return err
		}
		if s := Status(st.Status); s != Pending {
			return problem.State("'%s' is %s: only a pending custom step can be deleted.", st.Name, statusWords[s])
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		if err := record(ctx, tx, st, HistoryDelete, nil, nil, nil, &st.Content, nil, actor, now); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model(&st).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("delete custom step: %w", err)
		}
		return nil
	})
}
