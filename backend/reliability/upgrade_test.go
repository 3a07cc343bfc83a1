package reliability

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/release"
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
			raw, db := seedVersion(t, path, ms[:k])
			before := dumpSpecTables(t, raw)
			db.Close()

			w := open(t, path)
			bdb := check[*bun.DB](t)(w.st.DB())
			if after := dumpSpecTables(t, bdb.DB); !reflect.DeepEqual(after, before) {
				t.Fatalf("rows changed:\n%v\n%v", before, after)
			}
			var version int
			noErr(t, bdb.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version))
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

// seedVersion builds a database at the schema of ms, with a cluster, two
// customers and an active release with a done and a pending step.
func seedVersion(t *testing.T, path string, ms []store.Migration) (*sql.DB, *bun.DB) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(raw, sqlitedialect.New())
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := store.Apply(context.Background(), db, ms, nil, now); err != nil {
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
	// From version 3 on, activation records the release's customers (an
	// older file gets them from migration 4's backfill).
	if len(ms) >= 4 {
		if _, err := db.Exec(`INSERT INTO release_customers (release_id, customer_id, added_at) VALUES (1, 1, 1), (1, 2, 1)`); err != nil {
			t.Fatal(err)
		}
	}
	return raw, db
}

// broken is a migration that changes a lot before it fails: a new table
// with a row, a new column, a dropped index, rows updated and deleted
// (cascading), and then a statement that cannot run.
func broken(version int) store.Migration {
	return store.Migration{Version: version, Name: fmt.Sprintf("%04d_broken", version), SQL: `
		CREATE TABLE half (id integer PRIMARY KEY, note text);
		INSERT INTO half VALUES (1, 'written before the failure');
		ALTER TABLE clusters ADD COLUMN region text;
		DROP INDEX unique_customer_step;
		UPDATE customer_steps SET status = 'done', executed_by = 'nobody';
		DELETE FROM customers WHERE id = 2;
		INSERT INTO clusters (name, is_active) VALUES ('half-made', 1);
		SELECT * FROM no_such_table;`}
}

// A migration that fails half-way leaves the database exactly as it was —
// schema and every row of every table, the version table included — from
// each schema version; the migrations before it that succeeded stay
// applied (each has its own transaction); a pre-migration backup was
// written and holds the database as it was; and the next start with the
// real migrations succeeds.
func TestFailedMigrationLeavesTheDatabaseExactlyAsItWas(t *testing.T) {
	ms, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	for k := 1; k <= len(ms); k++ {
		t.Run(fmt.Sprintf("at version %d", k), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, store.FileName)
			raw, db := seedVersion(t, path, ms[:k])
			defer db.Close()
			before := schemaDump(t, raw) + typedDump(t, raw)
			rows := dumpSpecTables(t, raw)

			// The broken migration alone.
			err := store.Apply(context.Background(), db, append(ms[:k:k], broken(k+1)), store.BackupBefore(path, true, now), now)
			if err == nil || !strings.Contains(err.Error(), "broken") {
				t.Fatalf("want the broken migration's failure, got %v", err)
			}
			if after := schemaDump(t, raw) + typedDump(t, raw); after != before {
				t.Fatalf("the failed migration left changes:\n%s", firstDiff(before, after))
			}
			backups, _ := filepath.Glob(filepath.Join(dir, "backups", "*-pre-migration.db"))
			if len(backups) != 1 {
				t.Fatalf("pre-migration backups: %v", backups)
			}
			b, _ := sql.Open("sqlite", "file:"+backups[0]+"?mode=ro")
			if got := schemaDump(t, b) + typedDump(t, b); got != before {
				t.Fatalf("the pre-migration backup differs from the database as it was:\n%s", firstDiff(before, got))
			}
			b.Close()

			// The real pending migrations, then the broken one: the real
			// ones stay, exactly as if they had run alone.
			if k < len(ms) {
				ref := filepath.Join(t.TempDir(), "ref.db")
				refRaw, refDB := seedVersion(t, ref, ms[:k])
				if err := store.Apply(context.Background(), refDB, ms, nil, now); err != nil {
					t.Fatal(err)
				}
				want := schemaDump(t, refRaw) + typedDump(t, refRaw)
				refDB.Close()
				if err := store.Apply(context.Background(), db, append(ms[:len(ms):len(ms)], broken(len(ms)+1)), nil, now); err == nil {
					t.Fatal("the broken migration reported success")
				}
				if got := schemaDump(t, raw) + typedDump(t, raw); got != want {
					t.Fatalf("after the real migrations and a failed one:\n%s", firstDiff(want, got))
				}
			}
			db.Close()

			// The next start applies what is pending and keeps every row.
			w := open(t, path)
			bdb := check[*bun.DB](t)(w.st.DB())
			var version int
			noErr(t, bdb.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version))
			if version != len(ms) {
				t.Fatalf("after a normal start: schema %d, want %d", version, len(ms))
			}
			if got := dumpSpecTables(t, bdb.DB); !reflect.DeepEqual(got, rows) || len(got) != 7 {
				t.Fatalf("rows after the normal start: %v", got)
			}
		})
	}
}

