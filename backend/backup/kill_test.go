package backup_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"shipdeck/backend/backup"
	"shipdeck/backend/store"
)

// The test binary doubles as a Shipdeck that is killed half-way: with
// SHIPDECK_TEST_CHILD set it opens the database at SHIPDECK_TEST_LIVE and
// runs one operation (a backup to SHIPDECK_TEST_DEST, a restore of
// SHIPDECK_TEST_SRC, or — opening a database of the previous schema
// version — a start-up migration with its pre-migration backup), and the
// parent kills it with SIGKILL while it writes.
func TestMain(m *testing.M) {
	if op := os.Getenv("SHIPDECK_TEST_CHILD"); op != "" {
		os.Exit(child(op))
	}
	code := m.Run()
	if fixtures.dir != "" {
		os.RemoveAll(fixtures.dir)
	}
	os.Exit(code)
}

func child(op string) int {
	ctx := context.Background()
	st := store.New(nil)
	if err := st.Open(ctx, os.Getenv("SHIPDECK_TEST_LIVE")); err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 1
	}
	defer st.Close()
	var err error
	switch op {
	case "backup":
		err = backup.To(ctx, st, os.Getenv("SHIPDECK_TEST_DEST"))
	case "restore":
		_, err = backup.Restore(ctx, st, os.Getenv("SHIPDECK_TEST_SRC"), time.Now())
	case "migrate":
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, op+":", err)
		return 1
	}
	return 0
}

// fixtures are two databases big enough (≈ 10 MB) that a copy takes long
// enough to be killed in the middle: one at the current schema, one at the
// previous version. Built once per test process.
var fixtures struct {
	once           sync.Once
	dir            string
	current, older string
	err            error
}

func fixture(t *testing.T) (current, older string) {
	t.Helper()
	fixtures.once.Do(func() {
		fixtures.dir, fixtures.err = os.MkdirTemp("", "shipdeck-kill-")
		if fixtures.err != nil {
			return
		}
		ms, err := store.Migrations()
		if err != nil {
			fixtures.err = err
			return
		}
		fixtures.current = filepath.Join(fixtures.dir, "current.db")
		fixtures.older = filepath.Join(fixtures.dir, "older.db")
		for path, k := range map[string]int{fixtures.current: len(ms), fixtures.older: len(ms) - 1} {
			if fixtures.err = bigDatabase(path, ms[:k]); fixtures.err != nil {
				return
			}
		}
	})
	if fixtures.err != nil {
		t.Fatal(fixtures.err)
	}
	return fixtures.current, fixtures.older
}

// bigDatabase writes 2,000 customers with 25 steps each at the schema of ms.
func bigDatabase(path string, ms []store.Migration) error {
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		return err
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	db := bun.NewDB(raw, sqlitedialect.New())
	defer db.Close()
	if err := store.Apply(context.Background(), db, ms, nil, time.Unix(1, 0)); err != nil {
		return err
	}
	for _, q := range []string{
		`INSERT INTO clusters (id, name, is_active, created_at, updated_at) VALUES (1, 'prod-eu', 1, 1, 1)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
			INSERT INTO customers (id, cluster_id, namespace, name, is_active, created_at, updated_at)
			SELECT x, 1, 'ns-' || x, 'Customer ' || x, 1, 1, 1 FROM c`,
		`INSERT INTO releases (id, name, type, status, created_at, updated_at) VALUES (1, 'r', 'release', 'active', 1, 1)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25)
			INSERT INTO step_templates (id, release_id, name, category, type, content, order_index, created_at)
			SELECT x, 1, 'step ' || x, 'deploy', 'bash', 'echo ' || x, x * 1024, 1 FROM c`,
		`INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, created_at, updated_at)
			SELECT 1, cu.id, t.id, t.name, 'deploy', 'bash', t.content || ' ' || hex(randomblob(60)), t.order_index, 'pending', 1, 1
			FROM customers cu, step_templates t`,
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%.50s: %w", q, err)
		}
	}
	return nil
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// watcher looks at every file of some folders, as fast as it can, while a
// child writes: it records any file it ever sees readable by others, and
// kills the child once a partial file of the awaited kind has bytes in it.
type watcher struct {
	dirs   []string
	target func(dir, name string) bool
	seen   map[string]os.FileMode
	open   []string // files seen with group or other permissions
	killed bool
}

