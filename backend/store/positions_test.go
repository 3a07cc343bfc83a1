package store_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"shipdeck/backend/store"
)

// Migration 5 renumbers positions with gaps. A file from the
// specification's app may hold a customer whose steps are not in template
// order (its reorder moved templates only) and custom steps anywhere: after
// the migration every customer follows the template order, each custom step
// right after the template step it followed, those at the top still first.
func TestPositionsWithGapsMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	specDatabase(t, path)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM customer_steps`, `DELETE FROM step_templates`,
		// Templates A, B, C (positions 0, 1, 2) and a verify step.
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, created_at) VALUES
			(10, 1, 'A', 'deploy', 'bash', 'a', 0, 1), (11, 1, 'B', 'deploy', 'bash', 'b', 1, 1), (12, 1, 'C', 'deploy', 'bash', 'c', 2, 1),
			(13, 1, 'V', 'verify', 'bash', 'v', 0, 1)`,
		// Customer 1 as the spec's reorder left it: B, custom x, A, C.
		// Customer 2: custom y at the top, then A, B, custom z, C.
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, is_custom, is_overridden, created_at, updated_at) VALUES
			(1, 1, 11, 'B', 'deploy', 'bash', 'b', 0, 'pending', 0, 0, 1, 1),
			(1, 1, NULL, 'x', 'deploy', 'text', 'x', 1, 'done', 1, 0, 1, 1),
			(1, 1, 10, 'A', 'deploy', 'bash', 'a', 2, 'pending', 0, 0, 1, 1),
			(1, 1, 12, 'C', 'deploy', 'bash', 'c', 3, 'pending', 0, 0, 1, 1),
			(1, 1, 13, 'V', 'verify', 'bash', 'v', 0, 'pending', 0, 0, 1, 1),
			(1, 2, NULL, 'y', 'deploy', 'text', 'y', 0, 'pending', 1, 0, 1, 1),
			(1, 2, 10, 'A', 'deploy', 'bash', 'a', 1, 'pending', 0, 0, 1, 1),
			(1, 2, 11, 'B', 'deploy', 'bash', 'b', 2, 'pending', 0, 0, 1, 1),
			(1, 2, NULL, 'z', 'deploy', 'text', 'z', 3, 'pending', 1, 0, 1, 1),
			(1, 2, 12, 'C', 'deploy', 'bash', 'c', 4, 'pending', 0, 0, 1, 1),
			(1, 2, 13, 'V', 'verify', 'bash', 'v', 0, 'pending', 0, 0, 1, 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	raw.Close()

	st := openStore(t, path)
	bdb, _ := st.DB()
	order := func(customer int64) string {
		names := query(t, bdb.DB, func(r *sql.Rows) (string, error) { var n string; return n, r.Scan(&n) },
			`SELECT name FROM customer_steps WHERE release_id = 1 AND customer_id = ? AND category = 'deploy' ORDER BY order_index`, customer)
		return strings.Join(names, ",")
	}
	if got := order(1); got != "A,B,x,C" {
		t.Errorf("customer 1: %s, want A,B,x,C", got)
	}
	if got := order(2); got != "y,A,B,z,C" {
		t.Errorf("customer 2: %s, want y,A,B,z,C", got)
	}
	positions := query(t, bdb.DB, func(r *sql.Rows) (string, error) { var n string; return n, r.Scan(&n) },
		`SELECT name || '=' || order_index FROM step_templates ORDER BY id`)
	if got := strings.Join(positions, " "); got != "A=1024 B=2048 C=3072 V=1024" {
		t.Errorf("template positions %s", got)
	}
	if n := count(t, bdb.DB, `SELECT count(*) FROM customer_steps cs JOIN step_templates t ON t.id = cs.template_id WHERE cs.order_index <> t.order_index`); n != 0 {
		t.Errorf("%d template steps are not at their template's position", n)
	}
}
