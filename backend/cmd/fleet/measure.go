package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/dashboard"
	"shipdeck/backend/highlight"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// measureCalls times, in Go, the service calls behind the pages perf.mjs
// measures: the call and the JSON encoding the bridge does, without the
// bridge or the window. Each call runs once to warm the page cache, then
// five times; it prints the median and range.
func measureCalls(dir, path string) {
	if _, err := os.Stat(path); err != nil {
		log.Fatalf("no fleet in %s: %v", dir, err)
	}
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	rels, cls, cus, steps := release.NewService(st), cluster.NewService(st), customer.NewService(st), release.NewSteps(st)
	var m made
	if b, err := os.ReadFile(filepath.Join(dir, "fleet.json")); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			log.Fatal(err)
		}
	} else {
		for _, r := range must(rels.List()) {
			if r.Status == release.Active && r.ID > m.Release {
				m.Release = r.ID
			}
		}
	}
	clusters := must(cls.List(true))
	biggest := clusters[0]
	for _, c := range clusters {
		if c.CustomerCount > biggest.CustomerCount {
			biggest = c
		}
	}
	type call struct {
		what string
		fn   func() any
	}
	dash := dashboard.NewService(st)
	calls := []call{
		{"dashboard.Service.Overview (sidebar, every page load)", func() any { return must(dash.Overview()) }},
		{"release.Service.List (releases page)", func() any { return must(rels.List()) }},
		{"release.Service.Get (release page header)", func() any { return must(rels.Get(m.Release)) }},
		{"release.Steps.Matrix (release page)", func() any { return must(steps.Matrix(m.Release, 0)) }},
		{"customer.Service.List (customers page)", func() any { return must(cus.List(customer.ListFilter{})) }},
		{"cluster.Service.List (customers page filter)", func() any { return must(cls.List(true)) }},
		{fmt.Sprintf("cluster.Service.Get (cluster page, %d customers)", biggest.CustomerCount), func() any { return must(cls.Get(biggest.ID)) }},
	}
	for _, role := range []struct{ label, name string }{{"2,000 lines", m.Long2000}, {"1 MiB", m.Long1MiB}, {"history", m.History}} {
		if role.name == "" {
			continue
		}
		ref := m.Steps[role.name]
		calls = append(calls, call{fmt.Sprintf("release.Steps.StepDetailAt (%s: %s)", role.label, role.name), func() any {
			return must(steps.StepDetailAt(m.Release, ref.TemplateID, m.Customer))
		}})
		if role.name == m.Long2000 {
			content := must(steps.StepDetail(ref.ID)).Step.Content
			calls = append(calls, call{"highlight.Service.Highlight (2,000 lines)", func() any {
				return must(highlight.NewService().Highlight(highlight.Request{Type: "bash", Content: content}))
			}})
		}
	}
	fmt.Printf("Go side of the measured pages' calls, %s (call + JSON encoding; median of 5 after one warm-up)\n", dir)
	fmt.Printf("%-62s %10s %18s %12s\n", "call", "median ms", "range ms", "JSON bytes")
	for _, c := range calls {
		var size int
		var ms []float64
		for i := 0; i < 6; i++ {
			t0 := time.Now()
			js := must(json.Marshal(c.fn()))
			d := float64(time.Since(t0).Microseconds()) / 1000
			size = len(js)
			if i > 0 {
				ms = append(ms, d)
			}
		}
		slices.Sort(ms)
		fmt.Printf("%-62s %10.1f %18s %12d\n", c.what, ms[len(ms)/2], fmt.Sprintf("%.1f–%.1f", ms[0], ms[len(ms)-1]), size)
	}
}
