package release

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
