package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
)

func TestGolden(t *testing.T) {
	w := sampleWorld(t)
	for _, f := range []Format{Markdown, CSV, JSON} {
		t.Run(string(f), func(t *testing.T) {
			golden(t, "sample"+f.Extension()+".golden", w.render(f, Selection{ReleaseID: w.release}))
		})
	}
}

// TestSummaryFigures checks the figures against the release package's own
// (the one progress formula), holds apart.
func TestSummaryFigures(t *testing.T) {
	w := sampleWorld(t)
	d, err := release.NewService(w.st).Get(w.release)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary struct {
			Customers int `json:"customers"`
			Progress  struct{ Total, Done, Skipped, Reverted, Pending, Percent int }
			Held      struct {
				Customers int
				Progress  struct{ Total, Done int }
			}
		}
		Clusters []struct {
			Name     string
			Progress struct{ Total, Percent int }
		}
	}
	if err := json.Unmarshal(w.render(JSON, Selection{ReleaseID: w.release}), &doc); err != nil {
		t.Fatal(err)
	}
	p := d.Release.Progress // the customers not on hold; the held ones apart
	s := doc.Summary
	if s.Customers != 12 || s.Held.Customers != 1 || s.Held.Progress.Total != 8 || s.Held.Progress.Done != 3 {
		t.Errorf("customers %d, held %+v", s.Customers, s.Held)
	}
	if s.Progress.Total != p.Total || s.Progress.Done != p.Done || s.Held.Customers != p.HeldCustomers || s.Held.Progress.Total != p.HeldSteps {
		t.Errorf("report %+v, held %+v; the app says %+v", s.Progress, s.Held, p)
	}
	// (done + skipped) / total of the customers not on hold: (51 + 1) / 89.
	if s.Progress.Total != 89 || s.Progress.Percent != 58 {
		t.Errorf("progress %+v, want 89 steps at 58%%", s.Progress)
	}
	if len(doc.Clusters) != 3 || doc.Clusters[0].Name != "prod-eu" || doc.Clusters[0].Progress.Total != 32 {
		t.Errorf("clusters %+v", doc.Clusters)
	}
}

// readCSV parses a CSV report with encoding/csv and checks its header.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || !reflect.DeepEqual(recs[0], CSVHeader) {
		t.Fatalf("header %v", recs[:min(1, len(recs))])
	}
	return recs
}

