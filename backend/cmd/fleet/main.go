// Command fleet fills a data directory with a realistic fleet through the
// real services, as the test bed for the UI and for timing:
//
//	go run ./backend/cmd/fleet --data-dir DIR --clusters 20 --customers 2000 --templates 100 --releases 1
//
// It makes one active release with a status mix (60% done, 10% skipped, 5%
// reverted, the rest pending), some overrides and custom steps, and
// --archived more releases of the same size, worked and archived, for
// history volume.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

func main() {
	dir := flag.String("data-dir", "", "data directory to fill (must not hold a database yet)")
	clusters := flag.Int("clusters", 20, "clusters")
	customers := flag.Int("customers", 2000, "customers, spread over the clusters")
	templates := flag.Int("templates", 100, "template steps per release (70% deploy, 30% verify)")
	releases := flag.Int("releases", 1, "active releases to make (the newest is the one worked)")
	archived := flag.Int("archived", 0, "archived releases of the same size, for history volume")
	seed := flag.Int64("seed", 1, "random seed of the status mix")
	flag.Parse()
	if *dir == "" {
		log.Fatal("--data-dir is required")
	}
	path := filepath.Join(*dir, store.FileName)
	if _, err := os.Stat(path); err == nil {
		log.Fatalf("%s already exists: use an empty data directory", path)
	}
	st := store.New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	f := &filler{
		st: st, clusters: cluster.NewService(st), customers: customer.NewService(st),
		releases: release.NewService(st), steps: release.NewSteps(st), rng: rand.New(rand.NewSource(*seed)),
	}
	ids := f.fleet(*clusters, *customers)
	log.Printf("%d clusters, %d customers (%v)", *clusters, len(ids), time.Since(start).Round(time.Millisecond))
	for i := 0; i < *archived; i++ {
		r := f.release(fmt.Sprintf("2025.%02d", i+1), *templates)
		f.work(r, ids, false)
		must(f.releases.Archive(r.ID))
		log.Printf("archived release %d/%d (%v)", i+1, *archived, time.Since(start).Round(time.Millisecond))
	}
	for i := 0; i < *releases; i++ {
		r := f.release(fmt.Sprintf("2026.%02d", 11+i), *templates)
		if i == *releases-1 {
			f.work(r, ids, true)
		}
		log.Printf("active release %s: %d steps (%v)", r.Name, r.Progress.Total, time.Since(start).Round(time.Millisecond))
	}
}

type filler struct {
	st        *store.Store
	clusters  *cluster.Service
	customers *customer.Service
	releases  *release.Service
	steps     *release.Steps
	rng       *rand.Rand
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func (f *filler) fleet(clusters, customers int) []int64 {
	var ids []int64
	for c := 0; c < clusters; c++ {
		cl := must(f.clusters.Create(cluster.Input{Name: fmt.Sprintf("prod-%02d", c), Description: fmt.Sprintf("Region %d", c)}))
		for i := c; i < customers; i += clusters {
			cu := must(f.customers.Create(customer.Input{ClusterID: cl.ID, Namespace: fmt.Sprintf("tenant-%05d", i), Name: fmt.Sprintf("Customer %05d", i)}))
			ids = append(ids, cu.ID)
		}
	}
	return ids
}

func (f *filler) release(name string, templates int) release.Release {
	ts := make([]release.TemplateInput, templates)
	for i := range ts {
		cat, typ := release.Deploy, []release.StepType{release.Bash, release.Bash, release.SQL, release.Text}[i%4]
		if i >= templates*7/10 {
			cat = release.Verify
		}
		ts[i] = release.TemplateInput{Name: fmt.Sprintf("Step %03d", i+1), Category: cat, Type: typ,
			Content: fmt.Sprintf("kubectl -n \"$NS\" rollout status deploy/service-%03d --timeout=5m", i)}
	}
	r := must(f.releases.Create(release.Input{Name: name, Type: "release", VersionNumber: name + ".0", Templates: ts}))
	return must(f.releases.Activate(r.ID))
}

// work gives a release the status mix, with bulk calls of the service:
// 60% done, 10% skipped, 5% reverted (done, then reverted), 25% pending.
func (f *filler) work(r release.Release, customers []int64, extras bool) {
	var all []int64
	for _, c := range customers {
		cs := must(f.steps.CustomerSteps(r.ID, c))
		for _, s := range append(cs.Deploy, cs.Verify...) {
			all = append(all, s.ID)
		}
	}
	f.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	n := len(all)
	done, skip, revert := all[:n*65/100], all[n*65/100:n*75/100], all[:n*5/100]
	must(release.ChangeSteps(f.st, done, release.ActionDone, ""))
	must(release.ChangeSteps(f.st, skip, release.ActionSkip, "Not needed for this tenant"))
	must(release.ChangeSteps(f.st, revert, release.ActionRevert, "Rolled back"))
	if !extras {
		return
	}
	for i := 0; i < len(customers)/40+1; i++ {
		c := customers[f.rng.Intn(len(customers))]
		cs := must(f.steps.CustomerSteps(r.ID, c))
		for _, s := range cs.Deploy {
			if s.Status == release.Pending && !s.IsOverridden {
				must(f.steps.Override(release.OverrideInput{StepID: s.ID, Content: s.Content + " # tenant-specific timeout"}))
				break
			}
		}
		must(f.steps.AddCustom(release.CustomStepInput{ReleaseID: r.ID, CustomerID: c, Category: release.Deploy, Name: "Tenant-specific migration",
			Type: "sql", Content: "UPDATE settings SET value = 'x' WHERE key = 'y';", Position: f.rng.Intn(len(cs.Deploy) + 1)}))
	}
}
