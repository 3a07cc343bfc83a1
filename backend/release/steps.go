package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

func toStep(s store.CustomerStep) Step {
	st := Status(s.Status)
	if st == "" {
		st = Pending
	}
	return Step{
		ID: s.ID, ReleaseID: s.ReleaseID, CustomerID: s.CustomerID, TemplateID: s.TemplateID,
		Name: s.Name, Category: Category(s.Category), Type: StepType(s.Type), Content: s.Content, OrderIndex: s.OrderIndex,
		Status: st, ExecutedAt: s.ExecutedAt, ExecutedBy: store.TextOf(s.ExecutedBy), SkipReason: store.TextOf(s.SkipReason),
		Notes: store.TextOf(s.Notes), IsCustom: s.IsCustom, IsOverridden: s.IsOverridden, Source: source(s), UpdatedAt: s.UpdatedAt,
	}
}

func source(s store.CustomerStep) Source {
	switch {
	case s.IsCustom:
		return SourceCustom
	case s.TemplateID == nil:
		return SourceTemplateDeleted
	case s.IsOverridden:
		return SourceOverridden
	}
	return SourceTemplate
}

func loadStep(ctx context.Context, db bun.IDB, id int64) (store.CustomerStep, error) {
	var s store.CustomerStep
	err := db.NewSelect().Model(&s).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return s, problem.NotFound("Step %d does not exist.", id)
	}
	if err != nil {
		return s, fmt.Errorf("read step %d: %w", id, err)
	}
	if s.Status == "" {
		s.Status = string(Pending)
	}
	return s, nil
}

func customerRef(ctx context.Context, db bun.IDB, id int64) (CustomerRef, error) {
	var c CustomerRef
	err := db.NewRaw(`SELECT cu.id, cu.name, cu.namespace, cl.id AS cluster_id, cl.name AS cluster_name
		FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id WHERE cu.id = ?`, id).Scan(ctx, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFound("Customer %d does not exist.", id)
	}
	if err != nil {
		return c, fmt.Errorf("read customer %d: %w", id, err)
	}
	return c, nil
}

// sqlCustomerSteps reads one customer's steps; customer_steps_release_customer_idx
// serves the filter (checked by EXPLAIN QUERY PLAN in the tests) and the
// hundred-odd rows are sorted in memory.
const sqlCustomerSteps = `release_id = ? AND customer_id = ?`

func customerSteps(ctx context.Context, db bun.IDB, releaseID, customerID int64) ([]store.CustomerStep, error) {
	var rows []store.CustomerStep
	err := db.NewSelect().Model(&rows).Where(sqlCustomerSteps, releaseID, customerID).
		OrderExpr("cs.release_id, cs.customer_id, cs.category, cs.order_index").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("read customer %d's steps: %w", customerID, err)
	}
	return rows, nil
}

// CustomerSteps returns one customer's ordered steps in a release: deploy,
// then verify, each by position.
func (s *Steps) CustomerSteps(releaseID, customerID int64) (out CustomerSteps, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", releaseID); err != nil {
		return out, err
	}
	if err := validate.ID("Customer", customerID); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		// The release's own figures are not needed here, and computing its
		// progress would read every step of the fleet.
		r, err := loadRelease(ctx, db, releaseID)
		if err != nil {
			return err
		}
		out.Release = toRelease(r)
		if out.Customer, err = customerRef(ctx, db, customerID); err != nil {
			return err
		}
		rows, err := customerSteps(ctx, db, releaseID, customerID)
		if err != nil {
			return err
		}
		out.Deploy, out.Verify = []Step{}, []Step{}
		var d, sk, rv, p int
		for _, r := range rows {
			st := toStep(r)
			switch st.Status {
			case Done:
				d++
			case Skipped:
				sk++
			case Reverted:
				rv++
			default:
				p++
			}
			if st.Category == Verify {
				out.Verify = append(out.Verify, st)
			} else {
				out.Deploy = append(out.Deploy, st)
			}
		}
		out.Progress = progress.Of(d, sk, rv, p)
		all := make([]*Step, 0, len(out.Deploy)+len(out.Verify))
		for i := range out.Deploy {
			all = append(all, &out.Deploy[i])
		}
		for i := range out.Verify {
			all = append(all, &out.Verify[i])
		}
		if err := renderSteps(ctx, db, releaseID, customerID, all...); err != nil {
			return err
		}
		out.Hold, err = customerHold(ctx, db, releaseID, customerID)
		return err
	})
	return out, err
}

// panelActions lists what the panel may offer for a step in its state:
// the state actions first, then the content actions.
func panelActions(s store.CustomerStep, releaseStatus ReleaseStatus) []string {
	out := []string{}
	if releaseStatus != Active {
		return out
	}
	st := Status(s.Status)
	for _, a := range Allowed(st) {
		out = append(out, string(a))
	}
	open := st == Pending || st == Reverted
	switch {
	case s.IsCustom:
		if open {
			out = append(out, "edit")
		}
		if st == Pending {
			out = append(out, "delete")
		}
	case open && s.TemplateID != nil: // a template deleted leaves nothing to override
		out = append(out, "override")
		if s.IsOverridden {
			out = append(out, "reset")
		}
	}
	return out
}

// maxTimeline bounds the step panel's history.
const maxTimeline = 200

