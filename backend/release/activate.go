package release

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// releaseTargets reads a release's targets.
func releaseTargets(ctx context.Context, db bun.IDB, releaseID int64) (Targets, error) {
	t := Targets{Mode: "all", ClusterIDs: []int64{}, CustomerIDs: []int64{}}
	var rows []store.ReleaseTarget
	if err := db.NewSelect().Model(&rows).Where("release_id = ?", releaseID).Order("id").Scan(ctx); err != nil {
		return t, fmt.Errorf("targets of release %d: %w", releaseID, err)
	}
	for _, r := range rows {
		t.Mode = "selected"
		if r.ClusterID != nil {
			t.ClusterIDs = append(t.ClusterIDs, *r.ClusterID)
		} else if r.CustomerID != nil {
			t.CustomerIDs = append(t.CustomerIDs, *r.CustomerID)
		}
	}
	return t, nil
}

// targetCount counts the customers targets cover today.
func targetCount(ctx context.Context, db bun.IDB, t Targets) (int, error) {
	var n int
	if err := db.NewRaw(`SELECT count(*)`+targetedCustomers, argsOf(t)).Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("count targeted customers: %w", err)
	}
	return n, nil
}

func preview(ctx context.Context, db bun.IDB, releaseID int64) (Preview, error) {
	t, err := releaseTargets(ctx, db, releaseID)
	if err != nil {
		return Preview{}, err
	}
	customers, err := targetCount(ctx, db, t)
	if err != nil {
		return Preview{}, err
	}
	var tpls []store.StepTemplate
	if err := db.NewSelect().Model(&tpls).Column("name", "content").Where("release_id = ?", releaseID).Scan(ctx); err != nil {
		return Preview{}, fmt.Errorf("templates of release %d: %w", releaseID, err)
	}
	out := Preview{CustomerCount: customers, TemplateCount: len(tpls), StepCount: customers * len(tpls), Lacking: []LackingVariable{}}
	contents := make([]string, len(tpls))
	for i, t := range tpls {
		contents[i] = t.Content
	}
	if !usesVariables(contents...) {
		return out, nil
	}
	var ids []int64
	if err := db.NewRaw(`SELECT cu.id`+targetedCustomers, argsOf(t)).Scan(ctx, &ids); err != nil {
		return Preview{}, fmt.Errorf("targeted customers of release %d: %w", releaseID, err)
	}
	_, rows, err := contexts(ctx, db, releaseID, ids)
	if err != nil {
		return Preview{}, err
	}
	operator, err := settings.Actor(ctx, db)
	if err != nil {
		return Preview{}, err
	}
	// {{step}} always resolves; the name given here only fills it.
	out.Lacking = lacking(rows, operator, "", contents...)
	return out, nil
}

// ActivationPreview says how many customers and steps activation creates.
func (s *Service) ActivationPreview(id int64) (out Preview, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", id); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if _, err := loadRelease(ctx, db, id); err != nil {
			return err
		}
		out, err = preview(ctx, db, id)
		return err
	})
	return out, err
}

// TargetPreview says how many active customers targets cover today: the
// wizard asks it while they are being chosen, before the draft exists.
func (s *Service) TargetPreview(t Targets) (n int, err error) {
	defer problem.Recover(&err)
	if t, err = validTargets(t); err != nil {
		return 0, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		n, err = targetCount(ctx, db, t)
		return err
	})
	return n, err
}