func TestCSVReadBack(t *testing.T) {
	w := sampleWorld(t)
	data := w.render(CSV, Selection{ReleaseID: w.release})
	recs := readCSV(t, data)
	if len(recs)-1 != 97 { // 12 customers × 8 steps + Globex's custom step
		t.Fatalf("%d rows, want 97", len(recs)-1)
	}
	col := map[string]int{}
	for i, h := range CSVHeader {
		col[h] = i
	}
	find := func(ns, step string) []string {
		for _, r := range recs[1:] {
			if r[col["namespace"]] == ns && r[col["step"]] == step {
				return r
			}
		}
		t.Fatalf("no row for %s / %s", ns, step)
		return nil
	}
	stark := find("stark", "Announce maintenance window")
	if stark[col["notes"]] != trickyNote || stark[col["executed_at"]] != "2026-11-02T09:00:00Z" || stark[col["status"]] != "done" {
		t.Errorf("stark row %q", stark)
	}
	if r := find("globex", "Scale down the report workers"); r[col["custom"]] != "true" || r[col["position"]] != "5" || r[col["overridden"]] != "false" {
		t.Errorf("custom row %q", r)
	}
	if r := find("globex", "Wait for the rollout"); r[col["overridden"]] != "true" || r[col["position"]] != "6" {
		t.Errorf("overridden row %q", r)
	}
	if r := find("helvetia", "Add invoice currency column"); r[col["skip_reason"]] != "Customer asked to postpone the schema change to Friday." {
		t.Errorf("skipped row %q", r)
	}
	if r := find("nordlicht", "Upgrade the Helm release"); r[col["last_run_outcome"]] != "succeeded" {
		t.Errorf("latest run of nordlicht %q", r)
	}
	if r := find("umbrella", "Back up tenant database"); r[col["last_run_outcome"]] != "timed_out" {
		t.Errorf("latest run of umbrella %q", r)
	}

	// Python's csv module reads the same rows.
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is not installed (apt-get install python3): the CSV is checked against Python's csv module")
	}
	path := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    json.dump(list(csv.reader(f)), sys.stdout, ensure_ascii=False)`, path).Output()
	if err != nil {
		t.Fatalf("python csv: %v", err)
	}
	var pyRecs [][]string
	if err := json.Unmarshal(out, &pyRecs); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pyRecs, recs) {
		t.Errorf("Python reads other rows than encoding/csv")
	}
}

// compileSchema compiles docs/export-format.schema.json, formats asserted.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("..", "..", "docs", "export-format.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, data []byte) map[string]any {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("does not match the schema: %v", err)
	}
	return inst.(map[string]any)
}

func TestJSONSchema(t *testing.T) {
	w := sampleWorld(t)
	sch := compileSchema(t)
	doc := validateJSON(t, sch, w.render(JSON, Selection{ReleaseID: w.release}))
	if doc["schema"] != Schema {
		t.Errorf("schema %v", doc["schema"])
	}
	steps := doc["steps"].([]any)
	if len(steps) != 97 {
		t.Errorf("%d steps", len(steps))
	}
	// The history is oldest first, by id.
	var last float64
	for _, h := range doc["history"].([]any) {
		id, _ := h.(map[string]any)["id"].(json.Number).Float64()
		if id <= last {
			t.Fatalf("history out of order at %v", id)
		}
		last = id
	}
	// Content is given only where it differs from the template's.
	with := 0
	for _, s := range steps {
		m := s.(map[string]any)
		if m["content"] != nil {
			with++
			if m["source"] != "custom" && m["source"] != "overridden" {
				t.Errorf("content on a %v step", m["source"])
			}
		}
	}
	if with != 2 {
		t.Errorf("%d steps with content, want the override and the custom step", with)
	}
	// A hold, a run and a note are where the schema says.
	for _, c := range doc["customers"].([]any) {
		m := c.(map[string]any)
		if (m["hold"] != nil) != (m["namespace"] == "zeller") {
			t.Errorf("hold of %v: %v", m["namespace"], m["hold"])
		}
	}

	// Every selection's JSON matches too, and an empty one.
	for _, sel := range []Selection{
		{ReleaseID: w.release, ClusterID: w.clusters["staging"]},
		{ReleaseID: w.release, CustomerIDs: []int64{w.cust["globex"], w.cust["acme"]}},
		{ReleaseID: w.release, CustomerIDs: []int64{w.cust["stark"]}},
		{ReleaseID: w.archived},
		{ReleaseID: w.id(`SELECT id FROM releases WHERE status = 'draft'`)},
	} {
		validateJSON(t, sch, w.render(JSON, sel))
	}
}

// TestJSONSchemaRejects proves the schema is not vacuous.
func TestJSONSchemaRejects(t *testing.T) {
	w := sampleWorld(t)
	sch := compileSchema(t)
	good := w.render(JSON, Selection{ReleaseID: w.release, CustomerIDs: []int64{w.cust["stark"]}})
	for name, edit := range map[string]func(string) string{
		"wrong schema": func(s string) string { return strings.Replace(s, Schema, "shipdeck.release-report/2", 1) },
		"bad timestamp": func(s string) string {
			return strings.Replace(s, `"generated_at": "2026-11-02T09:00:00Z"`, `"generated_at": "yesterday"`, 1)
		},
		"bad status":    func(s string) string { return strings.Replace(s, `"source":"template"`, `"source":"elsewhere"`, 1) },
		"missing field": func(s string) string { return strings.Replace(s, `"skip_reason":null,`, ``, 1) },
	} {
		bad := edit(string(good))
		if bad == string(good) {
			t.Fatalf("%s: the edit changed nothing", name)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

func TestSelections(t *testing.T) {
	w := sampleWorld(t)
	cases := []struct {
		name            string
		sel             Selection
		kind            string
		customers, rows int
	}{
		{"whole release", Selection{ReleaseID: w.release}, "release", 12, 97},
		{"cluster prod-eu", Selection{ReleaseID: w.release, ClusterID: w.clusters["prod-eu"]}, "cluster", 5, 40},
		{"cluster prod-us", Selection{ReleaseID: w.release, ClusterID: w.clusters["prod-us"]}, "cluster", 4, 33},
		{"customer list", Selection{ReleaseID: w.release, CustomerIDs: []int64{w.cust["globex"], w.cust["acme"], w.cust["qa"]}}, "customers", 3, 25},
		{"list within a cluster", Selection{ReleaseID: w.release, ClusterID: w.clusters["prod-us"], CustomerIDs: []int64{w.cust["globex"], w.cust["initech"]}}, "customers", 2, 17},
		{"one customer", Selection{ReleaseID: w.release, CustomerIDs: []int64{w.cust["stark"]}}, "customer", 1, 8},
		{"archived release", Selection{ReleaseID: w.archived}, "release", 1, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if k := c.sel.Kind(); k != c.kind {
				t.Errorf("kind %s, want %s", k, c.kind)
			}
			if n := len(readCSV(t, w.render(CSV, c.sel))) - 1; n != c.rows {
				t.Errorf("CSV has %d rows, want %d", n, c.rows)
			}
			var doc struct {
				Selection struct{ Kind string }
				Customers []struct{ ID int64 }
				Steps     []struct {
					CustomerID int64 `json:"customer_id"`
				}
				History []struct {
					CustomerID *int64          `json:"customer_id"`
					Detail     json.RawMessage `json:"detail"`
				}
			}
			if err := json.Unmarshal(w.render(JSON, c.sel), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Selection.Kind != c.kind || len(doc.Customers) != c.customers || len(doc.Steps) != c.rows {
				t.Errorf("JSON: kind %s, %d customers, %d steps", doc.Selection.Kind, len(doc.Customers), len(doc.Steps))
			}
			in := map[int64]bool{}
			for _, cu := range doc.Customers {
				in[cu.ID] = true
			}
			for _, h := range doc.History {
				if h.CustomerID != nil && !in[*h.CustomerID] {
					t.Errorf("history of customer %d, outside the selection", *h.CustomerID)
				}
				// The release's own events can name any customer in their
				// detail: a report of some customers leaves it out.
				if h.CustomerID == nil && c.kind != "release" && string(h.Detail) != "null" {
					t.Errorf("release event with detail %s in a report of %s", h.Detail, c.kind)
				}
			}
			sections := 0
			for _, line := range strings.Split(string(w.render(Markdown, c.sel)), "\n") {
				if strings.HasPrefix(line, "#### ") && !strings.Contains(line, " · ") {
					sections++
				}
			}
			if n := sections; n != c.customers {
				t.Errorf("Markdown has %d customer sections, want %d", n, c.customers)
			}
			page := string(w.render(HTML, c.sel))
			if n := strings.Count(page, `<div class="customer`); n != c.customers {
				t.Errorf("HTML has %d customer sections, want %d", n, c.customers)
			}
		})
	}
}

