package reliability

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// world is a store with the services on it.
type world struct {
	st        *store.Store
	clusters  *cluster.Service
	customers *customer.Service
	releases  *release.Service
	steps     *release.Steps
}

func open(t testing.TB, path string) *world {
	t.Helper()
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return wrap(st)
}

func wrap(st *store.Store) *world {
	return &world{st: st, clusters: cluster.NewService(st), customers: customer.NewService(st), releases: release.NewService(st), steps: release.NewSteps(st)}
}

func newWorld(t testing.TB) *world {
	return open(t, filepath.Join(t.TempDir(), store.FileName))
}

func check[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// fleet makes clusters × per customers through the services.
func (w *world) fleet(t testing.TB, clusters, per int) []int64 {
	t.Helper()
	var ids []int64
	for c := 0; c < clusters; c++ {
		cl := check[cluster.Cluster](t)(w.clusters.Create(cluster.Input{Name: fmt.Sprintf("cl-%02d", c)}))
		for i := 0; i < per; i++ {
			cu := check[customer.Customer](t)(w.customers.Create(customer.Input{ClusterID: cl.ID, Namespace: fmt.Sprintf("ns-%02d-%03d", c, i), Name: fmt.Sprintf("Customer %d-%d", c, i)}))
			ids = append(ids, cu.ID)
		}
	}
	return ids
}

func templates(deploy, verify int, tag string) []release.TemplateInput {
	var out []release.TemplateInput
	for i := 0; i < deploy+verify; i++ {
		cat := release.Deploy
		if i >= deploy {
			cat = release.Verify
		}
		out = append(out, release.TemplateInput{Name: fmt.Sprintf("%s step %02d", tag, i), Category: cat, Type: "bash", Content: fmt.Sprintf("echo %s %d", tag, i)})
	}
	return out
}

func (w *world) activeRelease(t testing.TB, name string, deploy, verify int) release.Release {
	t.Helper()
	r := check[release.Release](t)(w.releases.Create(release.Input{Name: name, Type: "release", Templates: templates(deploy, verify, name)}))
	return check[release.Release](t)(w.releases.Activate(r.ID))
}

var _ = time.Second

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
