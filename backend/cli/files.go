package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"shipdeck/backend/backup"
	"shipdeck/backend/customer"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/report"
	"shipdeck/backend/runbook"
	"shipdeck/backend/store"
)

func (c *cli) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup [FILE]",
		Short: "Write a consistent copy of the database (default: backups/ in the data directory)",
		Args:  maxArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			st, err := c.open()
			if err != nil {
				return err
			}
			dir := filepath.Dir(st.Path())
			if st.Team() != "" {
				if dir, err = c.env.DataDir(c.dataDir); err != nil {
					return problem.Invalid("data-dir", "Data directory: %s", err.Error())
				}
			}
			dest := filepath.Join(dir, store.BackupsDir, "shipdeck-"+time.Now().Format("20060102-150405")+"-cli.db")
			if len(args) == 1 {
				dest = args[0]
			}
			if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
				return problem.Wrap(problem.CodeState, err, "%s cannot be created.", filepath.Dir(dest))
			}
			if st.Team() != "" {
				// A team database's backup is a workspace file: the
				// same copy as workspace copy --to FILE, verified.
				if err := c.copyTeamTo(st, dest); err != nil {
					return err
				}
			} else if err := backup.To(context.Background(), st, dest); err != nil {
				return err
			}
			return c.out(map[string]string{"path": dest}, func(w io.Writer) { fmt.Fprintf(w, "Backed up to %s\n", dest) })
		},
	}
}

func (c *cli) exportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "export", Short: "Export a release's report or its runbook"}
	var rel, format, cluster, cust, output string
	rep := &cobra.Command{
		Use:   "report",
		Short: "Write a release report: markdown, html, csv or json",
		Args:  noArgs,
		Example: `  shipdeck export report --release 2026.12 --format csv -o 2026.12.csv
  shipdeck export report --release 2026.12 --customer acme --format markdown`,
		RunE: func(*cobra.Command, []string) error {
			_, db, r, err := c.release(rel)
			if err != nil {
				return err
			}
			ctx := context.Background()
			sel := report.Selection{ReleaseID: r.ID}
			if cluster != "" {
				cl, err := findCluster(ctx, db, cluster)
				if err != nil {
					return err
				}
				sel.ClusterID = cl.ID
			}
			if cust != "" {
				cu, err := customerIn(ctx, db, cust, cluster, "")
				if err != nil {
					return err
				}
				sel.CustomerIDs = []int64{cu.ID}
			}
			return c.writeTo(output, func(w io.Writer) error { return report.Write(ctx, db, report.Format(format), sel, w, report.Options{}) })
		},
	}
	rep.Flags().StringVar(&rel, "release", "", "release id or name (required)")
	rep.Flags().StringVar(&format, "format", "markdown", "markdown, html, csv or json")
	rep.Flags().StringVar(&cluster, "cluster", "", "only this cluster")
	rep.Flags().StringVar(&cust, "customer", "", "only this customer")
	rep.Flags().StringVarP(&output, "output", "o", "", "file to write (default: standard output)")

	var rbRel, rbOut string
	rb := &cobra.Command{
		Use:   "runbook",
		Short: "Write a release's templates as a runbook file (YAML)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			st, _, r, err := c.release(rbRel)
			if err != nil {
				return err
			}
			d, err := release.NewService(st).Get(r.ID)
			if err != nil {
				return err
			}
			steps := func(ts []release.Template) []runbook.Step {
				out := make([]runbook.Step, len(ts))
				for i, t := range ts {
					out[i] = runbook.Step{Name: t.Name, Type: string(t.Type), Content: t.Content, Description: t.Description}
				}
				return out
			}
			return c.writeTo(rbOut, func(w io.Writer) error { return runbook.Write(w, d.Release.Name, steps(d.Deploy), steps(d.Verify)) })
		},
	}
	rb.Flags().StringVar(&rbRel, "release", "", "release id or name (required)")
	rb.Flags().StringVarP(&rbOut, "output", "o", "", "file to write (default: standard output)")
	cmd.AddCommand(rep, rb)
	return cmd
}

// writeTo writes to standard output, or to a file that appears only whole.
func (c *cli) writeTo(path string, fill func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fill(c.env.Stdout)
	}
	f, err := os.CreateTemp(filepath.Dir(path), store.PartialPrefix+"export-*")
	if err != nil {
		return problem.Wrap(problem.CodeState, err, "Cannot write in %s.", filepath.Dir(path))
	}
	err = fill(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name()) // a partial file is worthless
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (c *cli) importCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "import", Short: "Import customers from a fleet CSV"}
	var createClusters, update, dryRun bool
	cus := &cobra.Command{
		Use:   "customers FILE",
		Short: "Import customers from a CSV file (cluster, namespace, name, description, meta.KEY…); all or nothing",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("give the CSV file (\"-\" reads standard input)")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			r := c.env.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return problem.NotFound("%s could not be opened.", args[0])
				}
				defer f.Close()
				r = f
			}
			data, err := io.ReadAll(io.LimitReader(r, 64<<20))
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			st, err := c.open()
			if err != nil {
				return err
			}
			svc := customer.NewService(st)
			in := customer.ImportInput{CSV: string(data), CreateClusters: createClusters, Update: update}
			pv, err := svc.ImportPreview(in)
			if err != nil {
				return err
			}
			if len(pv.Problems) > 0 {
				_ = c.out(pv, func(w io.Writer) {
					fmt.Fprintln(w, "LINE\tCOLUMN\tPROBLEM")
					for _, p := range pv.Problems {
						fmt.Fprintf(w, "%d\t%s\t%s\n", p.Line, p.Column, p.Message)
					}
				})
				return problem.Invalid("csv", "The file has %d problem%s: nothing was imported.", len(pv.Problems), plural(len(pv.Problems)))
			}
			if dryRun {
				return c.out(pv, func(w io.Writer) {
					fmt.Fprintf(w, "Would create %d, update %d, leave %d unchanged.\n", pv.Create, pv.Update, pv.Unchanged)
				})
			}
			res, err := svc.Import(in)
			if err != nil {
				return err
			}
			return c.out(res, func(w io.Writer) {
				fmt.Fprintf(w, "Created %d, updated %d, %d unchanged.", res.Created, res.Updated, res.Unchanged)
				if len(res.ClustersCreated) > 0 {
					fmt.Fprintf(w, " New clusters: %v.", res.ClustersCreated)
				}
				fmt.Fprintln(w)
			})
		},
	}
	cus.Flags().BoolVar(&createClusters, "create-clusters", false, "create the clusters the file names that do not exist")
	cus.Flags().BoolVar(&update, "update", false, "rows for existing namespaces change those customers")
	cus.Flags().BoolVar(&dryRun, "dry-run", false, "say what would happen, write nothing")
	cmd.AddCommand(cus)
	return cmd
}
