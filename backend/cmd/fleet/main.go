// Command fleet fills a data directory with a realistic fleet through the
// real services, as the test bed for the UI and for timing:
//
//	go run ./backend/cmd/fleet --data-dir DIR --clusters 20 --customers 2000 --templates 100 --releases 1
//
// It makes one active release with a status mix (60% done, 10% skipped, 5%
// reverted, the rest pending), some overrides and custom steps, and
// --archived more releases of the same size, worked and archived, for
// history volume.
//
// For the UI measurements of `make perf-ui` (docs/performance.md, "UI at
// fleet scale") it also makes, in the worked release, for its first customer
// (the first column of the matrix):
//
//	--long-steps   'Step 001' overridden with a 2,000-line script and
//	               'Step 002' overridden with content at the limit (1 MiB)
//	--history N    'Step 003' with N history entries (status changes back
//	               and forth, one a few minutes apart, ending now)
//
// Those steps are left out of the random status mix, so they are pending.
// The dev build's browser bridge cannot carry a 1 MiB call, so these are
// made here, through the same services. What it made is printed and written
// to DIR/fleet.json, which perf.mjs reads.
//
// --measure times, in Go, the calls the measured pages make on an existing
// fleet (service call plus JSON encoding, no window, no bridge), to tell Go's
// share of a page's time from the bridge's and React's.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"

	"github.com/uptrace/bun"
)

func main() {
	dir := flag.String("data-dir", "", "data directory to fill (must not hold a database yet)")
	clusters := flag.Int("clusters", 20, "clusters")
	customers := flag.Int("customers", 2000, "customers, spread over the clusters")
	templates := flag.Int("templates", 100, "template steps per release (70% deploy, 30% verify)")
	releases := flag.Int("releases", 1, "active releases to make (the newest is the one worked)")
	archived := flag.Int("archived", 0, "archived releases of the same size, for history volume")
	seed := flag.Int64("seed", 1, "random seed of the status mix")
	longSteps := flag.Bool("long-steps", false, "first customer of the worked release: 'Step 001' overridden with 2,000 lines, 'Step 002' with 1 MiB")
	history := flag.Int("history", 0, "first customer of the worked release: 'Step 003' gets this many history entries")
	measure := flag.Bool("measure", false, "time the measured pages' service calls in Go on an existing fleet, then exit")
	flag.Parse()
	if *dir == "" {
		log.Fatal("--data-dir is required")
	}
	path := filepath.Join(*dir, store.FileName)
	if *measure {
		measureCalls(*dir, path)
		return
	}
	if _, err := os.Stat(path); err == nil {
		log.Fatalf("%s already exists: use an empty data directory", path)
	}
	// The store's clock: the history of --history ends now, so everything
	// before it is written that much earlier.
	var shift time.Duration
	if *history > 0 {
		shift = -time.Duration(*history+20) * historyGap
	}
	st := store.New(func() time.Time { return time.Now().Add(shift) })
	if err := st.Open(context.Background(), path); err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	f := &filler{
		st: st, clusters: cluster.NewService(st), customers: customer.NewService(st),
		releases: release.NewService(st), steps: release.NewSteps(st), rng: rand.New(rand.NewSource(*seed)),
	}
	if (*longSteps || *history > 0) && *templates < 3 {
		log.Fatal("--long-steps and --history need --templates 3 or more")
	}
	ids := f.fleet(*clusters, *customers)
	log.Printf("%d clusters, %d customers (%v)", *clusters, len(ids), time.Since(start).Round(time.Millisecond))
	for i := 0; i < *archived; i++ {
		r := f.release(fmt.Sprintf("2025.%02d", i+1), *templates)
		f.work(r, ids, false, nil)
		must(f.releases.Archive(r.ID))
		log.Printf("archived release %d/%d (%v)", i+1, *archived, time.Since(start).Round(time.Millisecond))
	}
	for i := 0; i < *releases; i++ {
		r := f.release(fmt.Sprintf("2026.%02d", 11+i), *templates)
		if i == *releases-1 {
			made := made{Release: r.ID, ReleaseName: r.Name, Customer: ids[0], CustomerName: must(f.customers.Get(ids[0])).Customer.Name}
			keep := map[int64]bool{}
			if *longSteps || *history > 0 {
				made.CustomerName, made.Steps = f.firstSteps(r.ID, ids[0])
				for _, s := range made.Steps {
					keep[s.ID] = true
				}
			}
			f.work(r, ids, true, keep)
			if *longSteps {
				f.longSteps(made.Steps["Step 001"].ID, made.Steps["Step 002"].ID)
				log.Printf("long steps made (%v)", time.Since(start).Round(time.Millisecond))
			}
			if *history > 0 {
				n := f.history(made.Steps["Step 003"].ID, *history, &shift)
				log.Printf("%d history entries made (%v)", n, time.Since(start).Round(time.Millisecond))
			}
			shift = 0
			f.report(*dir, made, *longSteps, *history)
		}
		log.Printf("active release %s: %d steps (%v)", r.Name, r.Progress.Total, time.Since(start).Round(time.Millisecond))
	}
}

