package release

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"shipdeck/backend/store"
)

// Benchmarks at fleet size (issue 6): 20 clusters × 2,000 customers × 100
// templates (70 deploy, 30 verify) = 200,000 customer steps. The fleet is
// made with a few INSERT … SELECT statements for clusters and customers, and
// through the services for the release. SHIPDECK_BENCH_SCALE=0.01 shrinks
// every fleet (the CI smoke run); results at scale 1 are in
// docs/performance.md.

func benchScale() float64 {
	if s, err := strconv.ParseFloat(os.Getenv("SHIPDECK_BENCH_SCALE"), 64); err == nil && s > 0 {
		return s
	}
	return 1
}

func scaled(n int) int {
	if v := int(float64(n) * benchScale()); v > 0 {
		return v
	}
	return 1
}

// benchFleet inserts clusters × perCluster customers.
func benchFleet(b testing.TB, f *fixture, clusters, perCluster int) {
	b.Helper()
	for i := 0; i < clusters; i++ {
		cl := f.cluster(fmt.Sprintf("cluster-%02d", i))
		f.exec(`WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
			INSERT INTO customers (cluster_id, namespace, name, is_active, created_at, updated_at)
			SELECT ?, 'tenant-' || ? || '-' || x, 'Customer ' || ? || '-' || x, true, 1, 1 FROM n`, perCluster-1, cl, i, i)
	}
}

// benchTemplates is a release's 100 steps: realistic content lengths.
func benchTemplates(n int) []TemplateInput {
	out := make([]TemplateInput, n)
	for i := range out {
		cat := Deploy
		if i >= n*7/10 {
			cat = Verify
		}
		out[i] = TemplateInput{Name: fmt.Sprintf("Step %03d", i), Category: cat, Type: "bash",
			Content: fmt.Sprintf("kubectl -n \"$NS\" rollout status deploy/service-%03d --timeout=5m\nkubectl -n \"$NS\" get pods -l app=service-%03d", i, i)}
	}
	return out
}

type benchWorld struct {
	f    *fixture
	rel  Release
	d    Detail
	cust []int64
}

func newBenchWorld(b *testing.B, clusters, perCluster, templates int) *benchWorld {
	b.Helper()
	f := newFixture(b)
	benchFleet(b, f, scaled(clusters), scaled(perCluster))
	r, err := f.rel.Create(Input{Name: "bench", Type: "release", Templates: benchTemplates(templates)})
	if err != nil {
		b.Fatal(err)
	}
	if r, err = f.rel.Activate(r.ID); err != nil {
		b.Fatal(err)
	}
	// The matrix is timed as every window reads it once the VACUUM that
	// activation starts on a team database is over (Store.Settle).
	<-f.st.Settle("customer_steps")
	w := &benchWorld{f: f, rel: r}
	w.d = must[Detail](b)(f.rel.Get(r.ID))
	for _, c := range w.d.Clusters {
		for _, cu := range c.Customers {
			w.cust = append(w.cust, cu.ID)
		}
	}
	b.Logf("fleet: %d customers × %d templates = %d steps", len(w.cust), templates, r.Progress.Total)
	return w
}

