package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/workspace"
)

func (c *cli) workspaceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workspace",
		Short: "Move a workspace between this computer and a team database",
	}
	var from, to string
	cp := &cobra.Command{
		Use:   "copy --to DESTINATION [--from SOURCE]",
		Short: "Copy a whole workspace into an empty one, ids kept, and verify it",
		Long: `Copies every row of a workspace into an empty one and checks the copy
(each table's rows and checksum) before it is committed. SOURCE and
DESTINATION are a PostgreSQL URL (postgres://user@host:5432/database) or
the path of a database file; SOURCE defaults to this data directory's
workspace. A destination file must not exist yet; a team database must
hold no rows. Nothing is written when anything fails. See docs/team-mode.md.`,
		Args: maxArgs(0),
		RunE: func(_ *cobra.Command, _ []string) error {
			if to == "" {
				return usage("--to is required")
			}
			ctx := context.Background()
			src, closeSrc, err := c.openWorkspace(ctx, from, false)
			if err != nil {
				return err
			}
			defer closeSrc()
			dst, closeDst, err := c.openWorkspace(ctx, to, true)
			if err != nil {
				return err
			}
			defer closeDst()
			tables, err := workspace.Copy(ctx, src, dst)
			if err != nil {
				return problem.Wrap(problem.CodeState, err, "%s", err.Error())
			}
			total := int64(0)
			for _, t := range tables {
				total += t.Rows
			}
			return c.out(map[string]any{"to": store.Redacted(to), "tables": tables, "rows": total}, func(w io.Writer) {
				fmt.Fprintln(w, "TABLE\tROWS\tSHA-256")
				for _, t := range tables {
					fmt.Fprintf(w, "%s\t%d\t%s\n", t.Name, t.Rows, t.Checksum)
				}
				fmt.Fprintf(w, "Copied and verified: %d rows in %d tables into %s.\n", total, len(tables), store.Redacted(to))
			})
		},
	}
	cp.Flags().StringVar(&to, "to", "", "destination: a PostgreSQL URL, or the path of a new database file")
	cp.Flags().StringVar(&from, "from", "", "source: a PostgreSQL URL or a database file (default: this data directory's)")
	cmd.AddCommand(cp)
	return cmd
}

// openWorkspace opens a copy's source or destination. A new file is
// created and migrated; an existing file is opened as it is (the copy
// checks its version); a team database is brought to this version.
func (c *cli) openWorkspace(ctx context.Context, where string, dest bool) (*bun.DB, func(), error) {
	switch {
	case store.IsPostgresURL(where):
		db, err := store.OpenPostgres(ctx, where)
		if err != nil {
			return nil, nil, problem.Wrap(problem.CodeState, err, "%s", err.Error())
		}
		return db, func() { _ = db.Close() }, nil
	case where == "" && !dest:
		st, err := c.open()
		if err != nil {
			return nil, nil, err
		}
		db, err := st.DB()
		return db, func() {}, err
	}
	st := store.New(nil)
	if dest {
		if fi, err := os.Stat(where); err == nil && fi.Size() > 0 {
			return nil, nil, problem.Invalid("to", "%s already exists: a copy goes into a new file.", where)
		}
		if err := st.Open(ctx, where); err != nil {
			return nil, nil, err
		}
	} else if err := st.OpenCurrent(ctx, where); err != nil {
		return nil, nil, err
	}
	db, err := st.DB()
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return db, func() { _ = st.Close() }, nil
}

// copyTeamTo copies the team database st has open into the new file dest.
func (c *cli) copyTeamTo(st *store.Store, dest string) error {
	ctx := context.Background()
	src, err := st.DB()
	if err != nil {
		return err
	}
	dst, closeDst, err := c.openWorkspace(ctx, dest, true)
	if err != nil {
		return err
	}
	defer closeDst()
	if _, err := workspace.Copy(ctx, src, dst); err != nil {
		return problem.Wrap(problem.CodeState, err, "%s", err.Error())
	}
	return nil
}