// historyGap is the time between two generated history entries.
const historyGap = 3 * time.Minute

// made is what perf.mjs needs to find: DIR/fleet.json.
type made struct {
	Release      int64              `json:"release"`
	ReleaseName  string             `json:"releaseName"`
	Customer     int64              `json:"customer"`
	CustomerName string             `json:"customerName"`
	Steps        map[string]madeRef `json:"steps,omitempty"`
	// Roles: which step is which measurement (empty when not made).
	Long2000 string `json:"long2000,omitempty"`
	Long1MiB string `json:"long1MiB,omitempty"`
	History  string `json:"history,omitempty"`
}

type madeRef struct {
	ID         int64 `json:"id"`
	TemplateID int64 `json:"templateId"`
	Lines      int   `json:"lines,omitempty"`
	Bytes      int   `json:"bytes,omitempty"`
	History    int   `json:"history,omitempty"`
}

// firstSteps finds the customer's steps of templates 'Step 001' to 'Step 003'.
func (f *filler) firstSteps(releaseID, customerID int64) (string, map[string]madeRef) {
	cs := must(f.steps.CustomerSteps(releaseID, customerID))
	out := map[string]madeRef{}
	for _, s := range cs.Deploy {
		if s.TemplateID != nil && (s.Name == "Step 001" || s.Name == "Step 002" || s.Name == "Step 003") {
			out[s.Name] = madeRef{ID: s.ID, TemplateID: *s.TemplateID}
		}
	}
	if len(out) != 3 {
		log.Fatalf("customer %d has %d of the steps 'Step 001' to 'Step 003' in deploy", customerID, len(out))
	}
	return cs.Customer.Name, out
}

// Long step contents: a 2,000-line script (under the dev bridge's ~128 KB,
// so the window can still ask Go to highlight it), and a script of exactly
// validate.MaxContent bytes.
func longScript(lines int) string {
	var b strings.Builder
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&b, "kubectl -n \"$NS\" rollout status deploy/svc-%04d\n", i)
	}
	return b.String()
}

func limitScript() string {
	var b strings.Builder
	for i := 0; b.Len() < validate.MaxContent-200; i++ {
		fmt.Fprintf(&b, "psql \"$DB\" -c \"UPDATE archive SET moved = true WHERE shard = %06d\"\n", i)
	}
	pad := validate.MaxContent - b.Len() - len("# \n")
	b.WriteString("# " + strings.Repeat("=", pad) + "\n")
	return b.String()
}

func (f *filler) longSteps(id2000, id1MiB int64) {
	must(f.steps.Override(release.OverrideInput{StepID: id2000, Content: longScript(2000)}))
	s := limitScript()
	if len(s) != validate.MaxContent {
		log.Fatalf("limit script is %d bytes, want %d", len(s), validate.MaxContent)
	}
	must(f.steps.Override(release.OverrideInput{StepID: id1MiB, Content: s}))
}

