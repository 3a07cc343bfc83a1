package release

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// Variables in step content (docs/variables.md): stored content stays as
// written, so template edits propagate as before; it is rendered for one
// customer's step when it is read, and the history row of a state change
// keeps the rendering of that moment (what was executed).

// contextRow is what a customer's steps resolve their variables from: the
// customer, its cluster and the release, in one row.
type contextRow struct {
	CustomerID   int64          `bun:"customer_id"`
	Customer     string         `bun:"customer"`
	Namespace    string         `bun:"namespace"`
	CustomerMeta store.Metadata `bun:"customer_meta"`
	Cluster      string         `bun:"cluster"`
	Kubeconfig   *string        `bun:"kubeconfig"`
	ClusterMeta  store.Metadata `bun:"cluster_meta"`
	Release      string         `bun:"release"`
	Version      *string        `bun:"version"`
	ReleaseType  string         `bun:"release_type"`
	ReleaseDate  *int64         `bun:"release_date"`
	ReleaseMeta  store.Metadata `bun:"release_meta"`
}

// sqlContexts reads the variable context of customers ?1 (store.IDs) in
// release ?0.
const sqlContexts = `SELECT cu.id AS customer_id, cu.name AS customer, cu.namespace, cu.metadata AS customer_meta,
	cl.name AS cluster, cl.kubeconfig_path AS kubeconfig, cl.metadata AS cluster_meta,
	r.name AS release, r.version_number AS version, r.type AS release_type, r.release_date, r.metadata AS release_meta
FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id JOIN releases r ON r.id = ?0
WHERE cu.id IN ?1
ORDER BY cu.name`

// contexts loads the variable context of the given customers in release
// releaseID, keyed by customer id. The operator is who reads (or runs) the
// step now.
func contexts(ctx context.Context, db bun.IDB, releaseID int64, customerIDs []int64) (map[int64]vars.Context, []contextRow, error) {
	var rows []contextRow
	if err := db.NewRaw(sqlContexts, releaseID, store.IDs(customerIDs)).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("read variable values of release %d: %w", releaseID, err)
	}
	operator, err := settings.Actor(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]vars.Context, len(rows))
	for _, r := range rows {
		out[r.CustomerID] = r.context(operator)
	}
	return out, rows, nil
}

func (r contextRow) context(operator string) vars.Context {
	v := map[string]string{
		"customer":     r.Customer,
		"namespace":    r.Namespace,
		"cluster":      r.Cluster,
		"release":      r.Release,
		"release_type": r.ReleaseType,
		"operator":     operator,
	}
	// A column that is NULL is not set: the variable is missing, not empty.
	if r.Kubeconfig != nil {
		v["kubeconfig"] = *r.Kubeconfig
	}
	if r.Version != nil && *r.Version != "" {
		v["version"] = *r.Version
	}
	if r.ReleaseDate != nil {
		v["release_date"] = dateOf(r.ReleaseDate)
	}
	return vars.Context{
		Values:   v,
		Customer: r.CustomerMeta, Cluster: r.ClusterMeta, Release: r.ReleaseMeta,
		CustomerName: r.Customer, ClusterName: r.Cluster, ReleaseName: r.Release,
	}
}

// renderStep renders one step's content in its customer's context.
func renderStep(c vars.Context, name string, typ StepType, content string) vars.Result {
	c.Values = maps(c.Values, "step", name)
	return vars.Render(string(typ), content, c)
}

