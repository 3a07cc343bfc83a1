package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
)

// Records are named by id or by name; a name several records share is
// refused with the candidates listed, never guessed.

type candidate struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
	Note string `bun:"note"`
}

// pick resolves ref among the rows q finds for an id or a name.
func pick(ctx context.Context, db bun.IDB, what, ref string, byID, byName string, args ...any) (candidate, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return candidate{}, usage("give the %s by id or name", what)
	}
	var rows []candidate
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		if err := db.NewRaw(byID, append([]any{id}, args...)...).Scan(ctx, &rows); err != nil {
			return candidate{}, fmt.Errorf("find %s %d: %w", what, id, err)
		}
		if len(rows) == 1 {
			return rows[0], nil
		}
	}
	rows = nil
	if err := db.NewRaw(byName, append([]any{ref}, args...)...).Scan(ctx, &rows); err != nil {
		return candidate{}, fmt.Errorf("find %s %q: %w", what, ref, err)
	}
	switch len(rows) {
	case 0:
		return candidate{}, problem.NotFound("There is no %s %q.", what, ref)
	case 1:
		return rows[0], nil
	}
	var names []string
	for _, r := range rows {
		names = append(names, fmt.Sprintf("%s (id %d%s)", r.Name, r.ID, r.Note))
	}
	return candidate{}, problem.Invalid(what, "%q names %d %ss: %s. Give the id.", ref, len(rows), what, strings.Join(names, ", "))
}

func findRelease(ctx context.Context, db bun.IDB, ref string) (candidate, error) {
	const cols = `SELECT id, name, ', ' || status AS note FROM releases WHERE `
	return pick(ctx, db, "release", ref, cols+`id = ?`, cols+`name = ? ORDER BY id`)
}

func findCluster(ctx context.Context, db bun.IDB, ref string) (candidate, error) {
	const cols = `SELECT id, name, CASE WHEN coalesce(is_active, true) THEN '' ELSE ', archived' END AS note FROM clusters WHERE `
	return pick(ctx, db, "cluster", ref, cols+`id = ?`, cols+`name = ? ORDER BY id`)
}

// findCustomer resolves a customer by id, name or namespace (within a
// cluster when one is given).
func findCustomer(ctx context.Context, db bun.IDB, ref string, clusterID int64) (candidate, error) {
	const cols = `SELECT cu.id, cu.name, ', ' || cl.name || '/' || cu.namespace AS note FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id WHERE `
	inCluster := ` AND (?1 = 0 OR cu.cluster_id = ?1)`
	return pick(ctx, db, "customer", ref, cols+`cu.id = ?0`+inCluster, cols+`(cu.name = ?0 OR cu.namespace = ?0)`+inCluster+` ORDER BY cu.id`, clusterID)
}

// customerIn resolves --customer, or --cluster with --namespace.
func customerIn(ctx context.Context, db bun.IDB, customer, cluster, namespace string) (candidate, error) {
	var clusterID int64
	if cluster != "" {
		cl, err := findCluster(ctx, db, cluster)
		if err != nil {
			return candidate{}, err
		}
		clusterID = cl.ID
	}
	switch {
	case customer != "" && namespace != "":
		return candidate{}, usage("give --customer, or --cluster with --namespace, not both")
	case customer != "":
		return findCustomer(ctx, db, customer, clusterID)
	case namespace != "" && clusterID != 0:
		var rows []candidate
		if err := db.NewRaw(`SELECT cu.id, cu.name, '' AS note FROM customers cu WHERE cu.cluster_id = ? AND cu.namespace = ?`, clusterID, namespace).Scan(ctx, &rows); err != nil {
			return candidate{}, fmt.Errorf("find namespace %s: %w", namespace, err)
		}
		if len(rows) == 0 {
			return candidate{}, problem.NotFound("Cluster %s has no customer in namespace %q.", cluster, namespace)
		}
		return rows[0], nil
	case namespace != "":
		return candidate{}, usage("--namespace needs --cluster")
	}
	return candidate{}, usage("name the customer: --customer C, or --cluster K --namespace NS")
}

// stepRef names a step of a customer: by name, or by category and rank
// (deploy:3 is the third deploy step).
type stepRef struct {
	name     string
	category string
	rank     int
}

