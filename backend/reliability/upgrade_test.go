package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/store"
)

// TestUpgradeFromEveryEarlierVersion builds a database at each earlier
// schema version with the migrations up to it, puts rows in it, and opens it
// with the current code: every row survives and the pre-migration backup is
// written and opens.
func TestUpgradeFromEveryEarlierVersion(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(ms); k++ {
		t.Run(fmt.Sprintf("from version %d", k), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, store.FileName)
			raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
			if err != nil {
				t.Fatal(err)
			}
			db := bun.NewDB(raw, sqlitedialect.New())
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			if err := store.Apply(context.Background(), db, ms[:k], nil, now); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{
				`INSERT INTO clusters (id, name, is_active, created_at, updated_at) VALUES (1, 'prod-eu', 1, 1, 1)`,
				`INSERT INTO customers (id, cluster_id, namespace, name, is_active, created_at, updated_at) VALUES (1, 1, 'acme', 'Acme', 1, 1, 1), (2, 1, 'globex', 'Globex', 1, 1, 1)`,
				`INSERT INTO releases (id, name, type, status, created_at, updated_at) VALUES (1, 'r', 'release', 'active', 1, 1)`,
				`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, created_at) VALUES (1, 1, 's', 'deploy', 'bash', 'x', 0, 1)`,
				`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, created_at, updated_at)
					VALUES (1, 1, 1, 's', 'deploy', 'bash', 'x', 0, 'done', 5, 'dana', 1, 1), (1, 2, 1, 's', 'deploy', 'bash', 'x', 0, 'pending', NULL, NULL, 1, 1)`,
			} {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			before := dumpSpecTables(t, raw)
			db.Close()

			w := open(t, path)
			bdb, _ := w.st.DB()
			if after := dumpSpecTables(t, bdb.DB); !reflect.DeepEqual(after, before) {
				t.Fatalf("rows changed:\n%v\n%v", before, after)
			}
			var version int
			bdb.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version)
			if version != len(ms) {
				t.Fatalf("at version %d after upgrade, want %d", version, len(ms))
			}
			// The release's customers were derived where the version had none.
			if d, err := w.releases.Get(1); err != nil || d.Release.CustomerCount != 2 || d.Release.Progress.Done != 1 {
				t.Fatalf("upgraded release: %+v %v", d.Release, err)
			}
			backups, _ := filepath.Glob(filepath.Join(dir, "backups", "*-pre-migration.db"))
			if len(backups) != 1 {
				t.Fatalf("backups: %v", backups)
			}
			b, _ := sql.Open("sqlite", "file:"+backups[0]+"?mode=ro")
			defer b.Close()
			var v int
			if err := b.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&v); err != nil || v != k {
				t.Fatalf("backup is at version %d (%v), want %d", v, err, k)
			}
			if !reflect.DeepEqual(dumpSpecTables(t, b), before) {
				t.Fatal("the backup does not hold the rows")
			}
		})
	}
}

func dumpSpecTables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, tbl := range []string{"clusters", "customers", "releases", "step_templates", "customer_steps"} {
		rows, err := db.Query("SELECT * FROM " + tbl)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			out = append(out, tbl+fmt.Sprint(vals...))
		}
		rows.Close()
	}
	sort.Strings(out)
	return out
}
