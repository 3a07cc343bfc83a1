package release

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"shipdeck/backend/store"
)

// A database made by the specification's app (drizzle-kit's DDL, rows as
// Drizzle writes them) with metadata that is not all strings — a number, a
// boolean, an array, JSON null — opens, migrates, and renders its steps:
// each value as its JSON text, a null as missing.
func TestDrizzleDatabaseWithNonStringMetadataRenders(t *testing.T) {
	ddl, err := os.ReadFile("../store/testdata/drizzle_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), store.FileName)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{string(ddl),
		`INSERT INTO clusters (id, name, kubeconfig_path, description, is_active, metadata, created_at, updated_at) VALUES
			(1, 'prod-eu', '/kube/eu', NULL, 1, '{"replicas": 3, "region": "eu-central-1"}', 1760000000, 1760000000)`,
		`INSERT INTO customers (id, cluster_id, namespace, name, description, is_active, metadata, created_at, updated_at) VALUES
			(1, 1, 'acme', 'Acme', NULL, 1, '{"tier": 2, "ha": true, "zones": ["a", "b"], "owner": null}', 1760000000, 1760000000)`,
		`INSERT INTO releases (id, name, type, status, version_number, release_date, description, metadata, created_at, updated_at) VALUES
			(1, '2026.10', 'release', 'active', '2026.10.0', 1760000000, NULL, '{"window": 45}', 1760000000, 1760000000)`,
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, description, created_at) VALUES
			(1, 1, 'scale', 'deploy', 'text', 'x', 0, NULL, 1760000000)`,
		`INSERT INTO customer_steps (id, release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, skip_reason, notes, is_custom, is_overridden, created_at, updated_at) VALUES
			(1, 1, 1, 1, 'scale', 'deploy', 'text', 'tier {{customer.tier}} ha {{customer.ha}} zones {{customer.zones}} replicas {{cluster.replicas}} window {{release.window}} owner {{customer.owner}}', 0, 'pending', NULL, NULL, NULL, NULL, 0, 0, 1760000000, 1760000000)`,
	} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
	raw.Close()

	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := must[StepDetail](t)(NewSteps(st).StepDetail(1))
	r := d.Step.Rendered
	const want = `tier 2 ha true zones ["a","b"] replicas 3 window 45 owner {{customer.owner}}`
	if r == nil || r.Text != want {
		t.Fatalf("rendered %+v, want %q", r, want)
	}
	if len(r.Missing) != 1 || r.Missing[0].Name != "customer.owner" {
		t.Fatalf("missing %+v, want customer.owner", r.Missing)
	}
}
