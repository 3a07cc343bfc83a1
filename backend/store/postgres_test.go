package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/internal/pgtest"
)

// TestTeamDatabaseHasTheSameSchema: a team database made by the PostgreSQL
// migrations has the tables, columns, nullability and indexes the SQLite
// migrations make, name for name (the copy between engines and every query
// rely on it), at the same schema version; opening it again changes nothing.
func TestTeamDatabaseHasTheSameSchema(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	pg, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	st := openStore(t, t.TempDir()+"/shipdeck.db")
	lite, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}

	want, got := schemaOf(t, lite), schemaOf(t, pg)
	// pgmigrations/0008 and 0009: indexes PostgreSQL does without, dropped there.
	for _, name := range []string{"customer_steps_release_id_idx", "customer_steps_release_customer_idx", "customer_steps_customer_id_idx", "customer_steps_template_idx"} {
		if _, ok := want["index "+name]; !ok {
			t.Errorf("SQLite has no index %s: pgmigrations/0008, 0009 and this test are out of date", name)
		}
		delete(want, "index "+name)
	}
	if !reflect.DeepEqual(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: SQLite has %q, PostgreSQL %q", k, v, got[k])
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: only PostgreSQL has it (%q)", k, v)
			}
		}
	}
	versions := func(db bun.IDB) (vs []int) {
		if err := db.NewRaw("SELECT version FROM schema_migrations ORDER BY version").Scan(ctx, &vs); err != nil {
			t.Fatal(err)
		}
		return vs
	}
	if a, b := versions(lite), versions(pg); !reflect.DeepEqual(a, b) || len(a) != store.SchemaVersion() {
		t.Fatalf("schema versions: SQLite %v, PostgreSQL %v", a, b)
	}
	again, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	again.Close()
	if vs := versions(pg); len(vs) != store.SchemaVersion() {
		t.Fatalf("second open recorded %v", vs)
	}
}

