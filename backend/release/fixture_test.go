package release

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/store"
)

// fixture is a test world: a real store on a file, the two services, and
// builders for clusters and customers (their own services live elsewhere;
// rows are enough here).
type fixture struct {
	t     testing.TB
	st    *store.Store
	rel   *Service
	steps *Steps
	now   time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, testdb.Engine)
}

// newFixtureOn is a fixture on the engine named ("sqlite", "postgres").
func newFixtureOn(t testing.TB, engine string) *fixture {
	t.Helper()
	f := &fixture{t: t, now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	f.st = testdb.OpenOn(t, engine, func() time.Time { return f.now })
	f.rel, f.steps = NewService(f.st), NewSteps(f.st)
	return f
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	db, _ := f.st.DB()
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) cluster(name string) int64 {
	f.t.Helper()
	db, _ := f.st.DB()
	c := store.Cluster{Name: name, IsActive: true, CreatedAt: 1, UpdatedAt: 1}
	if _, err := db.NewInsert().Model(&c).Exec(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}

func (f *fixture) customer(clusterID int64, name string) int64 {
	f.t.Helper()
	db, _ := f.st.DB()
	c := store.Customer{ClusterID: clusterID, Name: name, Namespace: name, IsActive: true, CreatedAt: 1, UpdatedAt: 1}
	if _, err := db.NewInsert().Model(&c).Exec(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return c.ID
}

// fleet makes clusters × customersPer customers named c<i>-<j>.
func (f *fixture) fleet(clusters, customersPer int) []int64 {
	var ids []int64
	for i := 0; i < clusters; i++ {
		cl := f.cluster(fmt.Sprintf("cluster-%02d", i))
		for j := 0; j < customersPer; j++ {
			ids = append(ids, f.customer(cl, fmt.Sprintf("c%02d-%03d", i, j)))
		}
	}
	return ids
}

func tpl(category Category, name string) TemplateInput {
	return TemplateInput{Name: name, Category: category, Type: "bash", Content: "echo " + name}
}

// release creates a draft with deploy templates d1..dN and verify v1..vM.
func (f *fixture) release(name string, deploy, verify int, targets Targets) Release {
	f.t.Helper()
	var ts []TemplateInput
	for i := 1; i <= deploy; i++ {
		ts = append(ts, tpl(Deploy, fmt.Sprintf("d%d", i)))
	}
	for i := 1; i <= verify; i++ {
		ts = append(ts, tpl(Verify, fmt.Sprintf("v%d", i)))
	}
	r, err := f.rel.Create(Input{Name: name, Type: "release", Targets: targets, Templates: ts})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *fixture) active(name string, deploy, verify int) Release {
	f.t.Helper()
	r := f.release(name, deploy, verify, Targets{Mode: "all"})
	r, err := f.rel.Activate(r.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// noErr fails the test on err: for calls that return only an error.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
