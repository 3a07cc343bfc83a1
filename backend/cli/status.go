package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"shipdeck/backend/release"
)

// noArgs refuses positional arguments as a usage error (exit 2).
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage("unexpected argument %q", args[0])
	}
	return nil
}

// maxArgs allows at most n positional arguments.
func maxArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > n {
			return usage("unexpected argument %q", args[n])
		}
		return nil
	}
}

func (c *cli) statusCmd() *cobra.Command {
	var rel, cluster, customer string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where a release stands: per customer, or one customer's steps",
		Args:  noArgs,
		Example: `  shipdeck status --release 2026.12
  shipdeck status --release 2026.12 --cluster prod-eu
  shipdeck status --release 2026.12 --customer acme --json`,
		RunE: func(*cobra.Command, []string) error {
			st, db, r, err := c.release(rel)
			if err != nil {
				return err
			}
			ctx := context.Background()
			if customer != "" {
				cu, err := customerIn(ctx, db, customer, cluster, "")
				if err != nil {
					return err
				}
				cs, err := release.NewSteps(st).CustomerSteps(r.ID, cu.ID)
				if err != nil {
					return err
				}
				return c.out(cs, func(w io.Writer) {
					fmt.Fprintf(w, "%s · %s (%s/%s): %d%% — %d done, %d skipped, %d reverted, %d pending\n\n", cs.Release.Name, cs.Customer.Name,
						cs.Customer.ClusterName, cs.Customer.Namespace, cs.Progress.Percent, cs.Progress.Done, cs.Progress.Skipped, cs.Progress.Reverted, cs.Progress.Pending)
					fmt.Fprintln(w, "POSITION\tSTEP\tTYPE\tSTATUS\tBY\tAT")
					for _, list := range [][]release.Step{cs.Deploy, cs.Verify} {
						for i, s := range list {
							at := ""
							if s.ExecutedAt != nil {
								at = time.Unix(*s.ExecutedAt, 0).Format(time.RFC3339)
							}
							fmt.Fprintf(w, "%s:%d\t%s\t%s\t%s\t%s\t%s\n", s.Category, i+1, s.Name, s.Type, s.Status, s.ExecutedBy, at)
						}
					}
				})
			}
			d, err := release.NewService(st).Get(r.ID)
			if err != nil {
				return err
			}
			if cluster != "" {
				cl, err := findCluster(ctx, db, cluster)
				if err != nil {
					return err
				}
				kept := d.Clusters[:0]
				for _, x := range d.Clusters {
					if x.ID == cl.ID {
						kept = append(kept, x)
					}
				}
				d.Clusters = kept
			}
			return c.out(d, func(w io.Writer) {
				p := d.Release.Progress
				fmt.Fprintf(w, "%s (%s, %s): %d%% — %d done, %d skipped, %d reverted, %d pending", d.Release.Name, d.Release.Type, d.Release.Status, p.Percent, p.Done, p.Skipped, p.Reverted, p.Pending)
				if p.HeldCustomers > 0 {
					fmt.Fprintf(w, "; %d customer%s held", p.HeldCustomers, plural(p.HeldCustomers))
				}
				fmt.Fprintln(w)
				fmt.Fprintln(w)
				fmt.Fprintln(w, "CLUSTER\tCUSTOMER\tNAMESPACE\tPROGRESS\tDONE\tSKIPPED\tREVERTED\tPENDING\tHOLD")
				for _, cl := range d.Clusters {
					for _, cu := range cl.Customers {
						hold := ""
						if cu.Hold != nil {
							hold = cu.Hold.Reason
						}
						q := cu.Progress
						fmt.Fprintf(w, "%s\t%s\t%s\t%d%%\t%d\t%d\t%d\t%d\t%s\n", cl.Name, cu.Name, cu.Namespace, q.Percent, q.Done, q.Skipped, q.Reverted, q.Pending, hold)
					}
				}
			})
		},
	}
	cmd.Flags().StringVar(&rel, "release", "", "release id or name (required)")
	cmd.Flags().StringVar(&cluster, "cluster", "", "only this cluster (id or name)")
	cmd.Flags().StringVar(&customer, "customer", "", "one customer's steps (id, name or namespace)")
	return cmd
}
