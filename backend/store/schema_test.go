package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"shipdeck/backend/store"
)

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st := store.New(func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) })
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type column struct {
	Name    string
	Type    string
	NotNull bool
	Default string
	PK      bool
}

type foreignKey struct {
	From, Table, To, OnDelete string
}

// The specification's schema (its tables and indexes), written out by hand
// from the specification: the migrated database must match it exactly
// (docs/design.md, "Schema").
var specColumns = map[string][]column{
	"clusters": {
		{"id", "INTEGER", true, "", true},
		{"name", "TEXT", true, "", false},
		{"kubeconfig_path", "TEXT", false, "", false},
		{"description", "TEXT", false, "", false},
		{"is_active", "INTEGER", false, "true", false},
		{"metadata", "TEXT", false, "", false},
		{"created_at", "INTEGER", false, "", false},
		{"updated_at", "INTEGER", false, "", false},
	},
	"customers": {
		{"id", "INTEGER", true, "", true},
		{"cluster_id", "INTEGER", true, "", false},
		{"namespace", "TEXT", true, "", false},
		{"name", "TEXT", true, "", false},
		{"description", "TEXT", false, "", false},
		{"is_active", "INTEGER", false, "true", false},
		{"metadata", "TEXT", false, "", false},
		{"created_at", "INTEGER", false, "", false},
		{"updated_at", "INTEGER", false, "", false},
	},
	"releases": {
		{"id", "INTEGER", true, "", true},
		{"name", "TEXT", true, "", false},
		{"type", "TEXT", true, "", false},
		{"status", "TEXT", false, "'draft'", false},
		{"version_number", "TEXT", false, "", false},
		{"release_date", "INTEGER", false, "", false},
		{"description", "TEXT", false, "", false},
		{"metadata", "TEXT", false, "", false},
		{"created_at", "INTEGER", false, "", false},
		{"updated_at", "INTEGER", false, "", false},
	},
	"step_templates": {
		{"id", "INTEGER", true, "", true},
		{"release_id", "INTEGER", true, "", false},
		{"name", "TEXT", true, "", false},
		{"category", "TEXT", true, "", false},
		{"type", "TEXT", true, "", false},
		{"content", "TEXT", true, "", false},
		{"order_index", "INTEGER", true, "", false},
		{"description", "TEXT", false, "", false},
		{"created_at", "INTEGER", false, "", false},
	},
	"customer_steps": {
		{"id", "INTEGER", true, "", true},
		{"release_id", "INTEGER", true, "", false},
		{"customer_id", "INTEGER", true, "", false},
		{"template_id", "INTEGER", false, "", false},
		{"name", "TEXT", true, "", false},
		{"category", "TEXT", true, "", false},
		{"type", "TEXT", true, "", false},
		{"content", "TEXT", true, "", false},
		{"order_index", "INTEGER", true, "", false},
		{"status", "TEXT", false, "'pending'", false},
		{"executed_at", "INTEGER", false, "", false},
		{"executed_by", "TEXT", false, "", false},
		{"skip_reason", "TEXT", false, "", false},
		{"notes", "TEXT", false, "", false},
		{"is_custom", "INTEGER", false, "false", false},
		{"is_overridden", "INTEGER", false, "false", false},
		{"created_at", "INTEGER", false, "", false},
		{"updated_at", "INTEGER", false, "", false},
	},
}

var specForeignKeys = map[string][]foreignKey{
	"clusters":       nil,
	"customers":      {{"cluster_id", "clusters", "id", "RESTRICT"}},
	"releases":       nil,
	"step_templates": {{"release_id", "releases", "id", "CASCADE"}},
	"customer_steps": {
		{"customer_id", "customers", "id", "CASCADE"},
		{"release_id", "releases", "id", "CASCADE"},
		{"template_id", "step_templates", "id", "SET NULL"},
	},
}

// unique indexes: name → table and columns (the specification's three and
// the one .unique() on clusters.name generates).
var specUnique = map[string][]string{
	"clusters_name_unique":              {"clusters", "name"},
	"unique_namespace_per_cluster":      {"customers", "cluster_id", "namespace"},
	"unique_order_per_release_category": {"step_templates", "release_id", "category", "order_index"},
	"unique_customer_step":              {"customer_steps", "release_id", "customer_id", "template_id"},
}

// the specification's four foreign-key indexes: table → leading column.
var specFKIndexes = [][2]string{
	{"customer_steps", "release_id"},
	{"customer_steps", "customer_id"},
	{"step_templates", "release_id"},
	{"customers", "cluster_id"},
}