// history gives one step n history entries as the panel's buttons would:
// done, reverted, done again, back to pending, skipped… each a few minutes
// after the last, the last one now. shift is the store's clock offset.
func (f *filler) history(id int64, n int, shift *time.Duration) int {
	var have int
	must(0, f.st.Read(func(ctx context.Context, db bun.IDB) error {
		return db.QueryRowContext(ctx, `SELECT count(*) FROM step_history WHERE step_id = ?`, id).Scan(&have)
	}))
	st, k, r := release.Pending, 0, 0
	must(0, f.st.Atomic(func(tx *store.Store) error {
		for i := have; i < n; i++ {
			*shift = -time.Duration(n-1-i) * historyGap
			var a release.Action
			note := ""
			// The last four changes are chosen so the step ends pending or
			// reverted: its panel then offers Mark done.
			left := n - i
			switch st {
			case release.Pending:
				if k++; (left > 4 && k%5 == 0) || left == 2 {
					a, note = release.ActionSkip, "Not needed for this tenant this time"
				} else {
					a = release.ActionDone
				}
			case release.Done:
				a, note = release.ActionRevert, "Rolled back: the error rate went up"
			case release.Reverted:
				if r++; (left > 2 && r%2 == 1) || left == 2 {
					a, note = release.ActionDone, "Done again after the fix"
				} else {
					a = release.ActionPending
				}
			case release.Skipped:
				a = release.ActionPending
			}
			res, err := release.ChangeSteps(tx, []int64{id}, a, note)
			if err != nil {
				return err
			}
			if res.Changed != 1 {
				return fmt.Errorf("history: %s from %s changed %d steps", a, st, res.Changed)
			}
			st = map[release.Action]release.Status{release.ActionDone: release.Done, release.ActionSkip: release.Skipped,
				release.ActionRevert: release.Reverted, release.ActionPending: release.Pending}[a]
		}
		return nil
	}))
	must(0, f.st.Read(func(ctx context.Context, db bun.IDB) error {
		return db.QueryRowContext(ctx, `SELECT count(*) FROM step_history WHERE step_id = ?`, id).Scan(&have)
	}))
	return have
}

// report prints what was made for the measurements and writes DIR/fleet.json.
func (f *filler) report(dir string, m made, long bool, history int) {
	if m.Steps != nil {
		if long {
			m.Long2000, m.Long1MiB = "Step 001", "Step 002"
		}
		if history > 0 {
			m.History = "Step 003"
		}
		for name, ref := range m.Steps {
			d := must(f.steps.StepDetail(ref.ID))
			ref.Bytes, ref.Lines, ref.History = len(d.Step.Content), strings.Count(strings.TrimSuffix(d.Step.Content, "\n"), "\n")+1, d.HistoryTotal
			m.Steps[name] = ref
		}
	}
	js := must(json.MarshalIndent(m, "", "  "))
	if err := os.WriteFile(filepath.Join(dir, "fleet.json"), append(js, '\n'), 0o600); err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(js))
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
// Steps in keep stay pending.
func (f *filler) work(r release.Release, customers []int64, extras bool, keep map[int64]bool) {
	var all []int64
	for _, c := range customers {
		cs := must(f.steps.CustomerSteps(r.ID, c))
		for _, s := range append(cs.Deploy, cs.Verify...) {
			if !keep[s.ID] {
				all = append(all, s.ID)
			}
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
			if s.Status == release.Pending && !s.IsOverridden && !s.IsCustom && !keep[s.ID] {
				must(f.steps.Override(release.OverrideInput{StepID: s.ID, Content: s.Content + " # tenant-specific timeout"}))
				break
			}
		}
		must(f.steps.AddCustom(release.CustomStepInput{ReleaseID: r.ID, CustomerID: c, Category: release.Deploy, Name: "Tenant-specific migration",
			Type: "sql", Content: "UPDATE settings SET value = 'x' WHERE key = 'y';", Position: f.rng.Intn(len(cs.Deploy) + 1)}))
	}
}
