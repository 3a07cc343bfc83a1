// Package customer holds customers: one namespace on one cluster each.
// Deletes are soft (DECISIONS.md 10).
package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Customer is a customer with its cluster's name.
type Customer struct {
	ID          int64  `json:"id"`
	ClusterID   int64  `json:"clusterId"`
	ClusterName string `json:"clusterName"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsActive    bool   `json:"isActive"`
	CreatedAt   int64  `json:"createdAt"`
	UpdatedAt   int64  `json:"updatedAt"`
}

// Input creates a customer.
type Input struct {
	ClusterID   int64  `json:"clusterId"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// UpdateInput edits a customer; moving it to another cluster is allowed when
// the namespace is free there.
type UpdateInput struct {
	ID          int64  `json:"id"`
	ClusterID   int64  `json:"clusterId"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ListFilter narrows List. ClusterID 0 means every cluster; Search matches
// name or namespace, case-insensitively.
type ListFilter struct {
	IncludeArchived bool   `json:"includeArchived"`
	ClusterID       int64  `json:"clusterId"`
	Search          string `json:"search"`
}

// ReleaseProgress is a customer's progress in one release.
type ReleaseProgress struct {
	ReleaseID     int64             `json:"releaseId"`
	Name          string            `json:"name"`
	Type          string            `json:"type"`
	Status        string            `json:"status"`
	VersionNumber string            `json:"versionNumber"`
	Progress      progress.Progress `json:"progress"`
}

// Detail is a customer with the releases it takes part in.
type Detail struct {
	Customer        Customer          `json:"customer"`
	ClusterIsActive bool              `json:"clusterIsActive"`
	Releases        []ReleaseProgress `json:"releases"`
}

// Service is bound to the frontend.
type Service struct {
	st *store.Store
}

// NewService returns the customer service.
func NewService(st *store.Store) *Service { return &Service{st: st} }

const selectCustomers = `
SELECT cu.id, cu.cluster_id, cl.name, cu.namespace, cu.name, coalesce(cu.description, ''), coalesce(cu.is_active, 1),
	coalesce(cu.created_at, 0), coalesce(cu.updated_at, 0)
FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id`

func scan(ctx context.Context, db bun.IDB, where string, args ...any) ([]Customer, error) {
	rows, err := db.QueryContext(ctx, selectCustomers+" "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	defer rows.Close()
	out := []Customer{}
	for rows.Next() {
		var c Customer
		if err := rows.Scan(&c.ID, &c.ClusterID, &c.ClusterName, &c.Namespace, &c.Name, &c.Description, &c.IsActive, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func get(ctx context.Context, db bun.IDB, id int64) (Customer, error) {
	cs, err := scan(ctx, db, "WHERE cu.id = ?", id)
	if err != nil {
		return Customer{}, err
	}
	if len(cs) == 0 {
		return Customer{}, problem.NotFound("Customer %d does not exist.", id)
	}
	return cs[0], nil
}

// List returns customers ordered by cluster, then name.
func (s *Service) List(f ListFilter) (out []Customer, err error) {
	defer problem.Recover(&err)
	if f.ClusterID < 0 {
		return out, problem.Invalid("clusterId", "Cluster id must not be negative.")
	}
	search, err := validate.Optional("search", "Search", f.Search, validate.MaxName, false)
	if err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(search)) + "%"
		out, err = scan(ctx, db, `WHERE (?0 OR coalesce(cu.is_active, 1) = 1) AND (?1 = 0 OR cu.cluster_id = ?1)
			AND (lower(cu.name) LIKE ?2 ESCAPE '\' OR lower(cu.namespace) LIKE ?2 ESCAPE '\')
			ORDER BY cl.name, cl.id, coalesce(cu.is_active, 1) DESC, cu.name, cu.id`, f.IncludeArchived, f.ClusterID, like)
		return err
	})
	return out, err
}

// ListByCluster returns a cluster's active customers.
func (s *Service) ListByCluster(clusterID int64) ([]Customer, error) {
	if err := validate.ID("Cluster", clusterID); err != nil {
		return nil, err
	}
	return s.List(ListFilter{ClusterID: clusterID})
}

// Get returns a customer with its releases and its progress in each.
func (s *Service) Get(id int64) (out Detail, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Customer", id); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if out.Customer, err = get(ctx, db, id); err != nil {
			return err
		}
		if err := db.QueryRowContext(ctx, `SELECT coalesce(is_active, 1) FROM clusters WHERE id = ?`, out.Customer.ClusterID).Scan(&out.ClusterIsActive); err != nil {
			return err
		}
		rows, err := db.QueryContext(ctx, `
			SELECT r.id, r.name, r.type, coalesce(r.status, 'draft'), coalesce(r.version_number, ''), `+progress.SQL+`
			FROM release_customers rc JOIN releases r ON r.id = rc.release_id
			LEFT JOIN customer_steps cs ON cs.release_id = rc.release_id AND cs.customer_id = rc.customer_id
			WHERE rc.customer_id = ? GROUP BY r.id ORDER BY r.created_at DESC, r.id DESC`, id)
		if err != nil {
			return fmt.Errorf("releases of customer %d: %w", id, err)
		}
		defer rows.Close()
		out.Releases = []ReleaseProgress{}
		for rows.Next() {
			var p ReleaseProgress
			var d, sk, rv, pe int
			if err := rows.Scan(&p.ReleaseID, &p.Name, &p.Type, &p.Status, &p.VersionNumber, &d, &sk, &rv, &pe); err != nil {
				return err
			}
			p.Progress = progress.Of(d, sk, rv, pe)
			out.Releases = append(out.Releases, p)
		}
		return rows.Err()
	})
	return out, err
}

type fields struct{ namespace, name, description string }

func valid(namespace, name, description string) (fields, error) {
	var f fields
	var err error
	if f.name, err = validate.Name("name", "Customer name", name); err != nil {
		return f, err
	}
	if f.namespace, err = validate.Namespace(namespace); err != nil {
		return f, err
	}
	if f.description, err = validate.Optional("description", "Description", description, validate.MaxDescription, true); err != nil {
		return f, err
	}
	return f, nil
}

// activeCluster loads the target cluster and refuses an archived one.
func activeCluster(ctx context.Context, db bun.IDB, id int64) (store.Cluster, error) {
	var c store.Cluster
	if id <= 0 {
		return c, problem.Invalid("clusterId", "Choose a cluster.")
	}
	err := db.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return c, problem.NotFound("Cluster %d does not exist.", id)
	}
	if err != nil {
		return c, err
	}
	if !c.IsActive {
		return c, problem.State("Cluster '%s' is archived: restore it first.", c.Name)
	}
	return c, nil
}

// namespaceTaken refuses a namespace another customer (active or archived)
// has on the cluster: unique_namespace_per_cluster covers both.
func namespaceTaken(ctx context.Context, db bun.IDB, cl store.Cluster, namespace string, self int64) error {
	var c store.Customer
	err := db.NewSelect().Model(&c).Where("cluster_id = ? AND namespace = ? AND id <> ?", cl.ID, namespace, self).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !c.IsActive {
		return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s' (archived: '%s'); restore it or choose another namespace.", namespace, cl.Name, c.Name)
	}
	return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s'.", namespace, cl.Name)
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func backstop(err error, namespace, cluster string) error {
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s'.", namespace, cluster)
	}
	return err
}

// Create adds a customer to an active cluster.
func (s *Service) Create(in Input) (out Customer, err error) {
	defer problem.Recover(&err)
	f, err := valid(in.Namespace, in.Name, in.Description)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		cl, err := activeCluster(ctx, tx, in.ClusterID)
		if err != nil {
			return err
		}
		if err := namespaceTaken(ctx, tx, cl, f.namespace, 0); err != nil {
			return err
		}
		now := s.st.Now().Unix()
		c := store.Customer{ClusterID: cl.ID, Namespace: f.namespace, Name: f.name, Description: ptr(f.description), IsActive: true, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
			return backstop(err, f.namespace, cl.Name)
		}
		out, err = get(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// Update edits an active customer.
func (s *Service) Update(in UpdateInput) (out Customer, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Customer", in.ID); err != nil {
		return out, err
	}
	f, err := valid(in.Namespace, in.Name, in.Description)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		cur, err := get(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		if !cur.IsActive {
			return problem.State("Customer '%s' is archived: restore it before editing it.", cur.Name)
		}
		cl, err := activeCluster(ctx, tx, in.ClusterID)
		if err != nil {
			return err
		}
		if err := namespaceTaken(ctx, tx, cl, f.namespace, in.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET cluster_id = ?, namespace = ?, name = ?, description = ?, updated_at = ? WHERE id = ?`,
			cl.ID, f.namespace, f.name, ptr(f.description), s.st.Now().Unix(), in.ID); err != nil {
			return backstop(err, f.namespace, cl.Name)
		}
		out, err = get(ctx, tx, in.ID)
		return err
	})
	return out, err
}

func (s *Service) setActive(id int64, active bool) (out Customer, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Customer", id); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		cur, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case cur.IsActive == active && active:
			return problem.State("Customer '%s' is not archived.", cur.Name)
		case cur.IsActive == active:
			return problem.State("Customer '%s' is already archived.", cur.Name)
		}
		if active {
			if _, err := activeCluster(ctx, tx, cur.ClusterID); err != nil {
				return problem.State("Customer '%s' is on archived cluster '%s': restore the cluster first.", cur.Name, cur.ClusterName)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET is_active = ?, updated_at = ? WHERE id = ?`, active, s.st.Now().Unix(), id); err != nil {
			return err
		}
		out, err = get(ctx, tx, id)
		return err
	})
	return out, err
}

// Archive soft-deletes a customer; its record in every release stays.
func (s *Service) Archive(id int64) (Customer, error) { return s.setActive(id, false) }

// Restore brings an archived customer back, if its cluster is active.
func (s *Service) Restore(id int64) (Customer, error) { return s.setActive(id, true) }
