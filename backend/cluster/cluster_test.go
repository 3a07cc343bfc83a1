package cluster_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
)

func kubeconfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte("apiVersion: v1\nkind: Config\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestClusterLifecycle(t *testing.T) {
	st := testdb.Open(t)
	svc, cust := cluster.NewService(st), customer.NewService(st)
	kc := kubeconfig(t)
	c, err := svc.Create(cluster.Input{Name: "  prod-eu ", KubeconfigPath: kc, Description: "Frankfurt"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "prod-eu" || c.KubeconfigPath != kc || !c.IsActive || c.CreatedAt != testdb.Clock.Unix() {
		t.Fatalf("created %+v", c)
	}
	c, err = svc.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu-1", Description: ""})
	if err != nil || c.Name != "prod-eu-1" || c.KubeconfigPath != "" || c.Description != "" {
		t.Fatalf("updated %+v %v", c, err)
	}
	cu, err := cust.Create(customer.Input{ClusterID: c.ID, Namespace: "acme", Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Get(c.ID)
	if err != nil || len(d.Customers) != 1 || d.Cluster.CustomerCount != 1 {
		t.Fatalf("detail %+v %v", d, err)
	}
	if _, err := cust.Archive(cu.ID); err != nil {
		t.Fatal(err)
	}
	c, err = svc.Archive(c.ID)
	if err != nil || c.IsActive || c.ArchivedCustomerCount != 1 {
		t.Fatalf("archived %+v %v", c, err)
	}
	if l, err := svc.List(false); err != nil || len(l) != 0 {
		t.Fatalf("active list %+v %v", l, err)
	}
	if l, err := svc.List(true); err != nil || len(l) != 1 {
		t.Fatalf("full list %+v %v", l, err)
	}
	if c, err = svc.Restore(c.ID); err != nil || !c.IsActive {
		t.Fatalf("restored %+v %v", c, err)
	}
}

func TestClusterRefusals(t *testing.T) {
	st := testdb.Open(t)
	svc, cust := cluster.NewService(st), customer.NewService(st)
	one := must[cluster.Cluster](t)(svc.Create(cluster.Input{Name: "one"}))
	three := must[cluster.Cluster](t)(svc.Create(cluster.Input{Name: "three"}))
	old := must[cluster.Cluster](t)(svc.Create(cluster.Input{Name: "old"}))
	if _, err := svc.Archive(old.ID); err != nil {
		t.Fatal(err)
	}
	must[customer.Customer](t)(cust.Create(customer.Input{ClusterID: one.ID, Namespace: "a", Name: "A"}))
	for _, ns := range []string{"a", "b", "c"} {
		must[customer.Customer](t)(cust.Create(customer.Input{ClusterID: three.ID, Namespace: ns, Name: ns}))
	}
	dir := t.TempDir()
	loop := filepath.Join(dir, "loop")
	noErr(t, os.Symlink(loop, loop))
	cases := []struct {
		name     string
		call     func() error
		code     problem.Code
		contains string
	}{
		{"blank name", func() error { _, err := svc.Create(cluster.Input{Name: " \t "}); return err }, problem.CodeInvalid, "Cluster name is required."},
		{"long name", func() error { _, err := svc.Create(cluster.Input{Name: strings.Repeat("n", 10000)}); return err }, problem.CodeInvalid, "at most 100 characters"},
		{"NUL", func() error { _, err := svc.Create(cluster.Input{Name: "a\x00"}); return err }, problem.CodeInvalid, "control character"},
		{"bad UTF-8", func() error { _, err := svc.Create(cluster.Input{Name: "\xc3\x28"}); return err }, problem.CodeInvalid, "not valid text"},
		{"duplicate", func() error { _, err := svc.Create(cluster.Input{Name: "one"}); return err }, problem.CodeConflict, "A cluster named 'one' already exists."},
		{"duplicate of archived", func() error { _, err := svc.Create(cluster.Input{Name: "old"}); return err }, problem.CodeConflict, "(archived)"},
		{"relative kubeconfig", func() error {
			_, err := svc.Create(cluster.Input{Name: "x", KubeconfigPath: "kube/config"})
			return err
		}, problem.CodeInvalid, "must be absolute"},
		{"missing kubeconfig", func() error {
			_, err := svc.Create(cluster.Input{Name: "x", KubeconfigPath: filepath.Join(dir, "nope")})
			return err
		}, problem.CodeInvalid, "No file exists"},
		{"kubeconfig is a directory", func() error { _, err := svc.Create(cluster.Input{Name: "x", KubeconfigPath: dir}); return err }, problem.CodeInvalid, "is a folder"},
		{"kubeconfig symlink loop", func() error { _, err := svc.Create(cluster.Input{Name: "x", KubeconfigPath: loop}); return err }, problem.CodeInvalid, "loops back"},
		{"update unknown", func() error { _, err := svc.Update(cluster.UpdateInput{ID: 999, Name: "x"}); return err }, problem.CodeNotFound, "Cluster 999 does not exist."},
		{"update to taken name", func() error { _, err := svc.Update(cluster.UpdateInput{ID: one.ID, Name: "three"}); return err }, problem.CodeConflict, "already exists"},
		{"update archived", func() error { _, err := svc.Update(cluster.UpdateInput{ID: old.ID, Name: "old"}); return err }, problem.CodeState, "restore it before editing"},
		{"archive with 1 customer", func() error { _, err := svc.Archive(one.ID); return err }, problem.CodeState, "Cluster 'one' still has 1 active customer: archive or move it first."},
		{"archive with 3 customers", func() error { _, err := svc.Archive(three.ID); return err }, problem.CodeState, "Cluster 'three' still has 3 active customers: archive or move them first."},
		{"archive archived", func() error { _, err := svc.Archive(old.ID); return err }, problem.CodeState, "already archived"},
		{"restore active", func() error { _, err := svc.Restore(one.ID); return err }, problem.CodeState, "not archived"},
		{"get zero", func() error { _, err := svc.Get(0); return err }, problem.CodeInvalid, "positive"},
		{"get negative", func() error { _, err := svc.Get(-1); return err }, problem.CodeInvalid, "positive"},
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
	_ = context.Background
}

// Cluster names are unique as operators see them: "Zürich" typed with a
// precomposed ü and with u + combining diaeresis is one name (also against
// a name stored before names were normalised), and a name cannot hide a
// character that makes it look like another.
func TestClusterNamesAreUniqueAsTheyLook(t *testing.T) {
	st := testdb.Open(t)
	svc := cluster.NewService(st)
	c, err := svc.Create(cluster.Input{Name: "Zu\u0308rich"})
	if err != nil || c.Name != "Z\u00fcrich" {
		t.Fatalf("created %q %v", c.Name, err)
	}
	if _, err := svc.Create(cluster.Input{Name: "Z\u00fcrich"}); !errors.Is(err, problem.ErrConflict) || err.Error() != "A cluster named 'Z\u00fcrich' already exists." {
		t.Fatalf("the same name in NFC: %v", err)
	}
	db, err := st.DB()
	noErr(t, err)
	if _, err := db.Exec("INSERT INTO clusters (name, is_active) VALUES ('Gene\u0300ve', false)"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Create(cluster.Input{Name: "Gen\u00e8ve"}); !errors.Is(err, problem.ErrConflict) || !strings.Contains(err.Error(), "(archived)") {
		t.Fatalf("a name stored decomposed before: %v", err)
	}
	for in, want := range map[string]string{
		"prod\u200b-eu": "Cluster name contains an invisible character (U+200B ZERO WIDTH SPACE): remove it.",
		"\u202eue-dorp": "Cluster name contains a character that changes the direction of the text around it (U+202E RIGHT-TO-LEFT OVERRIDE): remove it.",
	} {
		if _, err := svc.Create(cluster.Input{Name: in}); !errors.Is(err, problem.ErrInvalid) || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
	if list, err := svc.List(true); err != nil || len(list) != 2 {
		t.Fatalf("clusters %+v %v", list, err)
	}
}

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// must is noErr for calls that return a value too.
func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		noErr(t, err)
		return v
	}
}