func (w *watcher) run(cmd *osexec.Cmd, done <-chan error) (exited error) {
	w.seen = map[string]os.FileMode{}
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		for _, dir := range w.dirs {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				path := filepath.Join(dir, e.Name())
				fi, err := os.Lstat(path)
				if err != nil || fi.IsDir() {
					continue
				}
				w.seen[path] = fi.Mode().Perm()
				if fi.Mode().Perm()&0o077 != 0 {
					w.open = append(w.open, fmt.Sprintf("%s %v", path, fi.Mode().Perm()))
				}
				if !w.killed && fi.Size() > 0 && w.target(dir, e.Name()) {
					// A child that has just finished is not killed: the
					// caller then tries again.
					w.killed = cmd.Process.Signal(syscall.SIGKILL) == nil
				}
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// A Shipdeck killed while it writes a backup (to a folder of the
// operator's), a restore (while it rebuilds the backup, or while it keeps
// the replaced database) or the copy made before a start-up migration
// leaves no file readable by others at any moment, and the next start
// clears everything half-written: no partial file remains anywhere, every
// file in backups/ is one a restore accepts and is listed, and the
// database opens with its data (for a restore: the old or the restored,
// whole).
func TestKilledWritesLeaveNothingReadableAndNothingHalfWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes in every phase of a copy: the full run has it, the race detector's short run does not")
	}
	current, older := fixture(t)
	partialIn := func(where string) func(dir, name string) bool {
		return func(dir, name string) bool { return dir == where && strings.HasPrefix(name, store.PartialPrefix) }
	}
	cases := []struct {
		op     string
		from   string
		target func(home, backups, outside string) func(dir, name string) bool
	}{
		{"backup", current, func(home, backups, outside string) func(string, string) bool { return partialIn(outside) }},
		{"restore", current, func(home, backups, outside string) func(string, string) bool { return partialIn(home) }},
		{"restore", current, func(home, backups, outside string) func(string, string) bool { return partialIn(backups) }},
		{"migrate", older, func(home, backups, outside string) func(string, string) bool { return partialIn(backups) }},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s %d", c.op, i), func(t *testing.T) {
			for attempt := 1; ; attempt++ {
				if killedInFlight(t, c.op, c.from, c.target) {
					return
				}
				if attempt == 5 {
					t.Fatalf("the %s finished before it could be killed, %d times", c.op, attempt)
				}
			}
		})
	}
}

// killedInFlight runs op in a child on a copy of from, kills it as target
// says, and checks what the next start finds. It reports false if the
// child finished before the kill.
func killedInFlight(t *testing.T, op, from string, target func(home, backups, outside string) func(string, string) bool) bool {
	t.Helper()
	home := filepath.Join(t.TempDir(), "data")
	backups := filepath.Join(home, store.BackupsDir)
	outside := t.TempDir()
	noErr(t, os.MkdirAll(backups, 0o700))
	live := filepath.Join(home, store.FileName)
	copyFile(t, from, live)
	src := filepath.Join(outside, "restore-me.db")
	if op == "restore" {
		copyFile(t, from, src)
		rawExec(t, src, "INSERT INTO clusters (id, name, is_active) VALUES (2, 'restored', 1)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "SHIPDECK_TEST_CHILD="+op, "SHIPDECK_TEST_LIVE="+live,
		"SHIPDECK_TEST_DEST="+filepath.Join(outside, "backup.db"), "SHIPDECK_TEST_SRC="+src)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	w := &watcher{dirs: []string{home, backups, outside}, target: target(home, backups, outside)}
	exit := w.run(cmd, done)
	if len(w.open) > 0 {
		t.Fatalf("files readable by others while Shipdeck wrote: %v", w.open)
	}
	if !w.killed {
		if exit != nil {
			t.Fatalf("the child failed: %v %s", exit, stderr.String())
		}
		return false
	}

	// The next start: the data directory's lock is held, then this.
	store.ClearPartials(home)
	for _, dir := range []string{home, backups, outside} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".shipdeck-") {
				t.Errorf("left after the next start: %s", filepath.Join(dir, e.Name()))
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(backups, "*.db"))
	for _, f := range files {
		if err := backup.Validate(context.Background(), f); err != nil {
			t.Errorf("a file in backups/ a restore would refuse: %v", err)
		}
	}
	list, err := backup.List(context.Background(), backups)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, b := range list {
		listed = append(listed, b.Path)
	}
	sort.Strings(listed)
	if strings.Join(listed, "\n") != strings.Join(files, "\n") {
		t.Errorf("listed %v, in the folder %v", listed, files)
	}
	st := store.New(nil)
	if err := st.Open(context.Background(), live); err != nil {
		t.Fatalf("the database does not open after the kill: %v", err)
	}
	defer st.Close()
	db, err := st.DB()
	noErr(t, err)
	var clusters, steps int
	noErr(t, db.QueryRow("SELECT count(*) FROM clusters").Scan(&clusters))
	noErr(t, db.QueryRow("SELECT count(*) FROM customer_steps").Scan(&steps))
	if steps != 50000 || clusters < 1 || clusters > 2 || (op != "restore" && clusters != 1) {
		t.Fatalf("after the kill: %d clusters, %d steps", clusters, steps)
	}
	t.Logf("killed; %d backups kept, %d clusters (restored: %v)", len(files), clusters, clusters == 2)
	return true
}
