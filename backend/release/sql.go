package release

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"
)

// Placeholders are Bun's: ?0, ?1… index the arguments from zero, and Bun
// inlines the values before SQLite sees the statement.
//
// The statements that carry the weight of Shipdeck at fleet size (2,000
// customers × 100 steps = 200,000 customer steps a release). Each one is a
// single statement whatever the number of rows: never a loop of single
// updates, and never a row-by-row reorder that trips
// unique_order_per_release_category (the specification's loop does).

// targetedCustomers is the rule of release targets (DECISIONS.md "release
// targets"), over customers cu joined to clusters cl, for release ?0: no
// target rows means every active customer on an active cluster; otherwise
// the listed customers and the customers of the listed clusters.
const targetedCustomers = `
FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id
WHERE coalesce(cu.is_active, 1) = 1 AND coalesce(cl.is_active, 1) = 1
  AND (NOT EXISTS (SELECT 1 FROM release_targets WHERE release_id = ?0)
    OR cu.id IN (SELECT customer_id FROM release_targets WHERE release_id = ?0 AND customer_id IS NOT NULL)
    OR cu.cluster_id IN (SELECT cluster_id FROM release_targets WHERE release_id = ?0 AND cluster_id IS NOT NULL))`

// sqlActivateTargets resolves a draft's targets into release_customers.
const sqlActivateTargets = `INSERT INTO release_customers (release_id, customer_id, added_at) SELECT ?0, cu.id, ?1` + targetedCustomers

// sqlCopyTemplates copies every template of a release to the customers
// given as a JSON array (or, when ?2 is NULL, to every covered customer).
// Rows go in index order (customer, category, order) so the B-tree inserts
// stay sequential.
const sqlCopyTemplates = `
INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index,
	status, is_custom, is_overridden, created_at, updated_at)
SELECT rc.release_id, rc.customer_id, t.id, t.name, t.category, t.type, t.content, t.order_index,
	'pending', 0, 0, ?1, ?1
FROM release_customers rc JOIN step_templates t ON t.release_id = rc.release_id
WHERE rc.release_id = ?0 AND (?2 IS NULL OR rc.customer_id IN (SELECT value FROM json_each(?2)))
ORDER BY rc.customer_id, t.category, t.order_index`

// Template order changes go through negative values: SQLite checks UNIQUE
// per row during an UPDATE, so shifting k→k+1 in one pass collides with the
// row not yet moved. Each pair below is a permutation in two statements.

// shiftTemplates moves templates at or after pos one place down (+1), to make
// room at pos.
func shiftTemplates(ctx context.Context, db bun.IDB, releaseID int64, category string, pos int) error {
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = -order_index - 2
		WHERE release_id = ? AND category = ? AND order_index >= ?`, releaseID, category, pos); err != nil {
		return fmt.Errorf("shift templates: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = -order_index - 1
		WHERE release_id = ? AND category = ? AND order_index < 0`, releaseID, category); err != nil {
		return fmt.Errorf("shift templates: %w", err)
	}
	return nil
}

// closeTemplateGap moves templates after pos one place up (-1).
func closeTemplateGap(ctx context.Context, db bun.IDB, releaseID int64, category string, pos int) error {
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = -order_index - 1
		WHERE release_id = ? AND category = ? AND order_index > ?`, releaseID, category, pos); err != nil {
		return fmt.Errorf("close template gap: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = -order_index - 2
		WHERE release_id = ? AND category = ? AND order_index < 0`, releaseID, category); err != nil {
		return fmt.Errorf("close template gap: %w", err)
	}
	return nil
}

// setTemplateOrder gives the templates of a category the order of ids (all
// of them, checked by the caller).
func setTemplateOrder(ctx context.Context, db bun.IDB, releaseID int64, category string, ids []int64) error {
	js, _ := json.Marshal(ids)
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = -order_index - 1
		WHERE release_id = ? AND category = ?`, releaseID, category); err != nil {
		return fmt.Errorf("reorder templates: %w", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = j.key
		FROM json_each(?) j WHERE step_templates.id = j.value`, string(js)); err != nil {
		return fmt.Errorf("reorder templates: %w", err)
	}
	return nil
}

// Reordering: a customer whose steps of a category are all template steps
// (the common case) simply takes the template positions — sqlFollowTemplates,
// one UPDATE … FROM. Only customers with steps that have no template (custom
// steps, or steps kept after their template was deleted) need sqlResequence.
// Both skip rows whose number does not change. ?2 excludes one customer
// (0 = none), whose order the caller set exactly.

// withExtras selects the customers that have template-less steps in ?0/?1;
// customer_steps_template_idx finds them through its NULL range.
const withExtras = `(SELECT customer_id FROM customer_steps WHERE template_id IS NULL AND release_id = ?0 AND category = ?1)`

const sqlFollowTemplates = `
UPDATE customer_steps SET order_index = t.order_index
FROM step_templates t
WHERE t.id = customer_steps.template_id
	AND customer_steps.release_id = ?0 AND customer_steps.category = ?1 AND customer_steps.customer_id <> ?2
	AND customer_steps.order_index <> t.order_index
	AND customer_steps.customer_id NOT IN ` + withExtras