// schemaOf maps "table.column" to "null" or "not null", and "index name"
// to its table, for Shipdeck's tables: each engine's catalogue read into
// the same shape.
func schemaOf(t *testing.T, db bun.IDB) map[string]string {
	t.Helper()
	// SQLite lets a primary key column hold NULL unless it says NOT NULL;
	// PostgreSQL's never can. Primary keys are indexes in PostgreSQL, not
	// in sqlite_master's list.
	colsQ := `SELECT m.name AS tbl, c.name, (c."notnull" OR c.pk > 0) AS not_null FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
	idxQ := `SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`
	if store.Postgres(db) {
		colsQ = `SELECT table_name AS tbl, column_name AS name, is_nullable = 'NO' AS not_null FROM information_schema.columns WHERE table_schema = current_schema()`
		idxQ = `SELECT i.indexname AS name, i.tablename AS tbl FROM pg_indexes i
			WHERE i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype = 'p')`
	}
	out := map[string]string{}
	var cols []struct {
		Tbl     string `bun:"tbl"`
		Name    string `bun:"name"`
		NotNull bool   `bun:"not_null"`
	}
	if err := db.NewRaw(colsQ).Scan(context.Background(), &cols); err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		out[c.Tbl+"."+c.Name] = nullness(c.NotNull)
	}
	var idx []struct {
		Name string `bun:"name"`
		Tbl  string `bun:"tbl"`
	}
	if err := db.NewRaw(idxQ).Scan(context.Background(), &idx); err != nil {
		t.Fatal(err)
	}
	for _, i := range idx {
		out["index "+i.Name] = i.Tbl
	}
	return out
}

func nullness(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

// A window on a team database hears when the server goes away and comes
// back: the watch says offline, then online, and calls onChange (what
// changed meanwhile is not known). A write while it is away is refused in
// one plain sentence, and one after it is back goes through.
func TestTeamWatchFollowsTheServer(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	url, err := srv.NewDatabase("away")
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(nil)
	if err := st.OpenTeam(context.Background(), url); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	online := make(chan bool, 8)
	changed := make(chan struct{}, 8)
	go func() {
		_ = st.WatchOnline(ctx, time.Second, func() { changed <- struct{}{} }, func(v bool) { online <- v })
	}()
	time.Sleep(300 * time.Millisecond)
	write := func() error {
		return st.Tx(func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v') ON CONFLICT (key) DO UPDATE SET value = 'w'`)
			return err
		})
	}
	if err := srv.Down(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-online:
		if v {
			t.Fatal("reported online when the server went away")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server's going away was not noticed in 10 s")
	}
	err = write()
	if !errors.Is(err, problem.ErrState) || !strings.Contains(err.Error(), "The team database cannot be reached, so nothing was changed") {
		t.Fatalf("a write while away: %v", err)
	}
	if err := srv.Up(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-online:
		if !v {
			t.Fatal("reported offline again")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server's return was not noticed in 10 s")
	}
	select {
	case <-changed:
	case <-time.After(time.Second):
		t.Fatal("no refresh after reconnecting")
	}
	if err := write(); err != nil {
		t.Fatalf("a write once back: %v", err)
	}
}

// TestTeamDatabaseKeepsTheReferencesOfSteps: on PostgreSQL customer_steps'
// references are checked by pgmigrations/0008's triggers (0009's since),
// not by foreign keys; they refuse and cascade as the foreign keys did (and
// still do on SQLite), with the same error. They also refuse a step whose
// template is another release's: PostgreSQL finds a template's steps
// through their release.
func TestTeamDatabaseKeepsTheReferencesOfSteps(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenPostgres(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed := []string{
		`INSERT INTO clusters (id, name) VALUES (1, 'c')`,
		`INSERT INTO customers (id, cluster_id, namespace, name) VALUES (1, 1, 'a', 'A'), (2, 1, 'b', 'B')`,
		`INSERT INTO releases (id, name, type) VALUES (1, 'r1', 'release'), (2, 'r2', 'release')`,
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index) VALUES
			(1, 1, 's1', 'deploy', 'bash', '', 1024), (2, 1, 's2', 'deploy', 'bash', '', 2048), (3, 2, 's3', 'deploy', 'bash', '', 1024)`,
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status)
			SELECT t.release_id, cu.id, t.id, t.name, t.category, t.type, t.content, t.order_index, 'pending' FROM step_templates t, customers cu`,
		`UPDATE customer_steps SET status = 'done' WHERE template_id = 2 AND customer_id = 1`,
	}
	for _, q := range seed {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	insert := `INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index) VALUES `
	cases := []struct {
		name, change string
		refused      string // the constraint named by the error, or ""
		count        string // else: this counts what must be left…
		want         int    // …this many
	}{
		{"a step of a missing release", insert + `(1, 1, NULL, 'x', 'deploy', 'bash', '', 1), (9, 1, NULL, 'x', 'deploy', 'bash', '', 1)`, "customer_steps_release_id_fkey", "", 0},
		{"a step of a missing customer", insert + `(1, 9, NULL, 'x', 'deploy', 'bash', '', 1)`, "customer_steps_customer_id_fkey", "", 0},
		{"a step of a missing template", insert + `(1, 1, 9, 'x', 'deploy', 'bash', '', 1)`, "customer_steps_template_id_fkey", "", 0},
		{"a step of another release's template", insert + `(2, 1, 1, 'x', 'deploy', 'bash', '', 1)`, "customer_steps_template_id_fkey", "", 0},
		{"a step without a template", insert + `(1, 1, NULL, 'x', 'deploy', 'bash', '', 1)`, "", "SELECT count(*) FROM customer_steps WHERE template_id IS NULL", 1},
		{"a step moved to a missing customer", `UPDATE customer_steps SET customer_id = 9 WHERE template_id = 1 AND customer_id = 1`, "customer_steps_customer_id_fkey", "", 0},
		{"a step moved to a missing template", `UPDATE customer_steps SET template_id = 9 WHERE template_id = 1 AND customer_id = 1`, "customer_steps_template_id_fkey", "", 0},
		{"a step moved to another release's template", `UPDATE customer_steps SET template_id = 3 WHERE template_id = 1 AND customer_id = 1`, "customer_steps_template_id_fkey", "", 0},
		{"a step moved to another release", `UPDATE customer_steps SET release_id = 2 WHERE template_id = 1 AND customer_id = 1`, "customer_steps_template_id_fkey", "", 0},
		{"a referenced template's id changed", `UPDATE step_templates SET id = 9 WHERE id = 3`, "", "", 0},
		{"a deleted release takes its steps", `DELETE FROM releases WHERE id = 2`, "", "SELECT count(*) FROM customer_steps", 4},
		{"a deleted customer takes its steps", `DELETE FROM release_customers WHERE customer_id = 2; DELETE FROM customers WHERE id = 2`, "", "SELECT count(*) FROM customer_steps WHERE customer_id = 2", 0},
		{"a deleted template leaves its steps without it", `DELETE FROM step_templates WHERE id = 2`, "", "SELECT count(*) FROM customer_steps WHERE template_id IS NULL AND release_id = 1", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			_, err = tx.ExecContext(ctx, c.change)
			var pgErr *pgconn.PgError
			switch {
			case c.count == "":
				if !errors.As(err, &pgErr) || pgErr.Code != "23503" || pgErr.ConstraintName != c.refused && c.refused != "" {
					t.Fatalf("want a foreign key violation of %q, got %v", c.refused, err)
				}
			case err != nil:
				t.Fatal(err)
			default:
				var n int
				if err := tx.QueryRowContext(ctx, c.count).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != c.want {
					t.Errorf("%s: %d, want %d", c.count, n, c.want)
				}
			}
		})
	}
}

// TestTeamDatabaseUpgradesToOneStepIndex: a team database made at schema
// version 8, with steps, opened by this version: migration 9 rebuilds
// unique_customer_step with the status, drops the template index, keeps
// every step, and the checks it replaced now refuse another release's
// template.
func TestTeamDatabaseUpgradesToOneStepIndex(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	old := bun.NewDB(stdlib.OpenDB(*cfg), pgdialect.New())
	defer old.Close()
	ms, err := store.PostgresMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Apply(ctx, old, ms[:8], nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO clusters (id, name) VALUES (1, 'c')`,
		`INSERT INTO customers (id, cluster_id, namespace, name) VALUES (1, 1, 'a', 'A'), (2, 1, 'b', 'B')`,
		`INSERT INTO releases (id, name, type) VALUES (1, 'r1', 'release'), (2, 'r2', 'release')`,
		`INSERT INTO step_templates (id, release_id, name, category, type, content, order_index) VALUES
			(1, 1, 's1', 'deploy', 'bash', '', 1024), (2, 2, 's2', 'deploy', 'bash', '', 1024)`,
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status)
			SELECT t.release_id, cu.id, t.id, t.name, t.category, t.type, t.content, t.order_index, 'done' FROM step_templates t, customers cu`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var steps int
	var def string
	var templateIdx bool
	if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM customer_steps WHERE status = 'done'),
		(SELECT indexdef FROM pg_indexes WHERE indexname = 'unique_customer_step'),
		EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'customer_steps_template_idx')`).Scan(&steps, &def, &templateIdx); err != nil {
		t.Fatal(err)
	}
	if steps != 4 || templateIdx || !strings.Contains(def, "UNIQUE") || !strings.Contains(def, "(release_id, customer_id, template_id) INCLUDE (status, is_overridden)") {
		t.Fatalf("after migration 9: %d steps (want 4), template index kept %v, unique_customer_step %q", steps, templateIdx, def)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index)
		VALUES (1, 1, 2, 'x', 'deploy', 'bash', '', 1)`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.ConstraintName != "customer_steps_template_id_fkey" {
		t.Fatalf("a step of another release's template: %v", err)
	}
}
