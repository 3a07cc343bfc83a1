package workspace_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/sample"
	"shipdeck/backend/store"
	"shipdeck/backend/workspace"
	"shipdeck/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fileStore is a workspace in a file: the copies go between a file and a
// team database, whichever engine the rest of the suite runs on.
func fileStore(t *testing.T) *store.Store {
	t.Helper()
	return testdb.OpenOn(t, "sqlite", func() time.Time { return testdb.Clock })
}

// filled is the sample workspace plus what the sample lacks: a hold, a
// run, a setting, metadata whose keys are out of order as another program
// could have written them, a history row without a customer.
func filled(t *testing.T) *store.Store {
	t.Helper()
	st := fileStore(t)
	if err := sample.NewService(st).Load(); err != nil {
		t.Fatal(err)
	}
	exec(t, st, `UPDATE release_customers SET held_at = 1764000000, held_by = 'ana', hold_reason = 'Customer freeze'
		WHERE (release_id, customer_id) = (SELECT release_id, customer_id FROM release_customers ORDER BY 1, 2 LIMIT 1)`)
	exec(t, st, `INSERT INTO step_runs (step_id, release_id, customer_id, step_name, script, started_at, finished_at, exit_code, outcome, output, output_bytes, actor)
		SELECT id, release_id, customer_id, name, content, 1764000000, 1764000003, 0, 'succeeded', 'ok'||char(10), 3, 'ana' FROM customer_steps LIMIT 1`)
	exec(t, st, `INSERT INTO settings (key, value) VALUES ('theme', 'dark')`)
	exec(t, st, `UPDATE clusters SET metadata = '{"zone":"b","region":"eu"}' WHERE id = (SELECT min(id) FROM clusters)`)
	exec(t, st, `INSERT INTO step_history (release_id, step_name, action, actor, created_at, source, detail)
		SELECT id, '', 'release.edit', 'ana', 1764000004, 'cli', '{"field":"name"}' FROM releases LIMIT 1`)
	return st
}

func exec(t *testing.T, st *store.Store, q string) {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func dbOf(t *testing.T, st *store.Store) *bun.DB {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestCopyToATeamDatabaseAndBack: a workspace copied into an empty team
// database and from there into a new file has every row it had, byte for
// byte, ids included; the team database's next ids follow the copied ones.
func TestCopyToATeamDatabaseAndBack(t *testing.T) {
	ctx := context.Background()
	src := filled(t)
	pg, err := store.OpenPostgres(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()

	there, err := workspace.Copy(ctx, dbOf(t, src), pg)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, tb := range there {
		rows[tb.Name] = tb.Rows
	}
	for _, name := range []string{"clusters", "customers", "releases", "step_templates", "customer_steps", "release_customers", "step_history", "step_runs", "settings"} {
		if rows[name] == 0 {
			t.Errorf("the fixture has no %s: the copy of that table is not tested", name)
		}
	}
	// jsonb keeps the value, not the text.
	var meta string
	if err := pg.QueryRow(`SELECT metadata::text FROM clusters ORDER BY id LIMIT 1`).Scan(&meta); err != nil || meta != `{"zone": "b", "region": "eu"}` {
		t.Fatalf("metadata on PostgreSQL: %q %v", meta, err)
	}

	back := fileStore(t)
	again, err := workspace.Copy(ctx, pg, dbOf(t, back))
	if err != nil {
		t.Fatal(err)
	}
	for i := range there {
		if there[i] != again[i] {
			t.Errorf("%s: %+v there, %+v back", there[i].Name, there[i], again[i])
		}
	}
	// The one difference: metadata text is Go's encoding of the value.
	exec(t, src, `UPDATE clusters SET metadata = '{"region":"eu","zone":"b"}' WHERE id = (SELECT min(id) FROM clusters)`)
	if a, b := testdb.Dump(t, src), testdb.Dump(t, back); a != b {
		t.Fatalf("the workspace came back different:\n%s", firstDifference(a, b))
	}

	var maxID, next int64
	if err := pg.QueryRow(`SELECT max(id) FROM customers`).Scan(&maxID); err != nil {
		t.Fatal(err)
	}
	if err := pg.QueryRow(`INSERT INTO customers (cluster_id, namespace, name) SELECT min(id), 'new-ns', 'New' FROM clusters RETURNING id`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next != maxID+1 {
		t.Fatalf("the next customer on PostgreSQL got id %d after %d", next, maxID)
	}
}

// TestCopyNeverMerges: a copy into a workspace that holds anything is
// refused, says what it holds, and writes nothing.
func TestCopyNeverMerges(t *testing.T) {
	ctx := context.Background()
	src, dst := filled(t), fileStore(t)
	exec(t, dst, `INSERT INTO settings (key, value) VALUES ('theme', 'light')`)
	before := testdb.Dump(t, dst)
	_, err := workspace.Copy(ctx, dbOf(t, src), dbOf(t, dst))
	if !errors.Is(err, workspace.ErrNotEmpty) || !strings.Contains(err.Error(), "1 settings") {
		t.Fatalf("got %v", err)
	}
	if testdb.Dump(t, dst) != before {
		t.Fatal("a refused copy wrote to its destination")
	}
}

// TestACopyThatFailsWritesNothing: a value the destination refuses (text
// that is not JSON in a metadata column, which SQLite lets another program
// write) stops the copy with the table and column named, and the team
// database stays empty.
func TestACopyThatFailsWritesNothing(t *testing.T) {
	ctx := context.Background()
	src := filled(t)
	exec(t, src, `UPDATE customers SET metadata = 'region=eu' WHERE id = (SELECT max(id) FROM customers)`)
	pg, err := store.OpenPostgres(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	_, err = workspace.Copy(ctx, dbOf(t, src), pg)
	if err == nil || !strings.Contains(err.Error(), "customers: metadata is not JSON") {
		t.Fatalf("got %v", err)
	}
	sums, err := workspace.Checksums(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		if s.Rows != 0 {
			t.Fatalf("a failed copy left %d rows in %s", s.Rows, s.Name)
		}
	}
}

func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "source: " + al[i] + "\ncopy:   " + bl[i]
		}
	}
	return "lengths differ"
}
