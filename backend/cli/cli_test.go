package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
	"shipdeck/internal/pgtest"
)

// world is a data directory with a fleet and an active release, made by the
// app's services; the command line then opens it as a second program.
type world struct {
	dir   string
	url   string // a team database's, when the world is on one
	rel   release.Release
	custs map[string]int64
}

// newWorld is a world on the tests' engine (testdb.Engine): on PostgreSQL
// the commands name it with --database.
func newWorld(t testing.TB) world {
	t.Helper()
	return newWorldOn(t, testdb.Engine)
}

// newFileWorld is a world in a database file, whatever the engine: for what
// only a file has (its bytes, its schema check, its backups).
func newFileWorld(t testing.TB) world {
	t.Helper()
	return newWorldOn(t, "sqlite")
}

func newWorldOn(t testing.TB, engine string) world {
	t.Helper()
	w := world{dir: t.TempDir(), custs: map[string]int64{}}
	if engine == "postgres" {
		w.url = pgtest.URL(t)
	}
	st := w.open(t, false)
	defer st.Close()
	cl := map[string]int64{}
	for _, n := range []string{"prod-eu", "prod-us"} {
		c, err := cluster.NewService(st).Create(cluster.Input{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		cl[n] = c.ID
	}
	for _, x := range [][3]string{{"Acme", "acme", "prod-eu"}, {"Bergmann", "bergmann", "prod-eu"}, {"Globex", "globex", "prod-us"}, {"Acme US", "acme", "prod-us"}} {
		c, err := customer.NewService(st).Create(customer.Input{ClusterID: cl[x[2]], Name: x[0], Namespace: x[1]})
		if err != nil {
			t.Fatal(err)
		}
		w.custs[x[0]] = c.ID
	}
	r, err := release.NewService(st).Create(release.Input{Name: "2026.12", Type: release.Regular, Targets: release.Targets{Mode: "all"}, Templates: []release.TemplateInput{
		{Name: "Back up", Category: release.Deploy, Type: release.Bash, Content: "pg_dump"},
		{Name: "Upgrade", Category: release.Deploy, Type: release.Bash, Content: "helm upgrade -n {{namespace}}"},
		{Name: "Health", Category: release.Verify, Type: release.Bash, Content: "curl"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if w.rel, err = release.NewService(st).Activate(r.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

// run runs the command line on the world and returns its exit code and
// what it printed.
func (w world) run(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	where := []string{"--data-dir", w.dir}
	if w.url != "" {
		where = []string{"--database", w.url}
	}
	code := Main(append(args, where...), Env{
		DataDir: func(f string) (string, error) { return f, nil },
		Version: "test", Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
	})
	return code, out.String(), errb.String()
}

// open opens the world's database as the app does (the file's writer), or
// beside it as the command line does (secondary).
func (w world) open(t testing.TB, secondary bool) *store.Store {
	t.Helper()
	st := store.New(nil)
	var err error
	switch {
	case w.url != "":
		err = st.OpenTeam(context.Background(), w.url)
	case secondary:
		err = st.OpenCurrent(context.Background(), filepath.Join(w.dir, store.FileName))
	default:
		err = st.Open(context.Background(), filepath.Join(w.dir, store.FileName))
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// stepState reads one step straight from the database.
func (w world) stepState(t testing.TB, customer, step string) (status, by, note string) {
	t.Helper()
	st := w.open(t, true)
	defer st.Close()
	db, _ := st.DB()
	var s, b, n *string
	if err := db.QueryRowContext(context.Background(), `SELECT status, executed_by, coalesce(skip_reason, notes) FROM customer_steps WHERE release_id = ? AND customer_id = ? AND name = ?`,
		w.rel.ID, w.custs[customer], step).Scan(&s, &b, &n); err != nil {
		t.Fatal(err)
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	return str(s), str(b), str(n)
}

func (w world) history(t testing.TB) []string {
	t.Helper()
	st := w.open(t, true)
	defer st.Close()
	db, _ := st.DB()
	rows, err := db.QueryContext(context.Background(), `SELECT action || ':' || actor || ':' || source FROM step_history WHERE from_status IS NOT NULL ORDER BY id`)
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
	return out
}

// stepID is one step's id, read straight from the database file.
func (w world) stepID(t testing.TB, customer, step string) int64 {
	t.Helper()
	st := w.open(t, true)
	defer st.Close()
	db, _ := st.DB()
	var id int64
	if err := db.QueryRowContext(context.Background(), `SELECT id FROM customer_steps WHERE release_id = ? AND customer_id = ? AND name = ?`,
		w.rel.ID, w.custs[customer], step).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestStepCommands(t *testing.T) {
	w := newWorld(t)
	health := w.stepID(t, "Bergmann", "Health")
	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
		check  func(t *testing.T)
	}{
		{"done by name", []string{"step", "done", "--release", "2026.12", "--customer", "Bergmann", "--step", "Upgrade", "--note", "CI 4711", "--actor", "jenkins"}, "", 0, "",
			func(t *testing.T) {
				if s, by, n := w.stepState(t, "Bergmann", "Upgrade"); s != "done" || by != "jenkins" || n != "CI 4711" {
					t.Errorf("Bergmann Upgrade: %s by %s (%s)", s, by, n)
				}
			}},
		{"skip by cluster and namespace, by position", []string{"step", "skip", "--release", fmt.Sprint(w.rel.ID), "--cluster", "prod-us", "--namespace", "globex", "--position", "verify:1", "--reason", "checked by the customer"}, "", 0, "",
			func(t *testing.T) {
				if s, _, n := w.stepState(t, "Globex", "Health"); s != "skipped" || n != "checked by the customer" {
					t.Errorf("Globex Health: %s (%s)", s, n)
				}
			}},
		{"done by step id", []string{"step", "done", "--release", "2026.12", "--customer", "Bergmann", "--step", fmt.Sprint(health)}, "", 0, "",
			func(t *testing.T) {
				if s, _, _ := w.stepState(t, "Bergmann", "Health"); s != "done" {
					t.Errorf("Bergmann Health by id: %s", s)
				}
			}},
		{"a step id of another customer is no step of this one", []string{"step", "done", "--release", "2026.12", "--customer", "Globex", "--step", fmt.Sprint(health)}, "", 1, fmt.Sprintf(`has no step "%d"`, health), nil},
		{"skip without a reason is refused", []string{"step", "skip", "--release", "2026.12", "--customer", "Globex", "--step", "Upgrade"}, "", 1, "A reason for skipping is required", nil},
		{"a state that does not allow it is refused", []string{"step", "revert", "--release", "2026.12", "--customer", "Globex", "--step", "Upgrade"}, "", 1, "1 is pending: mark them done first", nil},
		{"an ambiguous customer lists the candidates", []string{"step", "done", "--release", "2026.12", "--customer", "acme", "--step", "Upgrade"}, "", 1, "names 2 customers: Acme (id", nil},
		{"an unknown release", []string{"step", "done", "--release", "2099.1", "--customer", "Acme", "--step", "Upgrade"}, "", 1, `There is no release "2099.1"`, nil},
		{"an unknown step", []string{"step", "done", "--release", "2026.12", "--customer", "Acme", "--cluster", "prod-eu", "--step", "Nope"}, "", 1, `has no step "Nope"`, nil},
		{"usage: no step named", []string{"step", "done", "--release", "2026.12", "--customer", "Acme"}, "", 2, "name the step", nil},
		{"usage: bad position", []string{"step", "done", "--release", "2026.12", "--customer", "Acme", "--position", "deploy:zero"}, "", 2, "--position is deploy:N", nil},
		{"usage: unknown flag", []string{"step", "done", "--releese", "x"}, "", 2, "unknown flag", nil},
		{"many from standard input", []string{"step", "done", "--release", "2026.12", "--customers-file", "-", "--step", "Back up"}, "prod-eu/acme\n# a comment\nGlobex\n", 0, "",
			func(t *testing.T) {
				for _, c := range []string{"Acme", "Globex"} {
					if s, _, _ := w.stepState(t, c, "Back up"); s != "done" {
						t.Errorf("%s Back up: %s", c, s)
					}
				}
			}},
		{"all pending", []string{"step", "done", "--release", "2026.12", "--all-pending", "--step", "Back up"}, "", 0, "",
			func(t *testing.T) {
				for c := range w.custs {
					if s, _, _ := w.stepState(t, c, "Back up"); s != "done" {
						t.Errorf("%s Back up: %s", c, s)
					}
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := w.run(t, c.stdin, c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) {
				t.Fatalf("exit %d, want %d; stderr %q, want %q; stdout %q", code, c.code, errOut, c.stderr, out)
			}
			if c.check != nil {
				c.check(t)
			}
		})
	}
	// Every change names the command line, and its actor.
	for _, h := range w.history(t) {
		if !strings.HasSuffix(h, ":cli") {
			t.Errorf("history row %q does not say it came from the command line", h)
		}
	}
}

func TestStatusAndReleasesJSON(t *testing.T) {
	w := newWorld(t)
	if code, _, e := w.run(t, "", "step", "done", "--release", "2026.12", "--customer", "Bergmann", "--step", "Back up"); code != 0 {
		t.Fatal(e)
	}
	code, out, _ := w.run(t, "", "releases", "--json")
	var rels []release.Release
	if code != 0 || json.Unmarshal([]byte(out), &rels) != nil || len(rels) != 1 || rels[0].Progress.Done != 1 || rels[0].Progress.Total != 12 {
		t.Fatalf("releases: %d %s", code, out)
	}
	code, out, _ = w.run(t, "", "status", "--release", "2026.12", "--json")
	var d release.Detail
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || len(d.Clusters) != 2 || d.Release.Progress.Done != 1 {
		t.Fatalf("status: %d %s", code, out)
	}
	code, out, _ = w.run(t, "", "status", "--release", "2026.12", "--customer", "Bergmann", "--json")
	var cs release.CustomerSteps
	if code != 0 || json.Unmarshal([]byte(out), &cs) != nil || cs.Deploy[0].Status != release.Done || cs.Deploy[1].Rendered == nil || cs.Deploy[1].Rendered.Text != "helm upgrade -n bergmann" {
		t.Fatalf("customer status: %d %s", code, out)
	}
	code, out, _ = w.run(t, "", "status", "--release", "2026.12")
	if code != 0 || !strings.Contains(out, "Bergmann") || !strings.Contains(out, "prod-us") {
		t.Fatalf("status table: %s", out)
	}
}

// The command line never migrates: a database of another schema version is
// refused plainly and left as it was.
func TestSchemaMismatchIsRefused(t *testing.T) {
	w := newFileWorld(t)
	path := filepath.Join(w.dir, store.FileName)
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, _ := st.DB()
	if _, err := db.ExecContext(context.Background(), `INSERT INTO schema_migrations VALUES (999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, _ := os.ReadFile(path)
	code, _, errOut := w.run(t, "", "releases")
	if code != 1 || !strings.Contains(errOut, "written by a newer Shipdeck") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the database file changed")
	}
	empty := t.TempDir()
	var errb bytes.Buffer
	if code := Main([]string{"releases", "--data-dir", empty}, Env{DataDir: func(f string) (string, error) { return f, nil }, Stdout: &bytes.Buffer{}, Stderr: &errb}); code != 1 || !strings.Contains(errb.String(), "There is no Shipdeck database") {
		t.Fatalf("empty data dir: exit %d %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(empty, store.FileName)); !os.IsNotExist(err) {
		t.Fatal("the command line created a database")
	}
}

// The command line writes beside the app: its writes and the app's own
// serialise (WAL and the busy timeout), none is lost.
func TestCommandRacesTheAppsWrites(t *testing.T) {
	w := newWorld(t)
	app := w.open(t, false)
	defer app.Close()
	steps := release.NewSteps(app)
	d, err := release.NewService(app).Get(w.rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	// The app writes as an operator working fast would, with a moment
	// between two actions. Back to back with no pause at all, SQLite (which
	// has no queue for its write lock) let the app take it again before the
	// command's next try often enough that, on a loaded machine, a command
	// went 2.5 s without it and was refused as if another program held it.
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			for _, a := range []release.Action{release.ActionDone, release.ActionRevert, release.ActionDone, release.ActionRevert} {
				if _, err := steps.BulkCells(release.BulkCellsInput{ReleaseID: w.rel.ID, TemplateIDs: []int64{d.Verify[0].ID}, CustomerIDs: []int64{w.custs["Acme"], w.custs["Bergmann"]}, Action: a}); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}()
	for i := 0; i < 10; i++ {
		action := []string{"done", "revert"}[i%2]
		if code, _, e := w.run(t, "", "step", action, "--release", "2026.12", "--customer", "Globex", "--step", "Upgrade"); code != 0 {
			t.Errorf("command %d: %s", i, e)
			break
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	if s, _, _ := w.stepState(t, "Globex", "Upgrade"); s != "reverted" {
		t.Fatalf("Globex Upgrade: %s after 10 alternating commands", s)
	}
}

// TestMain lets the test binary act as the shipdeck command line for the
// process-level benchmark.
func TestMain(m *testing.M) {
	if dir := os.Getenv("SHIPDECK_CLI_CHILD"); dir != "" {
		os.Exit(Main(os.Args[1:], Env{DataDir: func(f string) (string, error) { return f, nil }, Version: "bench"}))
	}
	os.Exit(pgtest.Main(m))
}

// BenchmarkCLIStepDone is one step change from the command line, process
// start to exit: target ≤ 150 ms.
func BenchmarkCLIStepDone(b *testing.B) {
	w := newFileWorld(b)
	actions := []string{"done", "revert"}
	i := 0
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "step", actions[i%2], "--release", "2026.12", "--customer", "Globex", "--step", "Upgrade", "--data-dir", w.dir)
		cmd.Env = append(os.Environ(), "SHIPDECK_CLI_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		i++
	}
}

// The other subcommands, each checked by what it leaves behind.
func TestFileCommands(t *testing.T) {
	w := newWorld(t)
	out := t.TempDir()
	csv := filepath.Join(out, "fleet.csv")
	if err := os.WriteFile(csv, []byte("cluster,namespace,name,meta.tier\nprod-eu,initech,Initech,gold\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		file   string // a file it must have written, with this in it
		in     string
	}{
		{"version", []string{"version"}, 0, "test", "", ""},
		{"report as CSV to a file", []string{"export", "report", "--release", "2026.12", "--format", "csv", "-o", filepath.Join(out, "r.csv")}, 0, "", "r.csv", "bergmann"},
		{"one customer's report on standard output", []string{"export", "report", "--release", "2026.12", "--customer", "Globex", "--format", "markdown"}, 0, "Globex", "", ""},
		{"runbook", []string{"export", "runbook", "--release", "2026.12", "-o", filepath.Join(out, "rb.yaml")}, 0, "", "rb.yaml", "helm upgrade -n {{namespace}}"},
		{"import dry run writes nothing", []string{"import", "customers", csv, "--dry-run"}, 0, "Would create 1,", "", ""},
		{"import", []string{"import", "customers", csv}, 0, "Created 1,", "", ""},
		{"import again changes nothing", []string{"import", "customers", csv}, 0, "1 unchanged", "", ""},
		{"backup", []string{"backup", filepath.Join(out, "copy.db")}, 0, "", "copy.db", "SQLite format 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := w.run(t, "", c.args...)
			if code != c.code || !strings.Contains(stdout, c.stdout) {
				t.Fatalf("exit %d, want %d; stdout %q, want %q; stderr %q", code, c.code, stdout, c.stdout, stderr)
			}
			if c.file != "" {
				b, err := os.ReadFile(filepath.Join(out, c.file))
				if err != nil || !strings.Contains(string(b), c.in) {
					t.Fatalf("%s: %v, lacks %q", c.file, err, c.in)
				}
			}
		})
	}
}

// TestWorkspaceCopy: the data directory's workspace goes into an empty team
// database and from there into a new file, which then answers the same
// status; a second copy into either is refused with what it holds, and a
// missing --to is a usage error.
func TestWorkspaceCopy(t *testing.T) {
	w := newWorld(t)
	url := pgtest.URL(t)
	code, out, e := w.run(t, "", "workspace", "copy", "--to", url)
	if code != 0 || !strings.Contains(out, "Copied and verified:") || !strings.Contains(out, "customer_steps") {
		t.Fatalf("to PostgreSQL: %d %s %s", code, out, e)
	}
	file := filepath.Join(t.TempDir(), "copy", store.FileName)
	if code, out, e := w.run(t, "", "workspace", "copy", "--from", url, "--to", file); code != 0 || !strings.Contains(out, "into "+file) {
		t.Fatalf("back to a file: %d %s %s", code, out, e)
	}
	copyDir := world{dir: filepath.Dir(file), custs: w.custs}
	_, a, _ := w.run(t, "", "status", "--release", "2026.12", "--json")
	_, b, _ := copyDir.run(t, "", "status", "--release", "2026.12", "--json")
	if a == "" || a != b {
		t.Fatalf("status differs:\n%s\n%s", a, b)
	}
	if code, _, e := w.run(t, "", "workspace", "copy", "--to", url); code != ExitRefused || !strings.Contains(e, "not empty: it holds 2 clusters") {
		t.Fatalf("second copy to PostgreSQL: %d %s", code, e)
	}
	if code, _, e := w.run(t, "", "workspace", "copy", "--from", url, "--to", file); code != ExitRefused || !strings.Contains(e, "already exists") {
		t.Fatalf("second copy to the file: %d %s", code, e)
	}
	if code, _, e := w.run(t, "", "workspace", "copy"); code != ExitUsage || !strings.Contains(e, "--to is required") {
		t.Fatalf("no --to: %d %s", code, e)
	}
}
