// Package cluster holds the Kubernetes clusters customers live on. Deletes
// are soft (docs/design.md, "Deletion"): an archived cluster keeps its
// record.
package cluster

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// Cluster is a cluster as lists and forms show it.
type Cluster struct {
	ID                    int64  `json:"id"`
	Name                  string `json:"name"`
	KubeconfigPath        string `json:"kubeconfigPath"`
	Description           string `json:"description"`
	IsActive              bool   `json:"isActive"`
	CreatedAt             int64  `json:"createdAt"`
	UpdatedAt             int64  `json:"updatedAt"`
	CustomerCount         int    `json:"customerCount"`
	ArchivedCustomerCount int    `json:"archivedCustomerCount"`
	// Metadata is the cluster's metadata as a form shows it
	// (vars.FormMetadata): a value that is not a string is its JSON text.
	Metadata map[string]string `json:"metadata" bun:"-"`
}

// Member is one customer of a cluster.
type Member struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	IsActive  bool   `json:"isActive"`
}

// Detail is a cluster with its customers, active ones first.
type Detail struct {
	Cluster   Cluster  `json:"cluster"`
	Customers []Member `json:"customers"`
}

// Input creates a cluster.
type Input struct {
	Name           string            `json:"name"`
	KubeconfigPath string            `json:"kubeconfigPath"`
	Description    string            `json:"description"`
	Metadata       map[string]string `json:"metadata"`
}

// UpdateInput edits a cluster. Metadata is every key the form kept, with
// its text (vars.EditMetadata); nil leaves the stored metadata as it is,
// an empty map removes it.
type UpdateInput struct {
	ID             int64             `json:"id"`
	Name           string            `json:"name"`
	KubeconfigPath string            `json:"kubeconfigPath"`
	Description    string            `json:"description"`
	Metadata       map[string]string `json:"metadata"`
}

// Service is bound to the frontend.
type Service struct {
	st *store.Store
}

// NewService returns the cluster service.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// selectClusters reads clusters with their customer counts (a NULL
// is_active, as the specification's app may leave it, reads as active).
const selectClusters = `
SELECT cl.id, cl.name, coalesce(cl.kubeconfig_path, '') AS kubeconfig_path, coalesce(cl.description, '') AS description,
	coalesce(cl.is_active, true) AS is_active, coalesce(cl.created_at, 0) AS created_at, coalesce(cl.updated_at, 0) AS updated_at, cl.metadata,
	(SELECT count(*) FROM customers cu WHERE cu.cluster_id = cl.id AND coalesce(cu.is_active, true)) AS customer_count,
	(SELECT count(*) FROM customers cu WHERE cu.cluster_id = cl.id AND NOT coalesce(cu.is_active, true)) AS archived_customer_count
FROM clusters cl`

func scan(ctx context.Context, db bun.IDB, where string, args ...any) ([]Cluster, error) {
	var rows []struct {
		Cluster
		Stored store.Metadata `bun:"metadata"`
	}
	if err := db.NewRaw(selectClusters+" "+where, args...).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	out := make([]Cluster, len(rows))
	for i, r := range rows {
		out[i] = r.Cluster
		out[i].Metadata = vars.FormMetadata(r.Stored)
	}
	return out, nil
}

func get(ctx context.Context, db bun.IDB, id int64) (Cluster, error) {
	cs, err := scan(ctx, db, "WHERE cl.id = ?", id)
	if err != nil {
		return Cluster{}, err
	}
	if len(cs) == 0 {
		return Cluster{}, problem.NotFound("Cluster %d does not exist.", id)
	}
	return cs[0], nil
}

// List returns the active clusters by name, and the archived ones too when
// asked.
func (s *Service) List(includeArchived bool) (out []Cluster, err error) {
	defer problem.Recover(&err)
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		where := "WHERE coalesce(cl.is_active, true) ORDER BY cl.name"
		if includeArchived {
			where = "ORDER BY coalesce(cl.is_active, true) DESC, cl.name"
		}
		out, err = scan(ctx, db, where)
		return err
	})
	return out, err
}

// Get returns a cluster with its customers.
func (s *Service) Get(id int64) (out Detail, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Cluster", id); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if out.Cluster, err = get(ctx, db, id); err != nil {
			return err
		}
		out.Customers = []Member{}
		return db.NewRaw(`SELECT id, name, namespace, coalesce(is_active, true) AS is_active FROM customers
			WHERE cluster_id = ? ORDER BY coalesce(is_active, true) DESC, name`, id).Scan(ctx, &out.Customers)
	})
	return out, err
}

type fields struct{ name, kubeconfig, description string }

func valid(name, kubeconfig, description string) (fields, error) {
	var f fields
	var err error
	if f.name, err = validate.Name("name", "Cluster name", name); err != nil {
		return f, err
	}
	if f.kubeconfig, err = validate.KubeconfigPath(kubeconfig); err != nil {
		return f, err
	}
	if f.description, err = validate.Optional("description", "Description", description, validate.MaxDescription, true); err != nil {
		return f, err
	}
	return f, nil
}