func query[T any](t *testing.T, db *sql.DB, scan func(*sql.Rows) (T, error), q string, args ...any) []T {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestMigratedSchemaEqualsTheSpecification(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), store.FileName))
	bdb, _ := st.DB()
	db := bdb.DB
	for table, want := range specColumns {
		got := query(t, db, func(r *sql.Rows) (column, error) {
			var c column
			var cid, pk int
			var dflt sql.NullString
			err := r.Scan(&cid, &c.Name, &c.Type, &c.NotNull, &dflt, &pk)
			c.Type, c.Default, c.PK = strings.ToUpper(c.Type), dflt.String, pk > 0
			return c, err
		}, "SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)", table)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s columns:\n got %v\nwant %v", table, got, want)
		}
		fks := query(t, db, func(r *sql.Rows) (foreignKey, error) {
			var f foreignKey
			return f, r.Scan(&f.From, &f.Table, &f.To, &f.OnDelete)
		}, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY "from"`, table)
		if !reflect.DeepEqual(fks, specForeignKeys[table]) {
			t.Errorf("%s foreign keys:\n got %v\nwant %v", table, fks, specForeignKeys[table])
		}
	}
	for name, want := range specUnique {
		var table string
		var unique bool
		if err := db.QueryRow(`SELECT tbl_name, (SELECT "unique" FROM pragma_index_list(tbl_name) WHERE name = ?1) FROM sqlite_master WHERE type = 'index' AND name = ?1`, name).Scan(&table, &unique); err != nil {
			t.Errorf("unique index %s: %v", name, err)
			continue
		}
		cols := query(t, db, func(r *sql.Rows) (string, error) { var s string; return s, r.Scan(&s) }, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", name)
		if got := append([]string{table}, cols...); !unique || !reflect.DeepEqual(got, want) {
			t.Errorf("unique index %s: got %v unique=%v, want %v", name, got, unique, want)
		}
	}
	for _, fk := range specFKIndexes {
		leading := query(t, db, func(r *sql.Rows) (string, error) { var s string; return s, r.Scan(&s) },
			`SELECT ii.name FROM pragma_index_list(?1) il JOIN pragma_index_info(il.name) ii WHERE ii.seqno = 0`, fk[0])
		found := false
		for _, c := range leading {
			found = found || c == fk[1]
		}
		if !found {
			t.Errorf("no index on %s leads with %s (have %v)", fk[0], fk[1], leading)
		}
	}
	for _, table := range []string{"release_targets", "release_customers", "step_history", "settings", "schema_migrations"} {
		var n int
		noErr(t, db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n))
		if n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
}

func TestEveryConnectionHasThePragmas(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), store.FileName))
	bdb, _ := st.DB()
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []*sql.Conn
	// Hold several connections at once so the pool must open new ones.
	for i := 0; i < 4; i++ {
		c, err := bdb.DB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c *sql.Conn) {
			defer wg.Done()
			var fk, sync, busy int
			var journal string
			mu.Lock()
			defer mu.Unlock()
			for _, p := range []struct {
				pragma string
				value  any
			}{{"foreign_keys", &fk}, {"journal_mode", &journal}, {"synchronous", &sync}, {"busy_timeout", &busy}} {
				if err := c.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.value); err != nil {
					t.Errorf("connection %d: PRAGMA %s: %v", i, p.pragma, err)
				}
			}
			if fk != 1 || journal != "wal" || sync < 1 || busy <= 0 {
				t.Errorf("connection %d: foreign_keys=%d journal_mode=%s synchronous=%d busy_timeout=%d", i, fk, journal, sync, busy)
			}
		}(i, c)
	}
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) error {
	t.Helper()
	_, err := db.Exec(q, args...)
	return err
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestForeignKeysAreEnforced(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), store.FileName))
	bdb, _ := st.DB()
	db := bdb.DB
	must := func(q string, args ...any) {
		t.Helper()
		if err := exec(t, db, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := exec(t, db, "INSERT INTO customers (cluster_id, namespace, name) VALUES (99, 'a', 'A')"); err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("customer on an unknown cluster: %v", err)
	}
	must("INSERT INTO clusters (id, name) VALUES (1, 'c')")
	must("INSERT INTO customers (id, cluster_id, namespace, name) VALUES (1, 1, 'a', 'A')")
	if err := exec(t, db, "DELETE FROM clusters WHERE id = 1"); err == nil {
		t.Fatal("deleting a cluster with customers was allowed")
	}
	must("INSERT INTO releases (id, name, type) VALUES (1, 'r', 'release')")
	must("INSERT INTO step_templates (id, release_id, name, category, type, content, order_index) VALUES (1, 1, 't', 'deploy', 'bash', 'x', 0), (2, 1, 'u', 'deploy', 'bash', 'y', 1)")
	must("INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index) VALUES (1, 1, 1, 't', 'deploy', 'bash', 'x', 0), (1, 1, 2, 'u', 'deploy', 'bash', 'y', 1)")
	must("DELETE FROM step_templates WHERE id = 2")
	if n := count(t, db, "SELECT count(*) FROM customer_steps WHERE template_id IS NULL"); n != 1 {
		t.Fatalf("deleting a template left %d steps with NULL template_id, want 1", n)
	}
	must("DELETE FROM releases WHERE id = 1")
	if n := count(t, db, "SELECT (SELECT count(*) FROM step_templates) + (SELECT count(*) FROM customer_steps)"); n != 0 {
		t.Fatalf("deleting a release left %d templates and steps", n)
	}
	// Defaults as Drizzle declares them.
	must("INSERT INTO releases (id, name, type) VALUES (2, 'r', 'release')")
	if n := count(t, db, "SELECT count(*) FROM releases WHERE id = 2 AND status = 'draft'"); n != 1 {
		t.Fatal("a release does not default to draft")
	}
}

func TestReopenKeepsDataAndAppliesNothingTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	st := store.New(nil)
	ctx := context.Background()
	if err := st.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	bdb, _ := st.DB()
	noErr(t, exec(t, bdb.DB, "INSERT INTO clusters (name) VALUES ('prod-eu')"))
	before := query(t, bdb.DB, func(r *sql.Rows) (string, error) {
		var v, a int
		var n string
		return fmt.Sprint(v, n, a), r.Scan(&v, &n, &a)
	}, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
	st.Close()
	for i := 0; i < 2; i++ {
		st := openStore(t, path)
		bdb, _ := st.DB()
		after := query(t, bdb.DB, func(r *sql.Rows) (string, error) {
			var v, a int
			var n string
			return fmt.Sprint(v, n, a), r.Scan(&v, &n, &a)
		}, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
		if len(after) != store.SchemaVersion() || fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("migrations changed on reopen: %v → %v", before, after)
		}
		if n := count(t, bdb.DB, "SELECT count(*) FROM clusters WHERE name = 'prod-eu'"); n != 1 {
			t.Fatal("data lost on reopen")
		}
		st.Close()
	}
	entries, err := os.ReadDir(filepath.Join(filepath.Dir(path), "backups"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("reopening an up-to-date database wrote backups: %v", entries)
	}
}

func TestFilesAreCreatedPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	openStore(t, filepath.Join(dir, store.FileName))
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, store.FileName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}

// sortedRows dumps a table for comparison.
func sortedRows(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	return sortedQuery(t, db, "SELECT * FROM "+table)
}

// rankGroups are the tables whose order_index is a position in a group.
var rankGroups = map[string]string{
	"step_templates": "release_id, category",
	"customer_steps": "release_id, customer_id, category",
}

// sortedRowsByRank is sortedRows with each order_index read as its rank in
// its group: the order a migration must keep, whatever numbers it uses.
func sortedRowsByRank(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	group, ok := rankGroups[table]
	if !ok {
		return sortedRows(t, db, table)
	}
	cols := query(t, db, func(r *sql.Rows) (string, error) {
		var cid, notnull, pk int
		var name, typ string
		var dflt any
		return name, r.Scan(&cid, &name, &typ, &notnull, &dflt, &pk)
	}, "PRAGMA table_info("+table+")")
	for i, c := range cols {
		if c == "order_index" {
			cols[i] = "rank() OVER (PARTITION BY " + group + " ORDER BY order_index) AS order_index"
		}
	}
	return sortedQuery(t, db, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
}

func sortedQuery(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	noErr(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		noErr(t, rows.Scan(ptrs...))
		out = append(out, fmt.Sprint(vals...))
	}
	noErr(t, rows.Err())
	sort.Strings(out)
	return out
}

// Data directories are named by the operator; characters that mean something
// in a URI must still open (and reopen) exactly the file named, creating no
// other.
func TestPathsWithURICharactersOpenTheFileNamed(t *testing.T) {
	for _, dir := range []string{"ops#2", "what?now", "50%", "%41%42", "a b", "x?mode=ro", "q#frag?y=1%"} {
		t.Run(dir, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, dir, store.FileName)
			st := openStore(t, path)
			bdb, _ := st.DB()
			noErr(t, exec(t, bdb.DB, "INSERT INTO clusters (name) VALUES ('prod-eu')"))
			st.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("the database is not at the path named: %v", err)
			}
			entries, _ := os.ReadDir(root)
			if len(entries) != 1 || entries[0].Name() != dir {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Fatalf("files outside the data directory: %q", names)
			}
			st = openStore(t, path)
			bdb, _ = st.DB()
			if n := count(t, bdb.DB, "SELECT count(*) FROM clusters WHERE name = 'prod-eu'"); n != 1 {
				t.Fatal("the row did not survive a reopen")
			}
		})
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
