package customer_test

import (
	"errors"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
)

func TestCustomerLifecycle(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	eu := must[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-eu"}))
	us := must[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-us"}))
	acme, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "acme", Name: "Acme GmbH"})
	if err != nil || acme.ClusterName != "prod-eu" {
		t.Fatalf("created %+v %v", acme, err)
	}
	must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: us.ID, Namespace: "globex", Name: "Globex"}))
	must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "bergmann", Name: "Bergmann"}))
	all := must[[]customer.Row](t)(svc.List(customer.ListFilter{}))
	var order []string
	for _, c := range all {
		order = append(order, c.ClusterName+"/"+c.Namespace)
	}
	if strings.Join(order, ",") != "prod-eu/acme,prod-eu/bergmann,prod-us/globex" {
		t.Fatalf("order %v", order)
	}
	if found, err := svc.List(customer.ListFilter{Search: "GLOB"}); err != nil || len(found) != 1 || found[0].Namespace != "globex" {
		t.Fatalf("search %+v %v", found, err)
	}
	if found, err := svc.List(customer.ListFilter{Search: "%"}); err != nil || len(found) != 0 {
		t.Fatalf("search for a literal %% matched %+v %v", found, err)
	}
	if byCl, err := svc.List(customer.ListFilter{ClusterID: us.ID}); err != nil || len(byCl) != 1 {
		t.Fatalf("by cluster %+v %v", byCl, err)
	}
	// Move acme to prod-us: allowed, its namespace is free there.
	moved, err := svc.Update(customer.UpdateInput{ID: acme.ID, ClusterID: us.ID, Namespace: "acme", Name: "Acme"})
	if err != nil || moved.ClusterID != us.ID {
		t.Fatalf("moved %+v %v", moved, err)
	}
	// Its releases with progress.
	rel := release.NewService(st)
	r := must[release.Release](t)(rel.Create(release.Input{Name: "r1", Type: "release", Templates: []release.TemplateInput{{Name: "s", Category: "deploy", Type: "bash", Content: "x"}}}))
	if _, err := rel.Activate(r.ID); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Get(acme.ID)
	if err != nil || len(d.Releases) != 1 || d.Releases[0].Progress.Total != 1 || !d.ClusterIsActive {
		t.Fatalf("detail %+v %v", d, err)
	}
	if _, err := svc.Archive(acme.ID); err != nil {
		t.Fatal(err)
	}
	if found, err := svc.List(customer.ListFilter{}); err != nil || len(found) != 2 {
		t.Fatalf("archived customer listed: %+v %v", found, err)
	}
	if found, err := svc.List(customer.ListFilter{IncludeArchived: true}); err != nil || len(found) != 3 {
		t.Fatalf("full list %+v %v", found, err)
	}
	if c, err := svc.Restore(acme.ID); err != nil || !c.IsActive {
		t.Fatalf("restore %+v %v", c, err)
	}
}

func TestCustomerRefusals(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	eu := must[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-eu"}))
	us := must[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-us"}))
	old := must[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "old"}))
	acme := must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "acme", Name: "Acme"}))
	gone := must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "gone", Name: "Gone"}))
	must[customer.Customer](t)(svc.Archive(gone.ID))
	globex := must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: us.ID, Namespace: "acme", Name: "Acme US"}))
	orphan := must[customer.Customer](t)(svc.Create(customer.Input{ClusterID: old.ID, Namespace: "orphan", Name: "Orphan"}))
	must[customer.Customer](t)(svc.Archive(orphan.ID))
	must[cluster.Cluster](t)(cls.Archive(old.ID))
	cases := []struct {
		name     string
		call     func() error
		code     problem.Code
		contains string
	}{
		{"blank name", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "x", Name: "  "})
			return err
		}, problem.CodeInvalid, "Customer name is required."},
		{"namespace with capitals", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "Acme", Name: "x"})
			return err
		}, problem.CodeInvalid, "must be lower case: use 'acme'"},
		{"namespace with underscore", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "a_b", Name: "x"})
			return err
		}, problem.CodeInvalid, "not a valid Kubernetes name"},
		{"namespace too long", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: strings.Repeat("a", 64), Name: "x"})
			return err
		}, problem.CodeInvalid, "at most 63"},
		{"duplicate namespace", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "acme", Name: "x"})
			return err
		}, problem.CodeConflict, "A customer with namespace 'acme' already exists on cluster 'prod-eu'."},
		{"duplicate of archived", func() error {
			_, err := svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "gone", Name: "x"})
			return err
		}, problem.CodeConflict, "archived"},
		{"unknown cluster", func() error {
			_, err := svc.Create(customer.Input{ClusterID: 99, Namespace: "x", Name: "x"})
			return err
		}, problem.CodeNotFound, "Cluster 99 does not exist."},
		{"no cluster", func() error { _, err := svc.Create(customer.Input{Namespace: "x", Name: "x"}); return err }, problem.CodeInvalid, "Choose a cluster."},
		{"archived cluster", func() error {
			_, err := svc.Create(customer.Input{ClusterID: old.ID, Namespace: "x", Name: "x"})
			return err
		}, problem.CodeState, "is archived"},
		{"move onto a taken namespace", func() error {
			_, err := svc.Update(customer.UpdateInput{ID: acme.ID, ClusterID: us.ID, Namespace: "acme", Name: "Acme"})
			return err
		}, problem.CodeConflict, "already exists on cluster 'prod-us'"},
		{"update archived", func() error {
			_, err := svc.Update(customer.UpdateInput{ID: gone.ID, ClusterID: eu.ID, Namespace: "gone", Name: "x"})
			return err
		}, problem.CodeState, "restore it before editing"},
		{"restore onto archived cluster", func() error { _, err := svc.Restore(orphan.ID); return err }, problem.CodeState, "restore the cluster first"},
		{"archive archived", func() error { _, err := svc.Archive(gone.ID); return err }, problem.CodeState, "already archived"},
		{"restore active", func() error { _, err := svc.Restore(globex.ID); return err }, problem.CodeState, "not archived"},
		{"unknown id", func() error { _, err := svc.Get(12345); return err }, problem.CodeNotFound, "Customer 12345 does not exist."},
		{"negative cluster filter", func() error { _, err := svc.List(customer.ListFilter{ClusterID: -1}); return err }, problem.CodeInvalid, "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := testdb.Dump(t, st)
			err := c.call()
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Code != c.code || !strings.Contains(pe.Message, c.contains) {
				t.Fatalf("want %s %q, got %v", c.code, c.contains, err)
			}
			if testdb.Dump(t, st) != before {
				t.Fatal("a refused call changed the database")
			}
		})
	}
}

// must returns v, failing the test at once if err is set: for the calls
// that set a test up, so a failed one cannot let the test pass for the
// wrong reason.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