func TestSelectionRefused(t *testing.T) {
	w := sampleWorld(t)
	draft := w.id(`SELECT id FROM releases WHERE status = 'draft'`)
	cases := []struct {
		f    Format
		sel  Selection
		code problem.Code
		msg  string
	}{
		{"pdf", Selection{ReleaseID: w.release}, problem.CodeInvalid, "Report format must be one of markdown, html, csv, json (got 'pdf')."},
		{CSV, Selection{}, problem.CodeInvalid, "Release id must be a positive number (got 0)."},
		{CSV, Selection{ReleaseID: 999}, problem.CodeNotFound, "Release 999 does not exist."},
		{CSV, Selection{ReleaseID: w.release, ClusterID: -1}, problem.CodeInvalid, "Cluster id must not be negative."},
		{CSV, Selection{ReleaseID: w.release, ClusterID: 999}, problem.CodeNotFound, "Cluster 999 does not exist."},
		{CSV, Selection{ReleaseID: w.release, CustomerIDs: []int64{0}}, problem.CodeInvalid, "Customer id must be a positive number (got 0)."},
		{CSV, Selection{ReleaseID: w.release, CustomerIDs: []int64{999}}, problem.CodeNotFound, "Customer 999 does not exist."},
		{CSV, Selection{ReleaseID: w.archived, CustomerIDs: []int64{w.cust["acme"]}}, problem.CodeInvalid, "Customer 'Acme GmbH' is not part of release 'Onboard Stark Industries'."},
		{CSV, Selection{ReleaseID: w.release, ClusterID: w.clusters["staging"], CustomerIDs: []int64{w.cust["acme"]}}, problem.CodeInvalid, "Customer 'Acme GmbH' is not on the selected cluster."},
		{CSV, Selection{ReleaseID: draft, CustomerIDs: []int64{w.cust["acme"]}}, problem.CodeInvalid, "Customer 'Acme GmbH' is not part of release 'Hotfix 2026.11.1'."},
	}
	for _, c := range cases {
		var b bytes.Buffer
		err := Write(context.Background(), w.db, c.f, c.sel, &b, w.options())
		pe := problem.For(err)
		if pe == nil || pe.Code != c.code || pe.Message != c.msg {
			t.Errorf("%s %+v: got %v, want %s %q", c.f, c.sel, err, c.code, c.msg)
		}
		if b.Len() != 0 {
			t.Errorf("%+v: wrote %d bytes before refusing", c.sel, b.Len())
		}
	}
}