// selectAll reads every column of a table, except that a position
// (order_index) reads as its rank among its release's (and customer's)
// steps of the category: migration 5 renumbered positions with gaps, and
// what must survive an upgrade is the order, not the numbers.
func selectAll(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	group := map[string]string{"step_templates": "release_id, category", "customer_steps": "release_id, customer_id, category"}[table]
	if group == "" {
		return `SELECT * FROM "` + table + `"`
	}
	rows, err := db.Query("SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		noErr(t, rows.Scan(&c))
		if c == "order_index" {
			c = "rank() OVER (PARTITION BY " + group + " ORDER BY order_index) AS order_index"
		}
		cols = append(cols, c)
	}
	noErr(t, rows.Err())
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + table
}

func dumpSpecTables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, tbl := range []string{"clusters", "customers", "releases", "step_templates", "customer_steps"} {
		rows, err := db.Query(selectAll(t, db, tbl))
		if err != nil {
			t.Fatal(err)
		}
		cols := check[[]string](t)(rows.Columns())
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			noErr(t, rows.Scan(ptrs...))
			out = append(out, tbl+fmt.Sprint(vals...))
		}
		noErr(t, rows.Err())
		rows.Close()
	}
	sort.Strings(out)
	return out
}

// drizzleMigrate does what drizzle-orm's SQLite migrator does with a
// drizzle-kit migration file: its bookkeeping table, then the statements
// between breakpoints in one transaction, then the file's hash.
func drizzleMigrate(t *testing.T, db *sql.DB, file string) {
	t.Helper()
	ddl, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range strings.Split(string(ddl), "--> statement-breakpoint") {
		if _, err := tx.Exec(stmt); err != nil {
			t.Fatalf("%v\n%s", err, stmt)
		}
	}
	sum := sha256.Sum256(ddl)
	if _, err := tx.Exec(`INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, 1760000000000)`, hex.EncodeToString(sum[:])); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// drizzleFleet fills a database made by the specification's app with what a
// season of its use leaves: 3 clusters (one archived) × 40 customers (some
// archived), an active release whose steps are in every state, with custom
// and overridden steps and a deleted template (a gap in the template order,
// its executed steps kept with template_id NULL, as the spec's app leaves
// them), a draft, and an archived onboarding.
func drizzleFleet(t *testing.T, db *sql.DB) {
	t.Helper()
	stmts := []string{
		`INSERT INTO clusters (id, name, kubeconfig_path, description, is_active, metadata, created_at, updated_at) VALUES
			(1, 'prod-eu', '/home/ops/.kube/eu', 'Frankfurt', 1, '{"region":"eu-central-1"}', 1750000000, 1760000000),
			(2, 'prod-us', NULL, NULL, 1, NULL, 1750000000, 1750000000),
			(3, 'old-dc', NULL, 'gone', 0, '[]', NULL, NULL)`,
		`WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM c WHERE x < 119)
			INSERT INTO customers (id, cluster_id, namespace, name, description, is_active, metadata, created_at, updated_at)
			SELECT x+1, x/40+1, 'tenant-' || x, 'Tenant ' || x || ' — Ünïcode ✓', CASE WHEN x % 7 = 0 THEN 'notes <b>bold</b>' END,
				CASE WHEN x % 13 = 5 THEN 0 ELSE 1 END, CASE WHEN x % 5 = 0 THEN '{"tier":' || (x % 3) || '}' END, 1750000000 + x, 1750000000 + x
			FROM c`,
		`INSERT INTO releases (id, name, type, status, version_number, release_date, description, metadata, created_at, updated_at) VALUES
			(1, '2026.10', 'release', 'active', '2026.10.0', 1760000000, 'October', '{"jira":"OPS-1"}', 1759000000, 1760000000),
			(2, 'hotfix 2026.10.1', 'hotfix', 'draft', NULL, NULL, NULL, NULL, 1760100000, 1760100000),
			(3, 'onboard tenant-1', 'onboarding', 'archived', NULL, NULL, NULL, NULL, 1740000000, 1740000000)`,
		// Release 1's deploy templates are at 0, 1, 3, 4: the one at 2 was
		// deleted. Release 2 and 3 have their own.
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, description, created_at) VALUES
			(1, 1, 'helm upgrade', 'deploy', 'bash', 'helm upgrade --install api ./chart -n "$NS"', 0, NULL, 1759000000),
			(2, 1, 'migrate', 'deploy', 'sql', 'ALTER TABLE t ADD COLUMN c int; -- <script>alert(1)</script>', 1, 'schema', 1759000000),
			(4, 1, 'restart', 'deploy', 'bash', 'kubectl rollout restart deploy -n "$NS"', 3, NULL, 1759000000),
			(5, 1, 'flags', 'deploy', 'text', 'Turn on the flag in the console.', 4, NULL, NULL),
			(6, 1, 'smoke', 'verify', 'bash', 'curl -fsS https://$NS.example.com/health', 0, NULL, 1759000000),
			(7, 1, 'rows', 'verify', 'sql', 'SELECT count(*) FROM t;', 1, NULL, 1759000000),
			(8, 2, 'patch', 'deploy', 'bash', 'kubectl set image deploy/api api=api:1.2.1', 0, NULL, 1760100000),
			(9, 2, 'check', 'verify', 'text', 'Look at the dashboard.', 0, NULL, 1760100000),
			(10, 3, 'namespace', 'deploy', 'bash', 'kubectl create ns tenant-1', 0, NULL, 1740000000)`,
		// Release 1: every customer active at the time (all but the archived
		// cluster's), one step per template, states spread over the fleet.
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, skip_reason, notes, is_custom, is_overridden, created_at, updated_at)
			SELECT 1, cu.id, t.id, t.name, t.category, t.type,
				CASE WHEN cu.id % 11 = 0 AND t.id = 1 THEN t.content || ' --set replicas=3' ELSE t.content END,
				CASE WHEN t.category = 'deploy' THEN CASE t.order_index WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 3 THEN 3 ELSE 4 END ELSE t.order_index END,
				CASE (cu.id + t.id) % 4 WHEN 0 THEN 'done' WHEN 1 THEN 'skipped' WHEN 2 THEN 'reverted' ELSE 'pending' END,
				CASE WHEN (cu.id + t.id) % 4 IN (0, 2) THEN 1760000000 + cu.id END,
				CASE WHEN (cu.id + t.id) % 4 IN (0, 2) THEN 'dana' END,
				CASE WHEN (cu.id + t.id) % 4 = 1 THEN 'not needed here' END,
				CASE WHEN cu.id % 9 = 0 THEN 'called the customer' END,
				0, CASE WHEN cu.id % 11 = 0 AND t.id = 1 THEN 1 ELSE 0 END, 1759000000, 1760000000
			FROM customers cu CROSS JOIN step_templates t WHERE cu.cluster_id <> 3 AND t.release_id = 1`,
		// The deleted template's steps: all executed, kept with no template.
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, is_custom, is_overridden, created_at, updated_at)
			SELECT 1, id, NULL, 'seed data', 'deploy', 'sql', 'INSERT INTO seed VALUES (1);', 2, 'done', 1760000100, 'dana', 0, 0, 1759000000, 1760000100
			FROM customers WHERE cluster_id <> 3`,
		// Custom steps for a few customers, after the last deploy step.
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, is_custom, created_at, updated_at)
			SELECT 1, id, NULL, 'extra cert for ' || namespace, 'deploy', 'bash', 'kubectl apply -f cert.yaml -n ' || namespace, 5, 'pending', 1, 1759500000, 1759500000
			FROM customers WHERE id % 10 = 3 AND cluster_id <> 3`,
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, executed_at, executed_by, is_custom, is_overridden, created_at, updated_at)
			VALUES (3, 2, 10, 'namespace', 'deploy', 'bash', 'kubectl create ns tenant-1', 0, 'done', 1740000500, 'sam', 0, 0, 1740000000, 1740000500)`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
}

// typedDump renders the rows of tables (all of them when none are named),
// each value with its Go type, so 1 and "1" differ.
func typedDump(t *testing.T, db *sql.DB, tables ...string) string {
	t.Helper()
	if len(tables) == 0 {
		rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			noErr(t, rows.Scan(&n))
			tables = append(tables, n)
		}
		noErr(t, rows.Err())
		rows.Close()
	}
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := db.Query(selectAll(t, db, tbl))
		if err != nil {
			t.Fatal(err)
		}
		cols := check[[]string](t)(rows.Columns())
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var l strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&l, "%s=%T:%v ", cols[i], v, v)
			}
			lines = append(lines, l.String())
		}
		noErr(t, rows.Err())
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "%s (%d rows)\n%s\n", tbl, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// firstDiff shows where two dumps part.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			got := "(nothing)"
			if i < len(bl) {
				got = bl[i]
			}
			return fmt.Sprintf("line %d\nwant %s\n got %s", i+1, al[i], got)
		}
	}
	return fmt.Sprintf("%d extra lines", len(bl)-len(al))
}

// schemaDump is the database's schema: every table, index and trigger.
func schemaDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, tbl, ddl string
		noErr(t, rows.Scan(&typ, &name, &tbl, &ddl))
		fmt.Fprintf(&b, "%s %s on %s: %s\n", typ, name, tbl, ddl)
	}
	noErr(t, rows.Err())
	return b.String()
}

// A season of the specification's app, then Shipdeck: every row of the
// five tables survives byte for byte (positions: their order), Drizzle's own table is left alone, a
// pre-migration backup holds the file as it was, and the services work on
// the upgraded data (progress, matrix, activation of the draft, bulk, and a
// reorder across the gap the deleted template left).
func TestDrizzleFleetUpgradesAndKeepsWorking(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, store.FileName)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	drizzleMigrate(t, raw, filepath.Join("testdata", "drizzle_0000_spec.sql"))
	drizzleFleet(t, raw)
	spec := []string{"clusters", "customers", "releases", "step_templates", "customer_steps", "__drizzle_migrations"}
	before := typedDump(t, raw, spec...)
	raw.Close()

	w := open(t, path)
	bdb := check[*bun.DB](t)(w.st.DB())
	if after := typedDump(t, bdb.DB, spec...); after != before {
		t.Fatalf("the upgrade changed rows of the specification's tables:\n%s", firstDiff(before, after))
	}
	var version, covered int
	noErr(t, bdb.QueryRow("SELECT max(version) FROM schema_migrations").Scan(&version))
	noErr(t, bdb.QueryRow("SELECT count(*) FROM release_customers WHERE release_id = 1").Scan(&covered))
	if version != store.SchemaVersion() || covered != 80 {
		t.Fatalf("schema %d (want %d), release 1 covers %d customers (want 80)", version, store.SchemaVersion(), covered)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "backups", "*-pre-migration.db"))
	if len(backups) != 1 {
		t.Fatalf("pre-migration backups: %v", backups)
	}
	b, err := sql.Open("sqlite", "file:"+backups[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var ok string
	if err := b.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" || typedDump(t, b, spec...) != before {
		t.Fatalf("the pre-migration backup is not the file as it was (integrity %q, %v)", ok, err)
	}

	// The services on the upgraded data.
	d := check[release.Detail](t)(w.releases.Get(1))
	var steps, doneOrSkipped int
	noErr(t, bdb.QueryRow("SELECT count(*), sum(status IN ('done', 'skipped')) FROM customer_steps WHERE release_id = 1").Scan(&steps, &doneOrSkipped))
	if d.Release.Progress.Total != steps || d.Release.Progress.Done+d.Release.Progress.Skipped != doneOrSkipped {
		t.Fatalf("progress of the upgraded release: %+v, want %d steps of which %d done or skipped", d.Release.Progress, steps, doneOrSkipped)
	}
	m := check[release.Matrix](t)(w.steps.Matrix(1, 0))
	if len(m.Rows) != 6 || len(m.Customers) != 80 {
		t.Fatalf("matrix %d rows × %d customers, want 6 × 80", len(m.Rows), len(m.Customers))
	}
	preview := check[release.Preview](t)(w.releases.ActivationPreview(2))
	act := check[release.Release](t)(w.releases.Activate(2))
	if preview.StepCount == 0 || act.Progress.Total != preview.StepCount {
		t.Fatalf("the draft activated with %d steps, the preview said %d", act.Progress.Total, preview.StepCount)
	}
	var custs []int64
	for _, c := range m.Customers {
		custs = append(custs, c.ID)
	}
	res := check[release.BulkResult](t)(w.steps.BulkCells(release.BulkCellsInput{ReleaseID: 1, TemplateIDs: []int64{7}, CustomerIDs: custs, Action: release.ActionDone}))
	if res.Changed == 0 {
		t.Fatalf("bulk done on the upgraded release changed nothing: %+v", res)
	}
	ids := []int64{5, 4, 2, 1}
	if err := w.releases.ReorderTemplates(release.ReorderInput{ReleaseID: 1, Category: release.Deploy, OrderedIDs: ids}); err != nil {
		t.Fatal(err)
	}
	ordersWhole(t, w)
}

// The specification's schema lets is_active be NULL (with a default of 1),
// and its app may have written such rows: every path reads them as active —
// listed, editable, archivable, and targeted at activation.
func TestNullIsActiveReadsAsActive(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	drizzleMigrate(t, raw, filepath.Join("testdata", "drizzle_0000_spec.sql"))
	for _, q := range []string{
		`INSERT INTO clusters (id, name, is_active, created_at, updated_at) VALUES (1, 'legacy', NULL, 1, 1)`,
		`INSERT INTO customers (id, cluster_id, namespace, name, is_active, created_at, updated_at) VALUES (1, 1, 'acme', 'Acme', NULL, 1, 1), (2, 1, 'globex', 'Globex', NULL, 1, 1)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	w := open(t, path)

	cls := check[[]cluster.Cluster](t)(w.clusters.List(false))
	if len(cls) != 1 || !cls[0].IsActive || cls[0].CustomerCount != 2 {
		t.Fatalf("clusters %+v", cls)
	}
	if _, err := w.clusters.Update(cluster.UpdateInput{ID: 1, Name: "legacy-eu"}); err != nil {
		t.Fatalf("editing a NULL-active cluster: %v", err)
	}
	if _, err := w.clusters.Create(cluster.Input{Name: "legacy-eu"}); err == nil || !strings.Contains(err.Error(), "already exists.") || strings.Contains(err.Error(), "archived") {
		t.Fatalf("a name taken by a NULL-active cluster: %v", err)
	}
	if _, err := w.customers.Update(customer.UpdateInput{ID: 1, ClusterID: 1, Namespace: "acme", Name: "Acme AG"}); err != nil {
		t.Fatalf("editing a NULL-active customer: %v", err)
	}
	r := check[release.Release](t)(w.releases.Create(release.Input{Name: "r", Type: release.Regular, Templates: templates(1, 0, "r")}))
	if p := check[release.Preview](t)(w.releases.ActivationPreview(r.ID)); p.CustomerCount != 2 {
		t.Fatalf("activation would cover %d customers, want the 2 NULL-active ones", p.CustomerCount)
	}
	if c := check[customer.Customer](t)(w.customers.Archive(2)); c.IsActive {
		t.Fatalf("archive: %+v", c)
	}
}
