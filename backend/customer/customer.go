// Package customer holds customers: one namespace on one cluster each.
// Deletes are soft (docs/design.md, "Deletion").
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
	"shipdeck/backend/vars"
)

// Customer is a customer with its cluster's name: its Row, and what only
// its own page shows.
type Customer struct {
	Row
	CreatedAt int64 `json:"createdAt"`
	UpdatedAt int64 `json:"updatedAt"`
	// Metadata is the customer's metadata as a form shows it
	// (vars.FormMetadata): a value that is not a string is its JSON text.
	Metadata map[string]string `json:"metadata" bun:"-"`
}

// Input creates a customer.
type Input struct {
	ClusterID   int64             `json:"clusterId"`
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
}

// UpdateInput edits a customer; moving it to another cluster is allowed when
// the namespace is free there. Metadata is every key the form kept, with
// its text (vars.EditMetadata); nil leaves the stored metadata as it is,
// an empty map removes it.
type UpdateInput struct {
	ID          int64             `json:"id"`
	ClusterID   int64             `json:"clusterId"`
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
}

// Row is a customer as the customer lists show it. It leaves out what only
// the customer's own page shows (metadata, times): at 50,000 customers the
// full records were 9.8 MB of JSON, most of the customers page's second.
type Row struct {
	ID          int64  `json:"id"`
	ClusterID   int64  `json:"clusterId"`
	ClusterName string `json:"clusterName"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsActive    bool   `json:"isActive"`
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
	// HeldAt and HoldReason say the customer is held back in the release.
	HeldAt     *int64 `json:"heldAt"`
	HoldReason string `json:"holdReason"`
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

// rowColumns are a Row's columns over customers cu joined to clusters cl
// (a NULL is_active, as the specification's app may leave it, reads as
// active).
const rowColumns = `cu.id, cu.cluster_id, cl.name AS cluster_name, cu.namespace, cu.name, coalesce(cu.description, '') AS description,
	coalesce(cu.is_active, true) AS is_active`

// selectCustomers reads customers with their cluster's name.
const selectCustomers = `
SELECT ` + rowColumns + `, coalesce(cu.created_at, 0) AS created_at, coalesce(cu.updated_at, 0) AS updated_at, cu.metadata
FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id`

func scan(ctx context.Context, db bun.IDB, where string, args ...any) ([]Customer, error) {
	var rows []struct {
		Customer
		Stored store.Metadata `bun:"metadata"`
	}
	if err := db.NewRaw(selectCustomers+" "+where, args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list customers: %w", err)
	}
	out := make([]Customer, len(rows))
	for i, r := range rows {
		out[i] = r.Customer
		out[i].Metadata = vars.FormMetadata(r.Stored)
	}
	return out, nil
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
func (s *Service) List(f ListFilter) (out []Row, err error) {
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
		out = []Row{}
		if err := db.NewRaw(`
			SELECT `+rowColumns+`
			FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id
			WHERE (?0 OR coalesce(cu.is_active, true)) AND (?1 = 0 OR cu.cluster_id = ?1)
				AND (?3 = '' OR lower(cu.name) LIKE ?2 ESCAPE '\' OR lower(cu.namespace) LIKE ?2 ESCAPE '\')
			ORDER BY cl.name, cl.id, coalesce(cu.is_active, true) DESC, cu.name, cu.id`, f.IncludeArchived, f.ClusterID, like, search).Scan(ctx, &out); err != nil {
			return fmt.Errorf("list customers: %w", err)
		}
		return nil
	})
	return out, err
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
		if err := db.QueryRowContext(ctx, `SELECT coalesce(is_active, true) FROM clusters WHERE id = ?`, out.Customer.ClusterID).Scan(&out.ClusterIsActive); err != nil {
			return fmt.Errorf("read customer's cluster: %w", err)
		}
		var rs []struct {
			ReleaseProgress
			progress.Counts
		}
		if err := db.NewRaw(`
			SELECT r.id AS release_id, r.name, r.type, coalesce(r.status, 'draft') AS status, coalesce(r.version_number, '') AS version_number,
				rc.held_at, coalesce(rc.hold_reason, '') AS hold_reason, `+progress.SQL+`
			FROM release_customers rc JOIN releases r ON r.id = rc.release_id
			LEFT JOIN customer_steps cs ON cs.release_id = rc.release_id AND cs.customer_id = rc.customer_id
			WHERE rc.customer_id = ? GROUP BY r.id, rc.release_id, rc.customer_id ORDER BY r.created_at DESC, r.id DESC`, id).Scan(ctx, &rs); err != nil {
			return fmt.Errorf("releases of customer %d: %w", id, err)
		}
		out.Releases = make([]ReleaseProgress, len(rs))
		for i, r := range rs {
			out.Releases[i] = r.ReleaseProgress
			out.Releases[i].Progress = r.Counts.Progress()
		}
		return nil
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
		return c, fmt.Errorf("load cluster %d: %w", id, err)
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
		return fmt.Errorf("check namespace: %w", err)
	}
	if !c.IsActive {
		return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s' (archived: '%s'); restore it or choose another namespace.", namespace, cl.Name, c.Name)
	}
	return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s'.", namespace, cl.Name)
}

func backstop(err error, namespace, cluster string) error {
	if store.IsUnique(err) {
		return problem.Conflict("namespace", "A customer with namespace '%s' already exists on cluster '%s'.", namespace, cluster)
	}
	if err != nil {
		return fmt.Errorf("save customer %s on %s: %w", namespace, cluster, err)
	}
	return nil
}

// Create adds a customer to an active cluster.
func (s *Service) Create(in Input) (out Customer, err error) {
	defer problem.Recover(&err)
	f, err := valid(in.Namespace, in.Name, in.Description)
	if err != nil {
		return out, err
	}
	meta, err := vars.Metadata("metadata", in.Metadata)
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
		c := store.Customer{ClusterID: cl.ID, Namespace: f.namespace, Name: f.name, Description: store.Text(f.description), IsActive: true,
			Metadata: vars.MergeMetadata(nil, meta), CreatedAt: now, UpdatedAt: now}
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
		c := store.Customer{ID: in.ID, ClusterID: cl.ID, Namespace: f.namespace, Name: f.name, Description: store.Text(f.description), UpdatedAt: s.st.Now().Unix()}
		columns := []string{"cluster_id", "namespace", "name", "description", "updated_at"}
		if in.Metadata != nil {
			var stored store.Customer
			if err := tx.NewSelect().Model(&stored).Column("metadata").Where("id = ?", in.ID).Scan(ctx); err != nil {
				return fmt.Errorf("load metadata of customer %d: %w", in.ID, err)
			}
			if c.Metadata, err = vars.EditMetadata("metadata", stored.Metadata, in.Metadata); err != nil {
				return err
			}
			columns = append(columns, "metadata")
		}
		if _, err := tx.NewUpdate().Model(&c).Column(columns...).WherePK().Exec(ctx); err != nil {
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
		c := store.Customer{ID: id, IsActive: store.Active(active), UpdatedAt: s.st.Now().Unix()}
		if _, err := tx.NewUpdate().Model(&c).Column("is_active", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("archive or restore customer %d: %w", id, err)
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
