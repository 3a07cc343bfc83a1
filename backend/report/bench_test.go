package report

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/release"
)

// fleet is a release at fleet size, made with INSERT … SELECT for the
// clusters, customers and the record of work, and through the release
// service for the release itself.
type fleet struct {
	db      *bun.DB
	release int64
	steps   int
}

func newFleet(t testing.TB, clusters, perCluster, templates int) *fleet {
	t.Helper()
	st := testdb.Open(t)
	db, _ := st.DB()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO settings (key, value) VALUES ('operator_name', 'bench')`)
	for i := 0; i < clusters; i++ {
		exec(`INSERT INTO clusters (name, is_active, created_at, updated_at) VALUES (?, true, 1, 1)`, fmt.Sprintf("cluster-%02d", i))
		exec(`WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
			INSERT INTO customers (cluster_id, namespace, name, is_active, created_at, updated_at)
			SELECT (SELECT max(id) FROM clusters), 'tenant-' || ? || '-' || x, 'Customer ' || ? || '-' || x, true, 1, 1 FROM n`, perCluster-1, i, i)
	}
	ts := make([]release.TemplateInput, templates)
	for i := range ts {
		cat := release.Deploy
		if i >= templates*7/10 {
			cat = release.Verify
		}
		ts[i] = release.TemplateInput{Name: fmt.Sprintf("Step %03d", i), Category: cat, Type: "bash",
			Content: fmt.Sprintf("kubectl -n \"$NS\" rollout status deploy/service-%03d --timeout=5m", i)}
	}
	rs := release.NewService(st)
	r, err := rs.Create(release.Input{Name: "fleet", Type: "release", Templates: ts})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = rs.Activate(r.ID); err != nil {
		t.Fatal(err)
	}
	// Half done, some skipped with a reason, notes with commas, quotes and
	// line breaks on some, a failed run on one step in a hundred.
	exec(`UPDATE customer_steps SET status = 'done', executed_by = 'bench', executed_at = 1793606400 + id WHERE id % 2 = 0`)
	exec(`UPDATE customer_steps SET status = 'skipped', executed_by = 'bench', executed_at = 1793606400 + id,
		skip_reason = 'Not needed, says "ops"' WHERE id % 20 = 1`)
	exec(`UPDATE customer_steps SET notes = 'Checked by ' || id || ', all "green"' || ? || 'see log' WHERE id % 10 = 0`, "\n")
	exec(`INSERT INTO step_runs (step_id, release_id, customer_id, step_name, script, started_at, finished_at, exit_code, outcome, output, output_bytes, actor)
		SELECT id, release_id, customer_id, name, content, 1793606400, 1793606460, 1, 'failed', '', 0, 'bench' FROM customer_steps WHERE id % 100 = 3`)
	return &fleet{db: db, release: r.ID, steps: r.Progress.Total}
}

// BenchmarkExportCSV writes the CSV of 2,000 customers × 100 steps.
func BenchmarkExportCSV(b *testing.B) {
	f := newFleet(b, 20, 100, 100)
	b.Logf("fleet: %d steps", f.steps)
	var cw countingWriter
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cw.n = 0
		if err := Write(context.Background(), f.db, CSV, Selection{ReleaseID: f.release}, &cw, Options{Location: time.UTC}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cw.n)/float64(f.steps), "bytes/step")
	peak, err := peakHeap(func() error {
		return Write(context.Background(), f.db, CSV, Selection{ReleaseID: f.release}, io.Discard, Options{Location: time.UTC})
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// peakHeap runs fn and returns the highest live Go heap seen while it ran
// (sampled every millisecond, after a collection before the start).
func peakHeap(fn func() error) (uint64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
					peak.Store(m.HeapAlloc - base)
				}
			}
		}
	}()
	err := fn()
	close(stop)
	wg.Wait()
	return peak.Load(), err
}

// TestMemoryBounded: the heap a report needs does not grow with the number
// of steps. The same 2,000 customers with 10 and with 100 steps each (20k
// and 200k steps); every format.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("exports 200,000 steps in each format: the full run has it, the race detector's short run does not")
	}
	small := newFleet(t, 20, 100, 10)
	large := newFleet(t, 20, 100, 100)
	if small.steps != 20000 || large.steps != 200000 {
		t.Fatalf("fleets of %d and %d steps", small.steps, large.steps)
	}
	for _, format := range Formats {
		measure := func(f *fleet) uint64 {
			peak, err := peakHeap(func() error {
				return Write(context.Background(), f.db, format, Selection{ReleaseID: f.release}, io.Discard, Options{Location: time.UTC})
			})
			if err != nil {
				t.Fatal(err)
			}
			return peak
		}
		start := time.Now()
		s := measure(small)
		mid := time.Now()
		l := measure(large)
		t.Logf("%s: %v at 20k, %v at 200k", format, mid.Sub(start).Round(time.Millisecond), time.Since(mid).Round(time.Millisecond))
		t.Logf("%s: peak heap %.1f MiB at 20k steps, %.1f MiB at 200k", format, float64(s)/(1<<20), float64(l)/(1<<20))
		// Ten times the rows may not take more than half as much again
		// plus 4 MiB (garbage the collector has not reached yet).
		if l > s+s/2+4<<20 {
			t.Errorf("%s: the heap grows with the steps: %.1f MiB at 20k, %.1f MiB at 200k", format, float64(s)/(1<<20), float64(l)/(1<<20))
		}
	}
}