func stepDetail(ctx context.Context, db bun.IDB, s store.CustomerStep) (StepDetail, error) {
	var out StepDetail
	r, err := loadRelease(ctx, db, s.ReleaseID)
	if err != nil {
		return out, err
	}
	out.Step = toStep(s)
	if err := renderSteps(ctx, db, s.ReleaseID, s.CustomerID, &out.Step); err != nil {
		return out, err
	}
	out.Release = Ref{ID: r.ID, Name: r.Name}
	out.Status = ReleaseStatus(r.Status)
	if out.Customer, err = customerRef(ctx, db, s.CustomerID); err != nil {
		return out, err
	}
	if s.TemplateID != nil {
		t, err := loadTemplate(ctx, db, *s.TemplateID)
		if err != nil {
			return out, err
		}
		tt := toTemplate(t)
		out.Template = &tt
	}
	if out.History, err = stepTimeline(ctx, db, s.ID, s.TemplateID, s.CreatedAt); err != nil {
		return out, err
	}
	// A step changed back and forth for years keeps a panel that opens at
	// once: the newest entries, and how many there are in all.
	out.HistoryTotal = len(out.History)
	if len(out.History) > maxTimeline {
		out.History = out.History[:maxTimeline]
	}
	out.Actions = panelActions(s, ReleaseStatus(r.Status))
	if out.Hold, err = customerHold(ctx, db, s.ReleaseID, s.CustomerID); err != nil {
		return out, err
	}
	if err := db.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM customer_steps WHERE release_id = ?0 AND customer_id = ?1 AND category = ?2 AND order_index < ?3),
			(SELECT count(*) FROM customer_steps WHERE release_id = ?0 AND customer_id = ?1 AND category = ?2)`,
		s.ReleaseID, s.CustomerID, s.Category, s.OrderIndex).Scan(&out.Position, &out.StepCount); err != nil {
		return out, fmt.Errorf("read step position: %w", err)
	}
	return out, nil
}

// StepDetail returns everything the step panel shows.
func (s *Steps) StepDetail(stepID int64) (out StepDetail, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", stepID); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		st, err := loadStep(ctx, db, stepID)
		if err != nil {
			return err
		}
		out, err = stepDetail(ctx, db, st)
		return err
	})
	return out, err
}

// StepDetailAt finds the step of a matrix cell: one template's step for one
// customer.
func (s *Steps) StepDetailAt(releaseID, templateID, customerID int64) (out StepDetail, err error) {
	defer problem.Recover(&err)
	for label, id := range map[string]int64{"Release": releaseID, "Step template": templateID, "Customer": customerID} {
		if err := validate.ID(label, id); err != nil {
			return out, err
		}
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		var st store.CustomerStep
		err := db.NewSelect().Model(&st).Where("release_id = ? AND customer_id = ? AND template_id = ?", releaseID, customerID, templateID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.NotFound("This customer has no such step in this release.")
		}
		if err != nil {
			return fmt.Errorf("read step: %w", err)
		}
		if st.Status == "" {
			st.Status = string(Pending)
		}
		out, err = stepDetail(ctx, db, st)
		return err
	})
	return out, err
}

// editableStep loads a step of an active release that is open for edits
// (pending or reverted): executed content is the record and stays.
func editableStep(ctx context.Context, tx bun.IDB, id int64, what string) (store.CustomerStep, error) {
	st, err := loadStep(ctx, tx, id)
	if err != nil {
		return st, err
	}
	r, err := loadRelease(ctx, tx, st.ReleaseID)
	if err != nil {
		return st, err
	}
	if err := requireActive(r, what); err != nil {
		return st, err
	}
	if s := Status(st.Status); s != Pending && s != Reverted {
		return st, problem.State("'%s' is %s: what was executed stays on record. Revert it or set it back to pending first.", st.Name, statusWords[s])
	}
	return st, nil
}

// Override replaces one customer's content of a template step; later
// template edits no longer reach it until it is reset.
func (s *Steps) Override(in OverrideInput) (out Step, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", in.StepID); err != nil {
		return out, err
	}
	content, err := validate.Content(in.Content)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		st, err := editableStep(ctx, tx, in.StepID, "change its steps")
		if err != nil {
			return err
		}
		if st.IsCustom {
			return problem.State("'%s' is a custom step: edit it instead of overriding it.", st.Name)
		}
		if st.TemplateID == nil {
			return problem.State("The template of '%s' was deleted: there is nothing to override.", st.Name)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		if err := record(ctx, tx, st, HistoryOverride, nil, nil, nil, &st.Content, &content, actor, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customer_steps SET content = ?, is_overridden = true, updated_at = ? WHERE id = ?`, content, now, st.ID); err != nil {
			return fmt.Errorf("override step content: %w", err)
		}
		st, err = loadStep(ctx, tx, st.ID)
		out = toStep(st)
		return err
	})
	return out, err
}

// ResetToTemplate drops a step's override and takes the template's current
// name, type and content again.
func (s *Steps) ResetToTemplate(stepID int64) (out Step, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", stepID); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		st, err := editableStep(ctx, tx, stepID, "change its steps")
		if err != nil {
			return err
		}
		if st.TemplateID == nil || st.IsCustom {
			return problem.State("'%s' has no template to reset to.", st.Name)
		}
		if !st.IsOverridden {
			return problem.State("'%s' already follows its template.", st.Name)
		}
		t, err := loadTemplate(ctx, tx, *st.TemplateID)
		if err != nil {
			return err
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		if err := record(ctx, tx, st, HistoryReset, nil, nil, nil, &st.Content, &t.Content, actor, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customer_steps SET name = ?, type = ?, content = ?, is_overridden = false, updated_at = ? WHERE id = ?`,
			t.Name, t.Type, t.Content, now, st.ID); err != nil {
			return fmt.Errorf("reset step to template: %w", err)
		}
		st, err = loadStep(ctx, tx, st.ID)
		out = toStep(st)
		return err
	})
	return out, err
}