// Activate turns a draft into an active release: in one transaction it
// resolves the targets and copies every template to every target customer,
// with two INSERT … SELECT statements whatever the fleet size
// (docs/design.md, "Activation").
func (s *Service) Activate(id int64) (out Release, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", id); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		if ReleaseStatus(r.Status) != Draft {
			return problem.State("Release '%s' is %s: only a draft can be activated.", r.Name, r.Status)
		}
		p, err := preview(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.TemplateCount == 0 {
			return problem.State("Release '%s' has no steps: add at least one before activating it.", r.Name)
		}
		if p.CustomerCount == 0 {
			return problem.State("No active customer matches the targets of release '%s'.", r.Name)
		}
		// A draft has no steps: activation makes them all, pending, so its
		// figures are known without counting 200,000 rows again (0.2 s on
		// PostgreSQL, whose index-only scans visit rows not yet vacuumed).
		// A database written by another program may hold a draft's steps:
		// those figures are counted.
		var had bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customer_steps WHERE release_id = ?)`, id).Scan(&had); err != nil {
			return fmt.Errorf("steps of draft %d: %w", id, err)
		}
		now := s.st.Now().Unix()
		made, err := activateSteps(ctx, tx, id, now)
		if err != nil {
			return err
		}
		r.Status, r.UpdatedAt = string(Active), now
		if _, err := tx.NewUpdate().Model(&r).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("activate release %d: %w", id, err)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, id, event{action: EventActivate, subject: r.Name, detail: p}, actor, now); err != nil {
			return err
		}
		if had {
			out, err = getRelease(ctx, tx, id)
			return err
		}
		out, err = readRelease(ctx, tx, id, false)
		out.Progress = progress.Counts{Pending: int(made)}.Progress()
		return err
	})
	if err == nil {
		s.st.Settle("customer_steps")
	}
	return out, err
}

// activateSteps is the bulk work of activation, also used by the benchmarks.
func activateSteps(ctx context.Context, tx bun.IDB, releaseID, now int64) (made int64, err error) {
	t, err := releaseTargets(ctx, tx, releaseID)
	if err != nil {
		return 0, err
	}
	a := argsOf(t)
	a.Release, a.Now = releaseID, now
	if _, err := tx.NewRaw(sqlActivateTargets, a).Exec(ctx); err != nil {
		return 0, fmt.Errorf("resolve targets of release %d: %w", releaseID, err)
	}
	if made, err = createSteps(ctx, tx, releaseID, now, true, nil); err != nil {
		return 0, fmt.Errorf("create steps of release %d: %w", releaseID, err)
	}
	return made, nil
}

// AddableCustomers lists active customers an active release does not cover.
func (s *Service) AddableCustomers(id int64) (out []CustomerRef, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", id); err != nil {
		return out, err
	}
	out = []CustomerRef{}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if _, err := loadRelease(ctx, db, id); err != nil {
			return err
		}
		return db.NewRaw(`SELECT cu.id, cu.name, cu.namespace, cl.id AS cluster_id, cl.name AS cluster_name
			FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id
			WHERE coalesce(cu.is_active, true) AND coalesce(cl.is_active, true)
				AND cu.id NOT IN (SELECT customer_id FROM release_customers WHERE release_id = ?)
			ORDER BY cl.name, cu.name`, id).Scan(ctx, &out)
	})
	return out, err
}

// AddCustomers adds active customers to an active release, copying the
// current templates to them (docs/design.md, "Release targets").
func (s *Service) AddCustomers(in AddCustomersInput) (out Release, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if err := validate.IDs("customer", in.CustomerIDs, 100000); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if err := requireActive(r, "add customers"); err != nil {
			return err
		}
		if err := allActive(ctx, tx, "customers", "customer", in.CustomerIDs); err != nil {
			return err
		}
		ids := store.IDs(in.CustomerIDs)
		var already, onArchived int64
		if err := tx.QueryRowContext(ctx, `SELECT
				coalesce((SELECT customer_id FROM release_customers WHERE release_id = ?0 AND customer_id IN ?1 LIMIT 1), 0),
				coalesce((SELECT cu.id FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id WHERE cu.id IN ?1 AND NOT coalesce(cl.is_active, true) LIMIT 1), 0)`,
			r.ID, ids).Scan(&already, &onArchived); err != nil {
			return fmt.Errorf("check customers to add: %w", err)
		}
		if already != 0 {
			return problem.Conflict("customerIds", "Customer %d is already part of release '%s'.", already, r.Name)
		}
		if onArchived != 0 {
			return problem.State("Customer %d is on an archived cluster: restore the cluster first.", onArchived)
		}
		now := s.st.Now().Unix()
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_customers (release_id, customer_id, added_at)
			SELECT ?0, j.value, ?1 FROM ?2 AS j`, r.ID, now, store.Rows(ids)); err != nil {
			return fmt.Errorf("add customers to release %d: %w", r.ID, err)
		}
		var names []string
		if err := tx.NewRaw(`SELECT name FROM customers WHERE id IN ? ORDER BY name`, ids).Scan(ctx, &names); err != nil {
			return fmt.Errorf("names of the added customers: %w", err)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, r.ID, event{action: EventCustomersAdd, subject: r.Name, detail: map[string]any{"customers": names}}, actor, now); err != nil {
			return err
		}
		if _, err := createSteps(ctx, tx, r.ID, now, false, ids); err != nil {
			return fmt.Errorf("create steps for added customers: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE releases SET updated_at = ? WHERE id = ?", now, r.ID); err != nil {
			return fmt.Errorf("touch release: %w", err)
		}
		out, err = getRelease(ctx, tx, r.ID)
		return err
	})
	if err == nil {
		s.st.Settle("customer_steps")
	}
	return out, err
}
