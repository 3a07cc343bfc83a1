package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"shipdeck/backend/store"
)

// specDatabase creates a database the way the specification's Next.js app
// would: drizzle-kit's DDL, then rows in every table as Drizzle writes them.
func specDatabase(t *testing.T, path string) {
	t.Helper()
	ddl, err := os.ReadFile("testdata/drizzle_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stmts := []string{string(ddl),
		`INSERT INTO clusters (id, name, kubeconfig_path, description, is_active, metadata, created_at, updated_at) VALUES
			(1, 'prod-eu', '/home/ops/.kube/eu', 'Frankfurt', 1, '{"region":"eu-central-1"}', 1760000000, 1760000000),
			(2, 'old', NULL, NULL, 0, NULL, 1750000000, 1750000000)`,
		`INSERT INTO customers (id, cluster_id, namespace, name, description, is_active, metadata, created_at, updated_at) VALUES
			(1, 1, 'acme', 'Acme', NULL, 1, NULL, 1760000000, 1760000000),
			(2, 1, 'globex', 'Globex', 'big', 1, '[1,2]', 1760000000, 1760000000)`,
		`INSERT INTO releases (id, name, type, status, version_number, release_date, description, metadata, created_at, updated_at) VALUES
			(1, '2026.10', 'release', 'active', '2026.10.0', 1760000000, 'October', NULL, 1760000000, 1760000000)`,
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, description, created_at) VALUES
			(1, 1, 'helm', 'deploy', 'bash', 'helm upgrade', 0, NULL, 1760000000),
			(2, 1, 'check', 'verify', 'sql', 'select 1', 0, NULL, 1760000000)`,
		`INSERT INTO customer_steps (id, release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, skip_reason, notes, is_custom, is_overridden, created_at, updated_at) VALUES
			(1, 1, 1, 1, 'helm', 'deploy', 'bash', 'helm upgrade', 0, 'done', 1760001000, NULL, NULL, 'ok', 0, 0, 1760000000, 1760001000),
			(2, 1, 1, 2, 'check', 'verify', 'sql', 'select 1', 0, 'pending', NULL, NULL, NULL, NULL, 0, 0, 1760000000, 1760000000),
			(3, 1, 2, 1, 'helm', 'deploy', 'bash', 'helm upgrade --x', 0, 'skipped', NULL, NULL, 'later', NULL, 0, 1, 1760000000, 1760000000),
			(4, 1, 2, 2, 'check', 'verify', 'sql', 'select 1', 0, 'pending', NULL, NULL, NULL, NULL, 0, 0, 1760000000, 1760000000)`,
		`INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('abc', 1760000000)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
}

func TestSpecDatabaseOpensAndKeepsEveryRow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	specDatabase(t, path)
	raw, _ := sql.Open("sqlite", "file:"+path)
	before := map[string][]string{}
	for _, tbl := range []string{"clusters", "customers", "releases", "step_templates", "customer_steps"} {
		before[tbl] = sortedRowsByRank(t, raw, tbl)
	}
	raw.Close()

	st := openStore(t, path)
	bdb, _ := st.DB()
	db := bdb.DB
	for tbl, rows := range before {
		if got := sortedRowsByRank(t, db, tbl); !reflect.DeepEqual(got, rows) {
			t.Errorf("%s changed:\n got %v\nwant %v", tbl, got, rows)
		}
	}
	versions := query(t, db, func(r *sql.Rows) (int, error) { var v int; return v, r.Scan(&v) }, "SELECT version FROM schema_migrations ORDER BY version")
	if len(versions) != store.SchemaVersion() || versions[0] != 1 {
		t.Fatalf("versions %v", versions)
	}
	// The later migrations ran: our tables exist and the release's
	// customers were derived from its steps.
	if n := count(t, db, "SELECT count(*) FROM release_customers WHERE release_id = 1"); n != 2 {
		t.Fatalf("release_customers backfilled %d, want 2", n)
	}
	if n := count(t, db, "SELECT count(*) FROM __drizzle_migrations"); n != 1 {
		t.Fatal("Drizzle's own table was touched")
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "shipdeck-*-pre-migration.db"))
	if len(backups) != 1 {
		t.Fatalf("backups %v", backups)
	}
	b, err := sql.Open("sqlite", "file:"+backups[0]+"?mode=ro")
	noErr(t, err)
	defer b.Close()
	var ok string
	noErr(t, b.QueryRow("PRAGMA integrity_check").Scan(&ok))
	if ok != "ok" || !reflect.DeepEqual(sortedRowsByRank(t, b, "customer_steps"), before["customer_steps"]) {
		t.Fatalf("backup: integrity %q, rows differ", ok)
	}
	if n := count(t, b, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'"); n != 0 {
		t.Fatal("the backup is not the file as it was before migrating")
	}
}

func TestNewDatabaseGetsNoBackup(t *testing.T) {
	dir := t.TempDir()
	openStore(t, filepath.Join(dir, store.FileName))
	if _, err := os.Stat(filepath.Join(dir, "backups")); !os.IsNotExist(err) {
		t.Fatalf("a new database was backed up: %v", err)
	}
}

func TestPartialSpecDatabaseIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	noErr(t, err)
	if _, err := db.Exec("CREATE TABLE clusters (id integer primary key, name text)"); err != nil {
		t.Fatal(err)
	}
	noErr(t, db.Close())
	err = store.New(nil).Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "not a Shipdeck database") {
		t.Fatalf("want a refusal, got %v", err)
	}
}

func TestFailedMigrationLeavesNoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	st := openStore(t, path)
	bdb, err := st.DB()
	noErr(t, err)
	ms, err := store.Migrations()
	noErr(t, err)
	bad := append(ms, store.Migration{Version: len(ms) + 1, Name: "broken", SQL: "CREATE TABLE half (id integer); INSERT INTO clusters (name) VALUES ('x'); SELECT * FROM no_such_table;"})
	before := sortedRows(t, bdb.DB, "schema_migrations")
	err = store.Apply(context.Background(), bdb, bad, nil, st.Now())
	if err == nil {
		t.Fatal("a failing migration reported success")
	}
	if n := count(t, bdb.DB, "SELECT count(*) FROM sqlite_master WHERE name = 'half'") + count(t, bdb.DB, "SELECT count(*) FROM clusters"); n != 0 {
		t.Fatal("the failed migration left changes behind")
	}
	if !reflect.DeepEqual(sortedRows(t, bdb.DB, "schema_migrations"), before) {
		t.Fatal("the failed migration was recorded")
	}
	// A database from a newer Shipdeck is refused, not downgraded.
	noErr(t, exec(t, bdb.DB, "INSERT INTO schema_migrations VALUES (99, 'future', 0)"))
	if err := store.Apply(context.Background(), bdb, ms, nil, st.Now()); err == nil || !strings.Contains(err.Error(), "newer Shipdeck") {
		t.Fatalf("newer schema: %v", err)
	}
}
