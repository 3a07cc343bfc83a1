package release

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/store"
)

// Placeholders are Bun's: ?0, ?1… index the arguments from zero, and Bun
// inlines the values before SQLite sees the statement.
//
// This file holds the SQL of targets and activation: at fleet size (2,000
// customers × 100 steps = 200,000 customer steps a release) each is one
// statement whatever the number of rows, never a loop of single inserts
// (docs/design.md, "Activation"). The other statements that carry weight
// live beside the code that runs them: step state changes and bulk actions
// in transition.go, positions and reorder in order.go, the matrix in
// matrix.go, template propagation in template.go.

// targetedCustomers is the rule of release targets, over customers cu joined
// to clusters cl: every active customer on an active cluster when ?all,
// else the customers listed in ?customers and those of the clusters listed
// in ?clusters (store.IDs). The activation preview — for a draft or for
// targets still being chosen — and activation itself read it from here
// (docs/design.md, "Release targets").
const targetedCustomers = `
FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id
WHERE coalesce(cu.is_active, true) AND coalesce(cl.is_active, true)
  AND (?all
    OR cu.id IN ?customers
    OR cu.cluster_id IN ?clusters)`

// targetArgs are targetedCustomers' arguments.
type targetArgs struct {
	All       bool      `bun:"all"`
	Customers store.IDs `bun:"customers"`
	Clusters  store.IDs `bun:"clusters"`
	Release   int64     `bun:"release"`
	Now       int64     `bun:"now"`
}

func argsOf(t Targets) targetArgs {
	return targetArgs{All: t.Mode != "selected", Customers: t.CustomerIDs, Clusters: t.ClusterIDs}
}

// sqlActivateTargets resolves a draft's targets into release_customers.
const sqlActivateTargets = `INSERT INTO release_customers (release_id, customer_id, added_at) SELECT ?release, cu.id, ?now` + targetedCustomers

// sqlCopyTemplates copies every template of a release to the customers
// listed in ?3 (store.IDs), or to every covered customer when ?2.
// Rows go in index order so the B-tree inserts stay sequential: on SQLite
// customer_steps_release_customer_idx's (customer, category, order); on
// PostgreSQL unique_customer_step's (customer, template), where each insert
// then lands on the index's rightmost page, which PostgreSQL keeps without
// a descent from the root (pgmigrations/0008 and 0009 dropped the others:
// it is the only index beside the primary key there).
const sqlCopyTemplates = `
INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index,
	status, is_custom, is_overridden, created_at, updated_at)
SELECT rc.release_id, rc.customer_id, t.id, t.name, t.category, t.type, t.content, t.order_index,
	'pending', false, false, ?1, ?1
FROM release_customers rc JOIN step_templates t ON t.release_id = rc.release_id
WHERE rc.release_id = ?0 AND (?2 OR rc.customer_id IN ?3)
ORDER BY rc.customer_id, `

const (
	sqlCopyTemplatesOrderLite = `t.category, t.order_index`
	sqlCopyTemplatesOrderPG   = `t.id`
)

// ofTemplate is the condition naming the steps of template tpl, of release
// rel (both placeholders, indexed: ?0, ?1…). PostgreSQL keeps no index led
// by template_id (pgmigrations/0009): it is told the release as well, the
// leading column of unique_customer_step, and looks for the template within
// the release's entries (every step's template is of its own release there:
// the insert check refuses otherwise). SQLite is told the template alone,
// which its customer_steps_template_idx serves; naming the release too could
// lead its planner to the release's index and all its steps.
func ofTemplate(db bun.IDB, rel, tpl string) string {
	return store.Dialect(db, "template_id = "+tpl, "release_id = "+rel+" AND template_id = "+tpl)
}

// createSteps runs sqlCopyTemplates and says how many steps it made. On
// PostgreSQL the statement's rows are held once more for the check of their
// references (pgmigrations/0008's transition table): a larger work_mem for
// this transaction keeps 200,000 of them in memory instead of a temporary
// file, a few tenths of a second at 2,000 × 100.
func createSteps(ctx context.Context, tx bun.IDB, releaseID, now int64, all bool, ids store.IDs) (int64, error) {
	if store.Postgres(tx) {
		if _, err := tx.ExecContext(ctx, "SET LOCAL work_mem = '128MB'"); err != nil {
			return 0, fmt.Errorf("memory for the steps' check: %w", err)
		}
	}
	q := sqlCopyTemplates + store.Dialect(tx, sqlCopyTemplatesOrderLite, sqlCopyTemplatesOrderPG)
	res, err := tx.ExecContext(ctx, q, releaseID, now, all, ids)
	if err != nil {
		return 0, fmt.Errorf("copy templates: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("count the steps made: %w", err)
	}
	return n, nil
}
