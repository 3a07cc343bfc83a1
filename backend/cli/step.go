package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/store"
)

// stepFlags are the flags every step action takes.
type stepFlags struct {
	release, customer, cluster, namespace string
	step, position                        string
	note, reason, actor                   string
	allPending                            bool
	customersFile                         string
}

var stepActions = map[string]release.Action{
	"done": release.ActionDone, "skip": release.ActionSkip, "revert": release.ActionRevert, "pending": release.ActionPending,
}

func (c *cli) stepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "step",
		Short: "Mark a customer's step done, skipped, reverted or back to pending",
		Long: `Change a step's state, for one customer or many, through the same rules and
history as the window; the history says the change came from the command line.

Name the customer with --customer (id, name or namespace) or --cluster and
--namespace; many customers with --all-pending (every customer whose step is
pending) or --customers-file (one customer a line; "-" reads standard input).
Name the step with --step NAME or --position deploy:N / verify:N.`,
	}
	for _, name := range []string{"done", "skip", "revert", "pending"} {
		cmd.AddCommand(c.stepAction(name))
	}
	return cmd
}

func (c *cli) stepAction(name string) *cobra.Command {
	var f stepFlags
	short := map[string]string{
		"done":    "Mark the step done (a note is optional)",
		"skip":    "Skip the step (--reason is required)",
		"revert":  "Revert a done step (a reason is optional)",
		"pending": "Set a skipped or reverted step back to pending",
	}[name]
	cmd := &cobra.Command{
		Use:     name,
		Short:   short,
		Args:    noArgs,
		Example: fmt.Sprintf("  shipdeck step %s --release 2026.12 --customer acme --step \"Upgrade the Helm release\" --note \"CI job 4711\"", name),
		RunE:    func(*cobra.Command, []string) error { return c.runStep(stepActions[name], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.release, "release", "", "release id or name (required)")
	fl.StringVar(&f.customer, "customer", "", "customer id, name or namespace")
	fl.StringVar(&f.cluster, "cluster", "", "cluster id or name (with --namespace, or to narrow --customer)")
	fl.StringVar(&f.namespace, "namespace", "", "the customer's namespace (with --cluster)")
	fl.StringVar(&f.step, "step", "", "the step's name or id")
	fl.StringVar(&f.position, "position", "", "the step's place: deploy:N or verify:N")
	fl.StringVar(&f.note, "note", "", "a note for done or revert")
	fl.StringVar(&f.reason, "reason", "", "the reason of a skip (or a revert)")
	fl.StringVar(&f.actor, "actor", "", "who made the change (default: the operator name of the settings)")
	fl.BoolVar(&f.allPending, "all-pending", false, "every customer of the release whose step is pending")
	fl.StringVar(&f.customersFile, "customers-file", "", `a file of customers, one a line ("-": standard input)`)
	return cmd
}

// stepResult is what a step command prints (--json).
type stepResult struct {
	Changed   int                 `json:"changed"`
	Unchanged int                 `json:"unchanged"`
	Kept      []release.KeptSteps `json:"kept"`
	Steps     []stepRow           `json:"steps"`
}

func (c *cli) runStep(action release.Action, f stepFlags) error {
	if f.release == "" {
		return usage("--release is required")
	}
	ref, err := parseStepRef(f.step, f.position)
	if err != nil {
		return err
	}
	note := f.note
	if f.reason != "" {
		if note != "" {
			return usage("give --note or --reason, not both")
		}
		note = f.reason
	}
	many := f.allPending || f.customersFile != ""
	if many && (f.customer != "" || f.namespace != "") {
		return usage("--all-pending and --customers-file name the customers: leave out --customer and --namespace")
	}
	if f.allPending && f.customersFile != "" {
		return usage("give --all-pending or --customers-file, not both")
	}
	st, db, rel, err := c.release(f.release)
	if err != nil {
		return err
	}
	ctx := context.Background()
	customers, err := c.customers(ctx, db, rel.ID, f)
	if err != nil {
		return err
	}
	var all []stepRow
	if err := db.NewRaw(sqlCustomerSteps, rel.ID, store.IDs(customers)).Scan(ctx, &all); err != nil {
		return fmt.Errorf("read the steps: %w", err)
	}
	var steps []stepRow
	if f.allPending {
		// The customers whose step is pending: a missing step is no error.
		for _, s := range all {
			if ((ref.name != "" && s.Name == ref.name) || (ref.name == "" && s.Category == ref.category && s.Rank == ref.rank)) && s.Status == "pending" {
				steps = append(steps, s)
			}
		}
		if len(steps) == 0 {
			return problem.NotFound("No customer of %s has step %s pending.", rel.Name, ref)
		}
	} else if steps, err = stepsFor(all, ref, customers); err != nil {
		return err
	}
	ids := make([]int64, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	res, err := release.ChangeStepsBy(st, ids, action, note, release.Author{Name: f.actor, Source: release.SourceCLI})
	if err != nil {
		return err
	}
	// What each step is now.
	if err := db.NewRaw(sqlCustomerSteps, rel.ID, store.IDs(customers)).Scan(ctx, &all); err != nil {
		return fmt.Errorf("read the steps: %w", err)
	}
	now := map[int64]string{}
	for _, s := range all {
		now[s.ID] = s.Status
	}
	for i := range steps {
		steps[i].Status = now[steps[i].ID]
	}
	out := stepResult{Changed: res.Changed, Unchanged: res.Unchanged, Kept: res.Kept, Steps: steps}
	if err := c.out(out, func(w io.Writer) {
		fmt.Fprintf(w, "%d step%s changed.", res.Changed, plural(res.Changed))
		for _, k := range res.Kept {
			fmt.Fprintf(w, " %s.", upper(k.Why))
		}
		fmt.Fprintln(w)
		if len(steps) > 1 || res.Changed == 0 {
			fmt.Fprintln(w, "CUSTOMER\tCLUSTER\tSTEP\tSTATUS")
			for _, s := range steps {
				fmt.Fprintf(w, "%s\t%s\t%s:%d %s\t%s\n", s.Customer, s.Cluster, s.Category, s.Rank, s.Name, s.Status)
			}
		}
	}); err != nil {
		return err
	}
	if res.Changed == 0 {
		// Nothing changed: a refusal, with the reason already printed.
		why := "nothing changed"
		if len(res.Kept) > 0 {
			why = res.Kept[0].Why
		}
		return problem.State("%s", upper(why)+".")
	}
	return nil
}

// customers resolves the customers a step command names.
func (c *cli) customers(ctx context.Context, db bun.IDB, releaseID int64, f stepFlags) ([]int64, error) {
	switch {
	case f.allPending:
		return releaseCustomers(ctx, db, releaseID)
	case f.customersFile != "":
		r := c.env.Stdin
		if f.customersFile != "-" {
			file, err := os.Open(f.customersFile)
			if err != nil {
				return nil, problem.NotFound("%s could not be opened.", f.customersFile)
			}
			defer file.Close()
			r = file
		}
		var ids []int64
		sc := bufio.NewScanner(r)
		line := 0
		for sc.Scan() {
			line++
			ref := strings.TrimSpace(sc.Text())
			if ref == "" || strings.HasPrefix(ref, "#") {
				continue
			}
			var clusterID int64
			if cl, ns, ok := strings.Cut(ref, "/"); ok && f.cluster == "" {
				// cluster/namespace
				c2, err := findCluster(ctx, db, cl)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", line, err)
				}
				clusterID, ref = c2.ID, ns
			}
			cu, err := findCustomer(ctx, db, ref, clusterID)
			if err != nil {
				return nil, problem.Invalid("customers-file", "Line %d: %s", line, problem.For(err).Message)
			}
			ids = append(ids, cu.ID)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read the customers: %w", err)
		}
		if len(ids) == 0 {
			return nil, problem.Invalid("customers-file", "The customer list is empty.")
		}
		return ids, nil
	}
	cu, err := customerIn(ctx, db, f.customer, f.cluster, f.namespace)
	if err != nil {
		return nil, err
	}
	return []int64{cu.ID}, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
