package sample

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"shipdeck/backend/dashboard"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

func TestLoadSampleWorkspace(t *testing.T) {
	st := store.New(nil)
	if err := st.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName)); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := NewService(st)
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	ov, err := dashboard.NewService(st).Overview()
	if err != nil {
		t.Fatal(err)
	}
	c := ov.Counts
	if c.Clusters != 3 || c.Customers != 12 || c.ActiveReleases != 1 || c.DraftReleases != 1 || c.ArchivedReleases != 1 || ov.Empty {
		t.Fatalf("counts %+v", c)
	}
	active := ov.Active[0]
	if active.Name != "2026.11" || active.CustomerCount != 12 || active.Progress.Total != 12*8+1 {
		t.Fatalf("active release %+v", active)
	}
	p := active.Progress
	if p.Done == 0 || p.Skipped != 1 || p.Reverted != 1 || p.Pending == 0 {
		t.Fatalf("want a part-way release, got %+v", p)
	}
	m, err := release.NewSteps(st).Matrix(active.ID, 0)
	if err != nil || len(m.Clusters) != 3 || len(m.Rows) != 8 || len(m.Extras) != 1 {
		t.Fatalf("matrix %v %+v", err, m.Clusters)
	}
	if len(ov.Recent) == 0 {
		t.Fatal("no recent activity")
	}
	if err := s.Load(); !errors.Is(err, problem.ErrState) {
		t.Fatalf("second load: %v", err)
	}
}

// A failure half-way leaves the database empty, so the load can be tried
// again (it refuses a database that is not empty).
func TestLoadIsAllOrNothing(t *testing.T) {
	st := store.New(nil)
	if err := st.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName)); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The sixth customer cannot be written (a stand-in for a full disk).
	if _, err := db.ExecContext(ctx, `CREATE TRIGGER half_way BEFORE INSERT ON customers WHEN (SELECT count(*) FROM customers) >= 5
		BEGIN SELECT RAISE(ABORT, 'no room'); END`); err != nil {
		t.Fatal(err)
	}
	if err := NewService(st).Load(); err == nil {
		t.Fatal("the load went through the failing insert")
	}
	var rows int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM clusters) + (SELECT count(*) FROM customers) + (SELECT count(*) FROM releases) + (SELECT count(*) FROM step_history)`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Fatalf("a failed load left %d rows behind", rows)
	}
	if _, err := db.ExecContext(ctx, `DROP TRIGGER half_way`); err != nil {
		t.Fatal(err)
	}
	if err := NewService(st).Load(); err != nil {
		t.Fatalf("the load after a failed one: %v", err)
	}
}
