package backup_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"shipdeck/backend/backup"
	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/disktest"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// rawExec runs statements on a file with plain SQLite, as a person with the
// sqlite3 shell (or another program) would.
func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
}

// schema lists a database's objects as its sqlite_master has them.
func schema(t *testing.T, st *store.Store) []string {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// workedRelease makes a cluster, a customer and an active release of one
// step, and returns the step's id.
func workedRelease(t *testing.T, st *store.Store) int64 {
	t.Helper()
	cl, err := cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := customer.NewService(st).Create(customer.Input{ClusterID: cl.ID, Namespace: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	rel := release.NewService(st)
	r, err := rel.Create(release.Input{Name: "2026.11", Type: "release", Templates: []release.TemplateInput{{Name: "helm", Category: release.Deploy, Type: "bash", Content: "helm upgrade"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rel.Activate(r.ID); err != nil {
		t.Fatal(err)
	}
	db, _ := st.DB()
	var step int64
	if err := db.QueryRow("SELECT id FROM customer_steps").Scan(&step); err != nil {
		t.Fatal(err)
	}
	return step
}

// A backup carrying schema objects Shipdeck did not create — triggers that
// delete the history or forge executors, a view, an extra table and index,
// a table defined differently — is restored without any of them: its rows
// go into a database built by Shipdeck's own migrations, whose schema is
// exactly a new one's. After the restore, history is kept and executors
// are who did it. The same for a file made by the specification's app.
func TestRestoreNeverAdoptsObjectsItDidNotCreate(t *testing.T) {
	fresh := schema(t, testdb.OpenFile(t))
	t.Run("Shipdeck's backup", func(t *testing.T) {
		st := testdb.OpenFile(t)
		step := workedRelease(t, st)
		saved := filepath.Join(t.TempDir(), "saved.db")
		if err := backup.To(context.Background(), st, saved); err != nil {
			t.Fatal(err)
		}
		rawExec(t, saved,
			"CREATE TRIGGER wipe_history AFTER INSERT ON step_history BEGIN DELETE FROM step_history; END",
			"CREATE TRIGGER forge_executor AFTER UPDATE OF status ON customer_steps BEGIN UPDATE customer_steps SET executed_by = 'mallory' WHERE id = NEW.id; END",
			"CREATE VIEW done AS SELECT * FROM customer_steps WHERE status = 'done'",
			"CREATE TABLE notes (x)", "INSERT INTO notes VALUES ('kept out')",
			"CREATE INDEX mine ON clusters (description)",
			"ALTER TABLE clusters ADD COLUMN owner text DEFAULT 'mallory'",
		)
		res, err := backup.Restore(context.Background(), st, saved, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(res.LeftOut)
		want := []string{"index mine", "table clusters (as defined there)", "table notes", "trigger forge_executor", "trigger wipe_history", "view done"}
		if !reflect.DeepEqual(res.LeftOut, want) {
			t.Errorf("left out %v, want %v", res.LeftOut, want)
		}
		if got := schema(t, st); !reflect.DeepEqual(got, fresh) {
			t.Fatalf("the restored schema is not Shipdeck's own:\n%s", strings.Join(got, "\n"))
		}
		steps := release.NewSteps(st)
		if _, err := steps.MarkDone(release.TransitionInput{StepID: step, Note: "deployed"}); err != nil {
			t.Fatal(err)
		}
		d, err := steps.StepDetail(step)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.History) == 0 || d.Step.ExecutedBy == "mallory" || d.Step.ExecutedBy == "" {
			t.Fatalf("after the restore: %d history rows, executed by %q", len(d.History), d.Step.ExecutedBy)
		}
		if list, _ := cluster.NewService(st).List(true); len(list) != 1 || list[0].Name != "prod-eu" {
			t.Fatalf("rows not restored: %+v", list)
		}
	})
	t.Run("the specification's file", func(t *testing.T) {
		ddl, err := os.ReadFile("../store/testdata/drizzle_schema.sql")
		if err != nil {
			t.Fatal(err)
		}
		spec := filepath.Join(t.TempDir(), "spec.db")
		rawExec(t, spec, string(ddl),
			"INSERT INTO clusters (id, name, is_active, created_at, updated_at) VALUES (1, 'prod-eu', 1, 1, 1)",
			"INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('abc', 1)",
			"CREATE TRIGGER forge_executor AFTER UPDATE OF status ON customer_steps BEGIN UPDATE customer_steps SET executed_by = 'mallory' WHERE id = NEW.id; END",
		)
		st := testdb.OpenFile(t)
		res, err := backup.Restore(context.Background(), st, spec, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.LeftOut, []string{"trigger forge_executor"}) {
			t.Errorf("left out %v", res.LeftOut)
		}
		if got := schema(t, st); !reflect.DeepEqual(got, fresh) {
			t.Fatalf("the restored schema is not Shipdeck's own:\n%s", strings.Join(got, "\n"))
		}
		if list, _ := cluster.NewService(st).List(true); len(list) != 1 || list[0].Name != "prod-eu" {
			t.Fatalf("rows not restored: %+v", list)
		}
	})
}

// A backup whose rows cannot go into Shipdeck's schema is refused in a
// sentence, and the live database stays as it was.
func TestRestoreRefusesWhatItCannotRebuild(t *testing.T) {
	cases := []struct {
		name, want string
		stmts      []string
	}{
		{"a column missing", "is not a complete Shipdeck database: table customers has no column description.",
			[]string{"ALTER TABLE customers DROP COLUMN description"}},
		{"a table missing", "is not a Shipdeck database (no step_history).",
			[]string{"DROP TABLE step_history"}},
		{"a table that is a view", "is not a Shipdeck database (no settings).",
			[]string{"DROP TABLE settings", "CREATE VIEW settings AS SELECT 'k' AS key, 'v' AS value"}},
		{"rows pointing at nothing", "holds rows that point at rows it does not have (in table customers), so it cannot be restored.",
			[]string{"PRAGMA foreign_keys = OFF", "INSERT INTO customers (cluster_id, namespace, name) VALUES (999, 'ghost', 'Ghost')"}},
		{"rows breaking a rule", "holds rows Shipdeck's rules do not allow (in table release_targets), so it cannot be restored.",
			[]string{"PRAGMA ignore_check_constraints = ON", "INSERT INTO releases (id, name, type) VALUES (77, 'r', 'release')",
				"INSERT INTO release_targets (release_id, cluster_id, customer_id) VALUES (77, NULL, NULL)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := testdb.OpenFile(t)
			workedRelease(t, st)
			saved := filepath.Join(t.TempDir(), "saved.db")
			if err := backup.To(context.Background(), st, saved); err != nil {
				t.Fatal(err)
			}
			rawExec(t, saved, c.stmts...)
			before := testdb.Dump(t, st)
			_, err := backup.Restore(context.Background(), st, saved, time.Now())
			if !errors.Is(err, problem.ErrInvalid) || !strings.HasSuffix(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if testdb.Dump(t, st) != before {
				t.Fatal("a refused restore changed the live database")
			}
			if partial, _ := filepath.Glob(filepath.Join(filepath.Dir(st.Path()), store.PartialPrefix+"*")); len(partial) != 0 {
				t.Fatalf("left behind: %v", partial)
			}
		})
	}
}

// Settings lists only the backups a restore would accept: not a copy cut
// short, an empty file, or a file that merely has a backup's name.
func TestListShowsOnlyBackupsThatPassValidation(t *testing.T) {
	st := testdb.OpenFile(t)
	workedRelease(t, st)
	dir := filepath.Join(t.TempDir(), "backups")
	good, err := backup.Daily(context.Background(), st, dir, time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	noErr(t, err)
	noErr(t, os.WriteFile(filepath.Join(dir, "shipdeck-20261121-daily.db"), b[:len(b)/2], 0o600))
	noErr(t, os.WriteFile(filepath.Join(dir, "shipdeck-20261122-090000-pre-migration.db"), nil, 0o600))
	noErr(t, os.WriteFile(filepath.Join(dir, "shipdeck-notes.db"), []byte("not a database"), 0o600))
	rawExec(t, filepath.Join(dir, "shipdeck-other.db"), "CREATE TABLE foo (x)")
	list, err := backup.List(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Path != good {
		t.Fatalf("listed %+v, want only %s", list, good)
	}
	// A file that changes is checked again.
	noErr(t, os.WriteFile(good, b[:len(b)/2], 0o600))
	if list, err := backup.List(context.Background(), dir); err != nil || len(list) != 0 {
		t.Fatalf("a backup cut short after it was listed is still listed: %+v %v", list, err)
	}
}

// A backup to a full disk (a manual one, and the daily one) says the disk
// is full, leaves no partial copy, and keeps the file already at the path.
func TestBackupToAFullDiskSaysSo(t *testing.T) {
	st := testdb.OpenFile(t)
	workedRelease(t, st)
	for i := 0; i < 200; i++ {
		if _, err := cluster.NewService(st).Create(cluster.Input{Name: fmt.Sprintf("cluster-%03d-%s", i, strings.Repeat("x", 80)), Description: strings.Repeat("d", 1500)}); err != nil {
			t.Fatal(err)
		}
	}
	disk := disktest.Tmpfs(t, "1m")
	dest := filepath.Join(disk, "backup.db")
	noErr(t, os.WriteFile(dest, []byte("the operator's earlier backup"), 0o600))
	disktest.Fill(t, disk)
	err := backup.To(context.Background(), st, dest)
	want := "The disk holding " + disk + " is full: no backup was written. Free some space and try again."
	if !errors.Is(err, problem.ErrState) || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if b, _ := os.ReadFile(dest); string(b) != "the operator's earlier backup" {
		t.Fatalf("the file at the path changed: %q", b)
	}
	if partial, _ := filepath.Glob(filepath.Join(disk, store.PartialPrefix+"*")); len(partial) != 0 {
		t.Fatalf("left behind: %v", partial)
	}
	daily := filepath.Join(disk, "backups")
	noErr(t, os.Mkdir(daily, 0o700))
	_, err = backup.Daily(context.Background(), st, daily, time.Now())
	if want := "The disk holding " + daily + " is full: no backup was written. Free some space and try again."; err == nil || err.Error() != want {
		t.Fatalf("daily: got %v, want %q", err, want)
	}
}

// On a full disk, the writes an operator makes most — activating a
// release, a bulk action — and a backup each say the disk is full, in the
// sentence that names it, and change nothing.
func TestFullDiskActivationBulkAndBackupSaySo(t *testing.T) {
	disk := disktest.Tmpfs(t, "8m")
	st := store.New(func() time.Time { return testdb.Clock })
	if err := st.Open(context.Background(), filepath.Join(disk, store.FileName)); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cl, err := cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60; i++ {
		if _, err := customer.NewService(st).Create(customer.Input{ClusterID: cl.ID, Namespace: fmt.Sprintf("ns-%02d", i), Name: fmt.Sprintf("Customer %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	rel := release.NewService(st)
	var tpl []release.TemplateInput
	for i := 0; i < 20; i++ {
		tpl = append(tpl, release.TemplateInput{Name: fmt.Sprintf("step %d", i), Category: release.Deploy, Type: "bash", Content: strings.Repeat("echo deploy; ", 50)})
	}
	live, err := rel.Create(release.Input{Name: "live", Type: "release", Templates: tpl})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rel.Activate(live.ID); err != nil {
		t.Fatal(err)
	}
	draft, err := rel.Create(release.Input{Name: "draft", Type: "release", Templates: tpl})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := st.DB()
	var ids []int64
	if err := db.NewRaw("SELECT id FROM customer_steps WHERE release_id = ?", live.ID).Scan(context.Background(), &ids); err != nil {
		t.Fatal(err)
	}
	// The WAL is emptied, so every write below needs new space.
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	before := testdb.Dump(t, st)
	disktest.Fill(t, disk)
	full := "The disk holding Shipdeck's data is full: nothing was changed. Free some space and try again."
	if _, err := rel.Activate(draft.ID); !errors.Is(err, problem.ErrState) || err.Error() != full {
		t.Errorf("activation: %v, want %q", err, full)
	}
	if _, err := release.ChangeSteps(st, ids, release.ActionDone, "all at once"); !errors.Is(err, problem.ErrState) || err.Error() != full {
		t.Errorf("bulk: %v, want %q", err, full)
	}
	if err := backup.To(context.Background(), st, filepath.Join(disk, "copy.db")); err == nil || err.Error() != "The disk holding "+disk+" is full: no backup was written. Free some space and try again." {
		t.Errorf("backup: %v", err)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("a write on a full disk changed something")
	}
}