// nameTaken refuses a name another cluster (active or archived) has: the
// unique index covers both. Names are compared in the form Name stores
// (NFC, no invisible characters), so a name stored before that rule, or by
// another program, still counts: "Zürich" written either way is one name.
// Clusters are few, so every name is read.
func nameTaken(ctx context.Context, db bun.IDB, name string, self int64) error {
	var cs []store.Cluster
	if err := db.NewSelect().Model(&cs).Column("id", "name", "is_active").Where("id <> ?", self).Scan(ctx); err != nil {
		return fmt.Errorf("read cluster names: %w", err)
	}
	for _, c := range cs {
		if validate.NameKey(c.Name) != name {
			continue
		}
		if !c.IsActive {
			return problem.Conflict("name", "A cluster named '%s' already exists (archived): restore it or choose another name.", name)
		}
		return problem.Conflict("name", "A cluster named '%s' already exists.", name)
	}
	return nil
}

// conflictBackstop turns a UNIQUE failure that slipped past the checks into
// the same sentence.
func conflictBackstop(err error, name string) error {
	if store.IsUnique(err) {
		return problem.Conflict("name", "A cluster named '%s' already exists.", name)
	}
	if err != nil {
		return fmt.Errorf("save cluster %s: %w", name, err)
	}
	return nil
}

// Create adds a cluster.
func (s *Service) Create(in Input) (out Cluster, err error) {
	defer problem.Recover(&err)
	f, err := valid(in.Name, in.KubeconfigPath, in.Description)
	if err != nil {
		return out, err
	}
	meta, err := vars.Metadata("metadata", in.Metadata)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		if err := nameTaken(ctx, tx, f.name, 0); err != nil {
			return err
		}
		now := s.st.Now().Unix()
		c := store.Cluster{Name: f.name, KubeconfigPath: store.Text(f.kubeconfig), Description: store.Text(f.description), IsActive: true,
			Metadata: vars.MergeMetadata(nil, meta), CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
			return conflictBackstop(err, f.name)
		}
		out, err = get(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// Update edits an active cluster.
func (s *Service) Update(in UpdateInput) (out Cluster, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Cluster", in.ID); err != nil {
		return out, err
	}
	f, err := valid(in.Name, in.KubeconfigPath, in.Description)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		cur, err := get(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		if !cur.IsActive {
			return problem.State("Cluster '%s' is archived: restore it before editing it.", cur.Name)
		}
		if err := nameTaken(ctx, tx, f.name, in.ID); err != nil {
			return err
		}
		c := store.Cluster{ID: in.ID, Name: f.name, KubeconfigPath: store.Text(f.kubeconfig), Description: store.Text(f.description), UpdatedAt: s.st.Now().Unix()}
		columns := []string{"name", "kubeconfig_path", "description", "updated_at"}
		if in.Metadata != nil {
			var stored store.Cluster
			if err := tx.NewSelect().Model(&stored).Column("metadata").Where("id = ?", in.ID).Scan(ctx); err != nil {
				return fmt.Errorf("load metadata of cluster %d: %w", in.ID, err)
			}
			if c.Metadata, err = vars.EditMetadata("metadata", stored.Metadata, in.Metadata); err != nil {
				return err
			}
			columns = append(columns, "metadata")
		}
		if _, err := tx.NewUpdate().Model(&c).Column(columns...).WherePK().Exec(ctx); err != nil {
			return conflictBackstop(err, f.name)
		}
		out, err = get(ctx, tx, in.ID)
		return err
	})
	return out, err
}

// Archive soft-deletes a cluster; refused while it has active customers.
func (s *Service) Archive(id int64) (Cluster, error) { return s.setActive(id, false) }

// Restore brings an archived cluster back.
func (s *Service) Restore(id int64) (Cluster, error) { return s.setActive(id, true) }

// setActive archives or restores a cluster, in one transaction.
func (s *Service) setActive(id int64, active bool) (out Cluster, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Cluster", id); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		cur, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case cur.IsActive && active:
			return problem.State("Cluster '%s' is not archived.", cur.Name)
		case !cur.IsActive && !active:
			return problem.State("Cluster '%s' is already archived.", cur.Name)
		case !active && cur.CustomerCount == 1:
			return problem.State("Cluster '%s' still has 1 active customer: archive or move it first.", cur.Name)
		case !active && cur.CustomerCount > 1:
			return problem.State("Cluster '%s' still has %d active customers: archive or move them first.", cur.Name, cur.CustomerCount)
		}
		c := store.Cluster{ID: id, IsActive: store.Active(active), UpdatedAt: s.st.Now().Unix()}
		if _, err := tx.NewUpdate().Model(&c).Column("is_active", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("archive or restore cluster %d: %w", id, err)
		}
		out, err = get(ctx, tx, id)
		return err
	})
	return out, err
}
