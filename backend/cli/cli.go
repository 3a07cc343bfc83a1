// Package cli is Shipdeck's command line (docs/cli.md): the same binary
// with a subcommand, for scripts and CI jobs that report back to the
// record. It opens the database beside a running app (never migrating it,
// never taking the window's lock) and makes every change through the same
// Go paths as the window, recorded as coming from the command line.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/uptrace/bun"

	"github.com/spf13/cobra"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
)

// Exit codes (docs/cli.md).
const (
	ExitOK      = 0 // done
	ExitRefused = 1 // refused: the reason is on standard error
	ExitUsage   = 2 // the command line itself is wrong
)

// Commands are the subcommands: a first argument among them runs the
// command line instead of the window.
var Commands = []string{"releases", "status", "step", "export", "import", "backup", "workspace", "version", "help", "completion"}

// IsCommand tells whether args start with a subcommand (or asks for help).
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, c := range Commands {
		if args[0] == c {
			return true
		}
	}
	return args[0] == "--help" || args[0] == "-h"
}

// Env is what the command line gets from the app's package.
type Env struct {
	// DataDir resolves --data-dir (or "") as the app does, with
	// SHIPDECK_DATA_DIR and the OS default.
	DataDir func(flag string) (string, error)
	Version string
	// Getenv reads the environment (nil: the process's): the team
	// database's address may come from SHIPDECK_DATABASE_URL.
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// usageError marks a mistake in the command line itself (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Main runs the command line and returns its exit code.
func Main(args []string, env Env) int {
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	c := &cli{env: env}
	root := c.root()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.Execute()
	if c.st != nil {
		_ = c.st.Close() // the app checkpoints; nothing is lost either way
	}
	if err == nil {
		return ExitOK
	}
	var ue usageError
	// cobra's own refusal of an unknown subcommand is a usage error too.
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintf(env.Stderr, "shipdeck: %s\nRun 'shipdeck %s --help' for usage.\n", err.Error(), commandOf(args))
		return ExitUsage
	}
	msg := err.Error()
	var oe *store.OpenError
	if errors.As(err, &oe) {
		msg = oe.Message
	} else if pe := problem.For(err); pe != nil {
		msg = pe.Message
	}
	fmt.Fprintf(env.Stderr, "shipdeck: %s\n", msg)
	return ExitRefused
}

func commandOf(args []string) string {
	var out []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		out = append(out, a)
		if len(out) == 2 {
			break
		}
	}
	return strings.Join(out, " ")
}

type cli struct {
	env      Env
	dataDir  string
	database string
	json     bool
	st       *store.Store
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "shipdeck",
		Short: "Shipdeck's command line: report steps back to the record from scripts and CI",
		Long: `Shipdeck's command line. Without a subcommand, shipdeck opens the window.

Exit codes: 0 done, 1 refused (the reason is on standard error), 2 usage.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&c.dataDir, "data-dir", "", "directory of shipdeck.db (default: SHIPDECK_DATA_DIR, else the app's default)")
	root.PersistentFlags().StringVar(&c.database, "database", "", "a team database's URL, postgres://user@host:5432/name (default: "+store.EnvDatabaseURL+", else the file in the data directory); the password from PGPASSWORD or ~/.pgpass")
	root.PersistentFlags().BoolVar(&c.json, "json", false, "print JSON (shapes in docs/cli.md)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage("%s", err.Error()) })
	root.AddCommand(c.versionCmd(), c.releasesCmd(), c.statusCmd(), c.stepCmd(), c.backupCmd(), c.exportCmd(), c.importCmd(), c.workspaceCmd())
	return root
}

// databaseURL is the team database the command works on ("" for the file).
func (c *cli) databaseURL() string {
	if c.database != "" {
		return c.database
	}
	getenv := c.env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	return getenv(store.EnvDatabaseURL)
}

// open opens the database beside the app (no migration, no window lock),
// or the team database --database or SHIPDECK_DATABASE_URL names.
func (c *cli) open() (*store.Store, error) {
	if c.st != nil {
		return c.st, nil
	}
	if url := c.databaseURL(); url != "" {
		if !store.IsPostgresURL(url) {
			return nil, problem.Invalid("database", "--database takes a team database's URL (postgres://user@host:5432/name), not %q.", store.Redacted(url))
		}
		st := store.New(nil)
		if err := st.OpenTeam(context.Background(), url); err != nil {
			return nil, problem.Wrap(problem.CodeState, err, "%s", err.Error())
		}
		// The shared settings' name is another operator's: the command
		// writes as the account running it (or --actor), listed among the
		// operators.
		if err := st.SignIn(settings.OSUserName()); err != nil {
			_ = st.Close()
			return nil, err
		}
		c.st = st
		return st, nil
	}
	dir, err := c.env.DataDir(c.dataDir)
	if err != nil {
		return nil, problem.Invalid("data-dir", "Data directory: %s", err.Error())
	}
	st := store.New(nil)
	if err := st.OpenCurrent(context.Background(), filepath.Join(dir, store.FileName)); err != nil {
		return nil, err
	}
	c.st = st
	return st, nil
}

// release opens the database and finds the release --release names: how
// status, step and the exports begin.
func (c *cli) release(ref string) (*store.Store, *bun.DB, candidate, error) {
	if ref == "" {
		return nil, nil, candidate{}, usage("--release is required")
	}
	st, err := c.open()
	if err != nil {
		return nil, nil, candidate{}, err
	}
	db, err := st.DB()
	if err != nil {
		return nil, nil, candidate{}, err
	}
	r, err := findRelease(context.Background(), db, ref)
	return st, db, r, err
}

// out prints v as JSON with --json, else calls text.
func (c *cli) out(v any, text func(w io.Writer)) error {
	if c.json {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	text(tw)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return c.out(map[string]any{"version": c.env.Version, "schema": store.SchemaVersion()}, func(w io.Writer) {
				fmt.Fprintf(w, "shipdeck %s (database schema %d)\n", c.env.Version, store.SchemaVersion())
			})
		},
	}
}

func (c *cli) releasesCmd() *cobra.Command {
	all := false
	cmd := &cobra.Command{
		Use:   "releases",
		Short: "List releases with their progress",
		Long:  "List the draft and active releases (--all: the archived ones too), newest first.",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			st, err := c.open()
			if err != nil {
				return err
			}
			list, err := release.NewService(st).List()
			if err != nil {
				return err
			}
			shown := []release.Release{}
			for _, r := range list {
				if all || r.Status != release.Archived {
					shown = append(shown, r)
				}
			}
			return c.out(shown, func(w io.Writer) {
				fmt.Fprintln(w, "ID\tNAME\tTYPE\tSTATUS\tPROGRESS\tCUSTOMERS\tPENDING")
				for _, r := range shown {
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d%%\t%d\t%d\n", r.ID, r.Name, r.Type, r.Status, r.Progress.Percent, r.CustomerCount, r.Progress.Pending)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "include archived releases")
	return cmd
}