// sqlResequence renumbers the steps of customers with template-less steps.
// A template step sorts by its template's position; a step without a
// template sorts right after the template step it currently follows — its
// anchor — keeping its order among its neighbours; one with no template step
// before it stays at the top. The window function sorts all rows before the
// UPDATE writes any, so the anchors are read from the old order.
const sqlResequence = `
WITH keyed AS (
	SELECT cs.id, cs.customer_id,
		CASE WHEN t.id IS NOT NULL THEN t.order_index ELSE coalesce((
			SELECT t2.order_index FROM customer_steps a JOIN step_templates t2 ON t2.id = a.template_id
			WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
				AND a.order_index < cs.order_index
			ORDER BY a.order_index DESC LIMIT 1), -1) END AS k1,
		t.id IS NULL AS k2,
		cs.order_index AS k3
	FROM customer_steps cs LEFT JOIN step_templates t ON t.id = cs.template_id
	WHERE cs.release_id = ?0 AND cs.category = ?1 AND cs.customer_id <> ?2 AND cs.customer_id IN ` + withExtras + `
), ranked AS (
	SELECT id, row_number() OVER (PARTITION BY customer_id ORDER BY k1, k2, k3, id) - 1 AS rn FROM keyed
)
UPDATE customer_steps SET order_index = ranked.rn
FROM ranked WHERE customer_steps.id = ranked.id AND customer_steps.order_index <> ranked.rn`

// resequence puts every customer's steps of a category in template order
// (see above). Extras are anchored by their current positions, so
// sqlResequence runs first, while those positions are still the old ones.
func resequence(ctx context.Context, db bun.IDB, releaseID int64, category string, exceptCustomer int64) error {
	if _, err := db.ExecContext(ctx, sqlResequence, releaseID, category, exceptCustomer); err != nil {
		return fmt.Errorf("resequence %s steps: %w", category, err)
	}
	if _, err := db.ExecContext(ctx, sqlFollowTemplates, releaseID, category, exceptCustomer); err != nil {
		return fmt.Errorf("resequence %s steps: %w", category, err)
	}
	return nil
}

// sqlCompact closes gaps left by deleted steps, keeping the order.
const sqlCompact = `
WITH ranked AS (
	SELECT id, row_number() OVER (PARTITION BY customer_id ORDER BY order_index, id) - 1 AS rn
	FROM customer_steps WHERE release_id = ?0 AND category = ?1 AND (?2 = 0 OR customer_id = ?2)
)
UPDATE customer_steps SET order_index = ranked.rn
FROM ranked WHERE customer_steps.id = ranked.id AND customer_steps.order_index <> ranked.rn`

func compact(ctx context.Context, db bun.IDB, releaseID int64, category string, customerID int64) error {
	if _, err := db.ExecContext(ctx, sqlCompact, releaseID, category, customerID); err != nil {
		return fmt.Errorf("renumber %s steps: %w", category, err)
	}
	return nil
}

// Transitions of DECISIONS.md 7, as the statuses each action may start from.
var transitionFrom = map[string][]string{
	ActionDone:    {Pending, Reverted},
	ActionSkip:    {Pending},
	ActionRevert:  {Done},
	ActionPending: {Skipped, Reverted},
}

var transitionTo = map[string]string{
	ActionDone: Done, ActionSkip: Skipped, ActionRevert: Reverted, ActionPending: Pending,
}

// sqlTransitionSet is the SET list of a status change; ?0 to-status, ?1 note,
// ?2 actor, ?3 now; the WHERE that follows numbers from ?4. done/skip/revert stamp who and when; back to pending
// clears them (the history keeps the record). A done or revert note
// replaces the notes; an empty one keeps them. Back to pending, a step that
// follows its template takes the template's current name, type and content.
const sqlTransitionSet = `
	status = ?0,
	executed_at = CASE WHEN ?0 = 'pending' THEN NULL ELSE ?3 END,
	executed_by = CASE WHEN ?0 = 'pending' THEN NULL ELSE ?2 END,
	skip_reason = CASE WHEN ?0 = 'skipped' THEN ?1 ELSE NULL END,
	notes = CASE WHEN ?0 IN ('done', 'reverted') AND ?1 <> '' THEN ?1 ELSE notes END,
	name = CASE WHEN ?0 = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.name FROM step_templates t WHERE t.id = template_id), name) ELSE name END,
	type = CASE WHEN ?0 = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.type FROM step_templates t WHERE t.id = template_id), type) ELSE type END,
	content = CASE WHEN ?0 = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.content FROM step_templates t WHERE t.id = template_id), content) ELSE content END,
	updated_at = ?3`

// followsTemplate is true for a step that takes its template's edits while
// pending. A step going back to pending catches up with the edits made while
// it was skipped or reverted.
const followsTemplate = `template_id IS NOT NULL AND coalesce(is_overridden, 0) = 0 AND coalesce(is_custom, 0) = 0`