// maps is m with one more key, leaving m as it was (contexts are shared).
func maps(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// renderSteps sets Rendered on steps of one customer.
func renderSteps(ctx context.Context, db bun.IDB, releaseID, customerID int64, steps ...*Step) error {
	cs, _, err := contexts(ctx, db, releaseID, []int64{customerID})
	if err != nil {
		return err
	}
	c, ok := cs[customerID]
	if !ok {
		return fmt.Errorf("customer %d has no variable context", customerID)
	}
	for _, s := range steps {
		res := renderStep(c, s.Name, s.Type, s.Content)
		s.Rendered = &res
	}
	return nil
}

// sqlRenderedTemp holds the renderings a state change records, keyed by
// step: the history INSERT … SELECT joins it on its primary key, so one
// statement writes every row however many steps change. It is the
// connection's own (a temporary table): named without its schema, both
// engines find it before any table of the database. The texts arrive as
// one JSON object of step id → text.
const (
	sqlRenderedTemp   = `CREATE TEMP TABLE IF NOT EXISTS change_rendered (step_id INTEGER PRIMARY KEY, text TEXT NOT NULL)`
	sqlRenderedTempPG = `CREATE TEMP TABLE IF NOT EXISTS change_rendered (step_id bigint PRIMARY KEY, text text NOT NULL)`
	sqlRenderedFill   = `INSERT INTO change_rendered (step_id, text) SELECT CAST(key AS INTEGER), value FROM json_each(?)`
	sqlRenderedFillPG = `INSERT INTO change_rendered (step_id, text) SELECT key::bigint, value FROM jsonb_each_text(?::jsonb)`
	sqlRenderedDone   = `DELETE FROM change_rendered`
)

// sqlVariableSteps lists the steps of a change whose content uses
// variables: only those need a rendering of their own in the history (the
// others executed their content as it is).
const sqlVariableSteps = `SELECT cs.id, cs.release_id, cs.customer_id, cs.name, cs.type, cs.content FROM customer_steps AS cs WHERE `

// prepareRendered renders the steps a change will reach whose content uses
// variables, and leaves the texts in change_rendered for the history
// statement. where selects the steps (with the change's named arguments).
func prepareRendered(ctx context.Context, tx bun.Tx, where string, a any) error {
	var steps []struct {
		ID         int64  `bun:"id"`
		ReleaseID  int64  `bun:"release_id"`
		CustomerID int64  `bun:"customer_id"`
		Name       string `bun:"name"`
		Type       string `bun:"type"`
		Content    string `bun:"content"`
	}
	if _, err := tx.ExecContext(ctx, store.Dialect(tx, sqlRenderedTemp, sqlRenderedTempPG)); err != nil {
		return fmt.Errorf("prepare renderings: %w", err)
	}
	if _, err := tx.ExecContext(ctx, sqlRenderedDone); err != nil {
		return fmt.Errorf("clear renderings: %w", err)
	}
	if err := tx.NewRaw(sqlVariableSteps+where+` AND cs.content LIKE '%{{%'`, a).Scan(ctx, &steps); err != nil {
		return fmt.Errorf("read the steps to render: %w", err)
	}
	if len(steps) == 0 {
		return nil
	}
	// A change reaches one release (a cell, a selection); the CLI's may
	// name steps of several: one context read per release.
	customers := map[int64][]int64{}
	for _, s := range steps {
		customers[s.ReleaseID] = append(customers[s.ReleaseID], s.CustomerID)
	}
	cs := map[[2]int64]vars.Context{}
	for rel, ids := range customers {
		slices.Sort(ids)
		byCustomer, _, err := contexts(ctx, tx, rel, slices.Compact(ids))
		if err != nil {
			return err
		}
		for id, c := range byCustomer {
			cs[[2]int64{rel, id}] = c
		}
	}
	texts := make(map[string]string, len(steps))
	for _, s := range steps {
		texts[fmt.Sprint(s.ID)] = renderStep(cs[[2]int64{s.ReleaseID, s.CustomerID}], s.Name, StepType(s.Type), s.Content).Text
	}
	js, _ := json.Marshal(texts)
	if _, err := tx.ExecContext(ctx, store.Dialect(tx, sqlRenderedFill, sqlRenderedFillPG), string(js)); err != nil {
		return fmt.Errorf("keep renderings: %w", err)
	}
	return nil
}

// LackingVariable is a variable some customers of a release cannot
// resolve: how many, and the first of them by name.
type LackingVariable struct {
	Name      string   `json:"name"`
	Count     int      `json:"count"`
	Customers []string `json:"customers"` // at most lackingNamed
}

const lackingNamed = 20

// lacking checks content against every context: for each variable some
// customers lack, how many and which.
func lacking(rows []contextRow, operator string, stepName string, contents ...string) []LackingVariable {
	byName := map[string]*LackingVariable{}
	var order []string
	for _, r := range rows {
		c := r.context(operator)
		c.Values = maps(c.Values, "step", stepName)
		seen := map[string]bool{}
		for _, content := range contents {
			for _, n := range vars.Lacks(content, c) {
				if seen[n] {
					continue
				}
				seen[n] = true
				l, ok := byName[n]
				if !ok {
					l = &LackingVariable{Name: n, Customers: []string{}}
					byName[n] = l
					order = append(order, n)
				}
				l.Count++
				if len(l.Customers) < lackingNamed {
					l.Customers = append(l.Customers, r.Customer)
				}
			}
		}
	}
	out := make([]LackingVariable, 0, len(order))
	for _, n := range order {
		out = append(out, *byName[n])
	}
	return out
}

// usesVariables tells whether any content has a variable in it.
func usesVariables(contents ...string) bool {
	for _, c := range contents {
		if strings.Contains(c, "{{") && len(vars.Names(c)) > 0 {
			return true
		}
	}
	return false
}

// releaseCustomerIDs are the customers a release's templates reach: those
// in it once it is active, those its targets cover while it is a draft.
func releaseCustomerIDs(ctx context.Context, db bun.IDB, r store.Release) ([]int64, error) {
	var ids []int64
	if ReleaseStatus(r.Status) == Draft {
		t, err := releaseTargets(ctx, db, r.ID)
		if err != nil {
			return nil, err
		}
		if err := db.NewRaw(`SELECT cu.id`+targetedCustomers, argsOf(t)).Scan(ctx, &ids); err != nil {
			return nil, fmt.Errorf("targeted customers of release %d: %w", r.ID, err)
		}
		return ids, nil
	}
	if err := db.NewRaw(`SELECT customer_id FROM release_customers WHERE release_id = ?`, r.ID).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("customers of release %d: %w", r.ID, err)
	}
	return ids, nil
}