// TestProgressAndCancel runs on a fleet large enough for several progress
// calls: they climb to done == total, and cancelling from one stops the
// report with context.Canceled.
func TestProgressAndCancel(t *testing.T) {
	f := newFleet(t, 3, 40, 50) // 6,000 steps
	for _, format := range Formats {
		var calls [][2]int
		opt := Options{Location: time.UTC, Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}
		if err := Write(context.Background(), f.db, format, Selection{ReleaseID: f.release}, &bytes.Buffer{}, opt); err != nil {
			t.Fatal(err)
		}
		if len(calls) < 3 {
			t.Fatalf("%s: progress called %d times", format, len(calls))
		}
		for i, c := range calls {
			if c[1] != 6000 || (i > 0 && c[0] < calls[i-1][0]) {
				t.Fatalf("%s: progress calls %v", format, calls)
			}
		}
		if last := calls[len(calls)-1]; last[0] != last[1] {
			t.Errorf("%s: last progress %v", format, last)
		}

		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		opt.Progress = func(done, total int) {
			if done > 0 {
				cancel()
			}
		}
		err := Write(ctx, f.db, format, Selection{ReleaseID: f.release}, &out, opt)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled report returned %v", format, err)
		}
	}
	// The cancelled reports gave their connection back out of any
	// transaction: a write goes through at once.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := f.db.ExecContext(ctx, `UPDATE customer_steps SET notes = 'after' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
}

// TestSnapshot: a report read from the pool sees one state even while a
// writer changes steps between its queries; inside a caller's transaction
// it reads through that transaction.
func TestSnapshot(t *testing.T) {
	w := sampleWorld(t)
	flipped := false
	opt := w.options()
	opt.Progress = func(done, total int) {
		if flipped {
			return
		}
		flipped = true
		// After the summary was read: mark every pending step done.
		if _, err := w.db.ExecContext(context.Background(), `UPDATE customer_steps SET status = 'done' WHERE status = 'pending'`); err != nil {
			t.Error(err)
		}
	}
	var b bytes.Buffer
	if err := Write(context.Background(), w.db, CSV, Selection{ReleaseID: w.release}, &b, opt); err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, r := range readCSV(t, b.Bytes())[1:] {
		if r[7] == "pending" {
			pending++
		}
	}
	if pending != 41 { // 36 counted + 5 of the held customer
		t.Errorf("%d pending rows: the report saw a write made while it ran", pending)
	}

	err := w.db.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		var b bytes.Buffer
		if err := Write(ctx, tx, CSV, Selection{ReleaseID: w.release}, &b, w.options()); err != nil {
			return err
		}
		if strings.Contains(b.String(), ",pending,") {
			t.Error("a report inside the transaction does not see its writes")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A release archived with customers on hold keeps them in its record: the
// report of the archived release lists them with their reason.
func TestArchivedReleaseReportListsItsHolds(t *testing.T) {
	w := sampleWorld(t)
	before := string(w.render(Markdown, Selection{ReleaseID: w.release}))
	if !strings.Contains(before, "### On hold") {
		t.Fatal("the sample world has no customer on hold")
	}
	if _, err := release.NewService(w.st).Archive(w.release); err != nil {
		t.Fatal(err)
	}
	md := string(w.render(Markdown, Selection{ReleaseID: w.release}))
	held := md[strings.Index(md, "### On hold"):]
	held = held[:strings.Index(held[4:], "\n#")+4]
	if !strings.Contains(md, "| Status | archived |") || !strings.Contains(held, "Zeller Logistik") {
		t.Fatalf("archived report:\n%s", held)
	}
}
