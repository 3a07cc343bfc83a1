// Package dashboard gathers the figures of the home screen in one read.
package dashboard

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// Counts are the fleet at a glance.
type Counts struct {
	Clusters          int `json:"clusters"`
	ArchivedClusters  int `json:"archivedClusters"`
	Customers         int `json:"customers"`
	ArchivedCustomers int `json:"archivedCustomers"`
	DraftReleases     int `json:"draftReleases"`
	ActiveReleases    int `json:"activeReleases"`
	ArchivedReleases  int `json:"archivedReleases"`
}

// Overview is the dashboard.
type Overview struct {
	Counts Counts `json:"counts"`
	// Steps sums the active releases' progress: the dashboard's step
	// figures, computed as every other screen's (docs/design.md, "Progress").
	Steps  progress.Progress      `json:"steps"`
	Active []release.Release      `json:"active"`
	Drafts []release.Release      `json:"drafts"`
	Recent []release.HistoryEntry `json:"recent"`
	// Empty is true for a brand-new database: the first-run screen.
	Empty bool `json:"empty"`
}

// Service is bound to the frontend.
type Service struct {
	st *store.Store
}

// NewService returns the dashboard service.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// Overview returns the dashboard's figures.
func (s *Service) Overview() (out Overview, err error) {
	defer problem.Recover(&err)
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		c := &out.Counts
		if err := db.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM clusters WHERE coalesce(is_active, true)),
			(SELECT count(*) FROM clusters WHERE NOT coalesce(is_active, true)),
			(SELECT count(*) FROM customers WHERE coalesce(is_active, true)),
			(SELECT count(*) FROM customers WHERE NOT coalesce(is_active, true)),
			(SELECT count(*) FROM releases WHERE coalesce(status, 'draft') = 'draft'),
			(SELECT count(*) FROM releases WHERE status = 'active'),
			(SELECT count(*) FROM releases WHERE status = 'archived')`).Scan(
			&c.Clusters, &c.ArchivedClusters, &c.Customers, &c.ArchivedCustomers,
			&c.DraftReleases, &c.ActiveReleases, &c.ArchivedReleases); err != nil {
			return fmt.Errorf("count clusters, customers and releases: %w", err)
		}
		out.Empty = c.Clusters+c.ArchivedClusters+c.DraftReleases+c.ActiveReleases+c.ArchivedReleases == 0
		if out.Active, err = release.ListByStatus(ctx, db, release.Active); err != nil {
			return err
		}
		for _, r := range out.Active {
			out.Steps = out.Steps.Add(r.Progress)
		}
		if out.Drafts, err = release.ListByStatus(ctx, db, release.Draft); err != nil {
			return err
		}
		out.Recent, err = release.RecentHistory(ctx, db, 15)
		return err
	})
	return out, err
}