// TemplatePreviewInput asks how template content renders for the release's
// customers, while it is being written.
type TemplatePreviewInput struct {
	ReleaseID int64    `json:"releaseId"`
	Name      string   `json:"name"`
	Type      StepType `json:"type"`
	Content   string   `json:"content"`
	// CustomerID is the customer to render for (0: the first by name).
	CustomerID int64 `json:"customerId"`
}

// TemplatePreview is the content rendered for one customer, and which of
// the release's customers lack a variable it uses.
type TemplatePreview struct {
	Customer  Ref               `json:"customer"` // ID 0 when the release reaches no customer
	Customers []Ref             `json:"customers"`
	Rendered  vars.Result       `json:"rendered"`
	Lacking   []LackingVariable `json:"lacking"`
}

// PreviewTemplate renders template content as one of the release's
// customers would see it, and counts the customers that lack a variable it
// uses (docs/variables.md).
func (s *Service) PreviewTemplate(in TemplatePreviewInput) (out TemplatePreview, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if len(in.Content) > validate.MaxContent {
		return out, problem.Invalid("content", "Content is too long to preview (at most %d bytes).", validate.MaxContent)
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		r, err := loadRelease(ctx, db, in.ReleaseID)
		if err != nil {
			return err
		}
		ids, err := releaseCustomerIDs(ctx, db, r)
		if err != nil {
			return err
		}
		cs, rows, err := contexts(ctx, db, r.ID, ids)
		if err != nil {
			return err
		}
		operator, err := settings.Actor(ctx, db)
		if err != nil {
			return err
		}
		out.Customers = make([]Ref, len(rows))
		for i, row := range rows {
			out.Customers[i] = Ref{ID: row.CustomerID, Name: row.Customer}
		}
		out.Lacking = lacking(rows, operator, in.Name, in.Content)
		c, ok := cs[in.CustomerID]
		if !ok && len(rows) > 0 {
			c, out.Customer = cs[rows[0].CustomerID], Ref{ID: rows[0].CustomerID, Name: rows[0].Customer}
		} else if ok {
			out.Customer = Ref{ID: in.CustomerID, Name: c.CustomerName}
		}
		typ := in.Type
		if typ == "" {
			typ = Text
		}
		out.Rendered = renderStep(c, in.Name, typ, in.Content)
		return nil
	})
	return out, err
}