func BenchmarkActivate(b *testing.B) {
	f := newFixture(b)
	benchFleet(b, f, scaled(20), scaled(100))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, err := f.rel.Create(Input{Name: fmt.Sprintf("r%d", i), Type: "release", Templates: benchTemplates(100)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := f.rel.Activate(r.ID); err != nil {
			b.Fatal(err)
		}
		// On a team database activation leaves a VACUUM running
		// (Store.Settle): over before the next activation is timed.
		b.StopTimer()
		<-f.st.Settle("customer_steps")
	}
}

// BenchmarkActivateRawSQL is the floor: the same rows by one hand-written
// INSERT … SELECT on the same schema, in one transaction, nothing else.
func BenchmarkActivateRawSQL(b *testing.B) {
	f := newFixture(b)
	benchFleet(b, f, scaled(20), scaled(100))
	db, _ := f.st.DB()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, err := f.rel.Create(Input{Name: fmt.Sprintf("r%d", i), Type: "release", Templates: benchTemplates(100)})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_steps (release_id, customer_id, template_id, name, category, type, content, order_index, status, is_custom, is_overridden, created_at, updated_at)
			SELECT t.release_id, cu.id, t.id, t.name, t.category, t.type, t.content, t.order_index, 'pending', false, false, 1, 1
			FROM customers cu JOIN step_templates t ON t.release_id = ? ORDER BY cu.id, t.category, t.order_index`, r.ID); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchMatrix(b *testing.B, w *benchWorld) {
	b.Helper()
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		m, err := w.f.steps.Matrix(w.rel.ID, 0)
		if err != nil {
			b.Fatal(err)
		}
		js, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		size = len(js)
	}
	cells := w.rel.Progress.Total
	b.ReportMetric(float64(size)/float64(cells), "bytes/cell")
}

func BenchmarkMatrix(b *testing.B) {
	benchMatrix(b, newBenchWorld(b, 20, 100, 100))
}

func BenchmarkMatrix10k(b *testing.B) {
	benchMatrix(b, newBenchWorld(b, 50, 200, 100))
}

func BenchmarkReorder(b *testing.B) {
	w := newBenchWorld(b, 20, 100, 100)
	ids := make([]int64, len(w.d.Deploy))
	for i, t := range w.d.Deploy {
		ids[i] = t.ID
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Last to first, each time: every deploy step of every customer moves.
		ids = append([]int64{ids[len(ids)-1]}, ids[:len(ids)-1]...)
		if err := w.f.rel.ReorderTemplates(ReorderInput{ReleaseID: w.rel.ID, Category: Deploy, OrderedIDs: ids}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBulkDone(b *testing.B) {
	w := newBenchWorld(b, 20, 100, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := w.d.Deploy[i%len(w.d.Deploy)]
		b.StopTimer()
		if i >= len(w.d.Deploy) { // every row done once: start over
			if _, err := w.f.steps.BulkCells(BulkCellsInput{ReleaseID: w.rel.ID, TemplateIDs: []int64{t.ID}, CustomerIDs: w.cust, Action: ActionRevert}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := w.f.steps.BulkCells(BulkCellsInput{ReleaseID: w.rel.ID, TemplateIDs: []int64{t.ID}, CustomerIDs: w.cust, Action: ActionDone})
		if err != nil || res.Changed != len(w.cust) {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

func BenchmarkTemplateEdit(b *testing.B) {
	w := newBenchWorld(b, 20, 100, 100)
	t := w.d.Deploy[5]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ch, err := w.f.rel.UpdateTemplate(UpdateTemplateInput{ID: t.ID, Name: t.Name, Type: "bash", Content: fmt.Sprintf("echo edit %d", i)})
		if err != nil || ch.Propagated != len(w.cust) {
			b.Fatalf("%+v %v", ch, err)
		}
	}
}

func BenchmarkCustomerSteps(b *testing.B) {
	w := newBenchWorld(b, 20, 100, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cs, err := w.f.steps.CustomerSteps(w.rel.ID, w.cust[i%len(w.cust)])
		if err != nil || len(cs.Deploy)+len(cs.Verify) != 100 {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatrixLargeHistory reads the newest release's matrix in a
// database that also holds 50 archived releases of the same size. The
// database is built once and cached in the temp folder by schema version.
func BenchmarkMatrixLargeHistory(b *testing.B) {
	archived := scaled(50)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("shipdeck-bench-history-v%d-s%g", store.SchemaVersion(), benchScale()))
	path := filepath.Join(dir, store.FileName)
	if _, err := os.Stat(path + ".ready"); err != nil {
		os.RemoveAll(dir)
		noErr(b, os.MkdirAll(dir, 0o700))
		build := store.New(func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) })
		if err := build.Open(context.Background(), path); err != nil {
			b.Fatal(err)
		}
		f := &fixture{t: b, st: build, rel: NewService(build), steps: NewSteps(build)}
		benchFleet(b, f, scaled(20), scaled(100))
		for i := 0; i <= archived; i++ {
			r := must[Release](b)(f.rel.Create(Input{Name: fmt.Sprintf("r%02d", i), Type: "release", Templates: benchTemplates(100)}))
			must[Release](b)(f.rel.Activate(r.ID))
			if i < archived {
				must[Release](b)(f.rel.Archive(r.ID))
			}
		}
		build.Close()
		noErr(b, os.WriteFile(path+".ready", nil, 0o600))
	}
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	f := &fixture{t: b, st: st, rel: NewService(st), steps: NewSteps(st)}
	list := must[[]Release](b)(f.rel.List())
	newest := list[0]
	if newest.Status != Active {
		b.Fatalf("newest release is %s", newest.Status)
	}
	benchMatrix(b, &benchWorld{f: f, rel: newest})
}

// BenchmarkActivityLog is the activity log's first page of a release whose
// history holds 200,000 rows (two bulk passes over 2,000 × 50 steps), with
// no filter and with a filter by customer.
func BenchmarkActivityLog(b *testing.B) {
	w := newBenchWorld(b, 20, 100, 100)
	var rows []int64
	for _, t := range w.d.Deploy {
		rows = append(rows, t.ID)
	}
	if len(rows) > 50 {
		rows = rows[:50]
	}
	for _, action := range []Action{ActionDone, ActionRevert} {
		if _, err := w.f.steps.BulkCells(BulkCellsInput{ReleaseID: w.rel.ID, TemplateIDs: rows, CustomerIDs: w.cust, Action: action}); err != nil {
			b.Fatal(err)
		}
	}
	var n int
	db, _ := w.f.st.DB()
	noErr(b, db.QueryRowContext(context.Background(), `SELECT count(*) FROM step_history WHERE release_id = ?`, w.rel.ID).Scan(&n))
	b.Logf("%d history rows", n)
	for _, c := range []struct {
		name string
		q    ActivityQuery
	}{
		{"first page", ActivityQuery{ReleaseID: w.rel.ID}},
		{"by customer", ActivityQuery{ReleaseID: w.rel.ID, CustomerID: w.cust[len(w.cust)/2]}},
		{"by kind", ActivityQuery{ReleaseID: w.rel.ID, Kinds: []Kind{KindStatus}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p, err := w.f.steps.Activity(c.q)
				if err != nil || len(p.Entries) == 0 {
					b.Fatalf("%d entries, %v", len(p.Entries), err)
				}
			}
		})
	}
}
