package release

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/validate"
)

// maxBulk bounds one bulk action: a whole release at fleet size.
const maxBulk = 1_000_000

// Bulk applies one status action to many steps by id (DECISIONS.md 8): one
// INSERT … SELECT for the history rows and one UPDATE for the steps, in one
// transaction. Steps whose state does not allow the action are left as they
// are and counted as unchanged.
func (s *Steps) Bulk(in BulkInput) (out BulkResult, err error) {
	defer problem.Recover(&err)
	if err := validate.IDs("step", in.StepIDs, maxBulk); err != nil {
		return out, err
	}
	ids, _ := json.Marshal(in.StepIDs)
	sel := selection{where: `cs.id IN (SELECT value FROM json_each(?4))`, args: []any{string(ids)}, want: len(in.StepIDs)}
	return s.bulk(in.Action, in.Note, sel)
}

// BulkCells applies one status action to a matrix selection: the steps of
// the given templates for the given customers of one release.
func (s *Steps) BulkCells(in BulkCellsInput) (out BulkResult, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if err := validate.IDs("step template", in.TemplateIDs, 10000); err != nil {
		return out, err
	}
	if err := validate.IDs("customer", in.CustomerIDs, maxBulk); err != nil {
		return out, err
	}
	tj, _ := json.Marshal(in.TemplateIDs)
	cj, _ := json.Marshal(in.CustomerIDs)
	sel := selection{
		where: `cs.release_id = ?4 AND cs.template_id IN (SELECT value FROM json_each(?5)) AND cs.customer_id IN (SELECT value FROM json_each(?6))`,
		args:  []any{in.ReleaseID, string(tj), string(cj)},
	}
	return s.bulk(in.Action, in.Note, sel)
}

// selection is a WHERE over customer_steps cs whose placeholders start at ?4
// (after the four of sqlTransitionSet). want > 0 requires that many steps.
type selection struct {
	where string
	args  []any
	want  int
}

func (s *Steps) bulk(action, note string, sel selection) (out BulkResult, err error) {
	if _, err := validate.OneOf("action", "Action", action, ActionDone, ActionSkip, ActionRevert, ActionPending); err != nil {
		return out, err
	}
	if action == ActionSkip {
		note, err = validate.Required("note", "A reason for skipping", note, validate.MaxNote)
	} else {
		note, err = validate.Optional("note", "The note", note, validate.MaxNote, true)
	}
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		to := transitionTo[action]
		pad := []any{to, note, actor, now}
		args := append(pad, sel.args...)

		// Every selected step must exist and belong to an active release.
		var total, notActive int
		var archivedName string
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(coalesce(r.status, 'draft') <> 'active'), 0),
				coalesce(max(CASE WHEN coalesce(r.status, 'draft') <> 'active' THEN r.name END), '')
			FROM customer_steps cs JOIN releases r ON r.id = cs.release_id WHERE `+sel.where, args...).Scan(&total, &notActive, &archivedName); err != nil {
			return fmt.Errorf("check bulk selection: %w", err)
		}
		if sel.want > 0 && total != sel.want {
			return problem.NotFound("%d of the %d selected steps do not exist; reload and try again.", sel.want-total, sel.want)
		}
		if total == 0 {
			return problem.NotFound("The selection holds no steps.")
		}
		if notActive > 0 {
			return problem.State("Release '%s' is not active: its steps cannot be changed.", archivedName)
		}
		from := `coalesce(cs.status, 'pending') IN ('` + strings.Join(transitionFrom[action], "','") + `')`
		if _, err := tx.ExecContext(ctx, `INSERT INTO step_history (step_id, release_id, customer_id, template_id, step_name, action, from_status, to_status, note, actor, created_at)
			SELECT cs.id, cs.release_id, cs.customer_id, cs.template_id, cs.name, '`+action+`', coalesce(cs.status, 'pending'), ?0, nullif(?1, ''), ?2, ?3
			FROM customer_steps cs WHERE `+sel.where+` AND `+from+` ORDER BY cs.id`, args...); err != nil {
			return fmt.Errorf("write bulk history: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE customer_steps AS cs SET `+sqlTransitionSet+` WHERE `+sel.where+` AND `+from, args...)
		if err != nil {
			return fmt.Errorf("bulk %s: %w", action, err)
		}
		n, _ := res.RowsAffected()
		out = BulkResult{Changed: int(n), Unchanged: total - int(n)}
		return nil
	})
	return out, err
}