func parseStepRef(name, position string) (stepRef, error) {
	switch {
	case name != "" && position != "":
		return stepRef{}, usage("give --step or --position, not both")
	case name != "":
		return stepRef{name: name}, nil
	case position != "":
		cat, n, ok := strings.Cut(position, ":")
		rank, err := strconv.Atoi(n)
		if !ok || err != nil || rank < 1 || (cat != "deploy" && cat != "verify") {
			return stepRef{}, usage("--position is deploy:N or verify:N, N from 1 (got %q)", position)
		}
		return stepRef{category: cat, rank: rank}, nil
	}
	return stepRef{}, usage("name the step: --step NAME or --position deploy:N")
}

// stepRow is a customer step found for a command.
type stepRow struct {
	ID         int64  `bun:"id" json:"id"`
	CustomerID int64  `bun:"customer_id" json:"customerId"`
	Customer   string `bun:"customer" json:"customer"`
	Namespace  string `bun:"namespace" json:"namespace"`
	Cluster    string `bun:"cluster" json:"cluster"`
	Name       string `bun:"name" json:"step"`
	Category   string `bun:"category" json:"category"`
	Rank       int    `bun:"rank" json:"position"`
	Status     string `bun:"status" json:"status"`
}

// sqlCustomerSteps lists customers' steps with their rank in their
// category, for the given release and customers (?1: store.IDs).
const sqlCustomerSteps = `SELECT cs.id, cs.customer_id, cu.name AS customer, cu.namespace, cl.name AS cluster, cs.name, cs.category,
	row_number() OVER (PARTITION BY cs.customer_id, cs.category ORDER BY cs.order_index, cs.id) AS rank,
	coalesce(cs.status, 'pending') AS status
FROM customer_steps cs JOIN customers cu ON cu.id = cs.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
WHERE cs.release_id = ?0 AND cs.customer_id IN ?1
ORDER BY cl.name, cu.name, cs.category, rank`

// stepsFor finds the step ref names for each customer: exactly one each,
// or the command is refused (naming what is missing or ambiguous).
// A --step that is a number names the step with that id (the id `status
// --json` prints) before any step of that name, as releases and customers
// are named.
func stepsFor(all []stepRow, ref stepRef, customers []int64) ([]stepRow, error) {
	byCustomer := map[int64][]stepRow{}
	byID := map[int64]stepRow{}
	id, err := strconv.ParseInt(ref.name, 10, 64)
	if err != nil || id <= 0 {
		id = 0
	}
	for _, s := range all {
		if id != 0 && s.ID == id {
			byID[s.CustomerID] = s
		}
		match := (ref.name != "" && s.Name == ref.name) || (ref.name == "" && s.Category == ref.category && s.Rank == ref.rank)
		if match {
			byCustomer[s.CustomerID] = append(byCustomer[s.CustomerID], s)
		}
	}
	for c, s := range byID {
		byCustomer[c] = []stepRow{s}
	}
	out := make([]stepRow, 0, len(customers))
	for _, id := range customers {
		found := byCustomer[id]
		switch len(found) {
		case 1:
			out = append(out, found[0])
		case 0:
			return nil, problem.NotFound("Customer %s has no step %s in this release.", customerName(all, id), ref)
		default:
			var pos []string
			for _, f := range found {
				pos = append(pos, fmt.Sprintf("%s:%d", f.Category, f.Rank))
			}
			return nil, problem.Invalid("step", "%s has %d steps named %q (%s): give --position.", customerName(all, id), len(found), ref.name, strings.Join(pos, ", "))
		}
	}
	return out, nil
}

func (r stepRef) String() string {
	if r.name != "" {
		return fmt.Sprintf("%q", r.name)
	}
	return fmt.Sprintf("%s:%d", r.category, r.rank)
}

func customerName(all []stepRow, id int64) string {
	for _, s := range all {
		if s.CustomerID == id {
			return s.Customer
		}
	}
	return fmt.Sprintf("#%d", id)
}

// releaseCustomers are the customers a release covers.
func releaseCustomers(ctx context.Context, db bun.IDB, releaseID int64) ([]int64, error) {
	var ids []int64
	if err := db.NewRaw(`SELECT customer_id FROM release_customers WHERE release_id = ? ORDER BY customer_id`, releaseID).Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("customers of release %d: %w", releaseID, err)
	}
	return ids, nil
}
