package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/zalando/go-keyring"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// A workspace is the record the window works on: the database file in the
// data directory ("This computer", the default), or a team database on a
// PostgreSQL server (docs/team-mode.md). Which one opens is, in order:
// --database, SHIPDECK_DATABASE_URL, then the choice saved from Settings →
// Workspace in the data directory's workspace.json. The team database's
// password is never written there: it is kept in the OS keychain, under
// the address without it.

// WorkspaceFileName is the data directory's note of the workspace chosen.
const WorkspaceFileName = "workspace.json"

// keychainService names Shipdeck's entries in the OS keychain.
const keychainService = "Shipdeck team database"

type workspaceChoice struct {
	// Team is the team database's URL without its password ("" for the
	// file).
	Team string `json:"team,omitempty"`
	// Operator is this person's name on team databases (asked on first
	// connect; the file keeps its own in its settings).
	Operator string `json:"operator,omitempty"`
}

func loadWorkspaceChoice(dir string) workspaceChoice {
	var c workspaceChoice
	b, err := os.ReadFile(filepath.Join(dir, WorkspaceFileName))
	if err == nil {
		if err := json.Unmarshal(b, &c); err != nil {
			slog.Warn("workspace.json is not readable: opening this computer's workspace", "err", err)
			return workspaceChoice{}
		}
	}
	return c
}

func saveWorkspaceChoice(dir string, c workspaceChoice) error {
	b, _ := json.MarshalIndent(c, "", "  ")
	tmp := filepath.Join(dir, WorkspaceFileName+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save the workspace choice: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, WorkspaceFileName)); err != nil {
		return fmt.Errorf("save the workspace choice: %w", err)
	}
	return nil
}

// teamURL is the team database the window opens ("" for the file), with
// the password from the keychain when the address has none.
func (s *Shell) teamURL() string {
	url := s.cfg.Database
	if url == "" {
		url = loadWorkspaceChoice(s.cfg.DataDir).Team
	}
	if url == "" {
		return ""
	}
	u, err := neturl.Parse(url)
	if err != nil || u.User == nil {
		return url
	}
	if _, has := u.User.Password(); has {
		return url
	}
	pw, err := keyring.Get(keychainService, keychainAccount(url))
	if err != nil {
		// No password kept: PGPASSWORD, ~/.pgpass or trust may do.
		return url
	}
	u.User = neturl.UserPassword(u.User.Username(), pw)
	return u.String()
}

// keychainAccount is the keychain entry's name for a team database: its
// address without a password.
func keychainAccount(url string) string {
	u, err := neturl.Parse(url)
	if err != nil {
		return url
	}
	if u.User != nil {
		u.User = neturl.User(u.User.Username())
	}
	return u.String()
}

// TeamInput is what Settings → Workspace connects with.
type TeamInput struct {
	URL      string `json:"url"`
	Password string `json:"password"`
	// Operator is the name the other operators see on this person's
	// changes: asked on first connect.
	Operator string `json:"operator"`
}

// ConnectTeam connects the window to a team database: the connection is
// tried first (and the schema brought to this version), then the choice
// is saved and the password kept in the keychain, and the window's
// workspace is switched. A failure changes nothing and says why.
func (s *System) ConnectTeam(in TeamInput) (st Status, err error) {
	defer problem.Recover(&err)
	if err := s.shell.canSwitch(); err != nil {
		return st, err
	}
	url := strings.TrimSpace(in.URL)
	if !store.IsPostgresURL(url) {
		return st, problem.Invalid("url", "Enter the team database's address as a PostgreSQL URL: postgres://user@host:5432/database.")
	}
	u, perr := neturl.Parse(url)
	if perr != nil || u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return st, problem.Invalid("url", "The address needs a server and a database: postgres://user@host:5432/database.")
	}
	if _, has := u.User.Password(); has {
		return st, problem.Invalid("url", "Leave the password out of the address: enter it in the password field, and Shipdeck keeps it in the system's keychain.")
	}
	operator, err := validate.Name("operator", "Your name", in.Operator)
	if err != nil {
		return st, err
	}
	full := url
	if in.Password != "" {
		u.User = neturl.UserPassword(u.User.Username(), in.Password)
		full = u.String()
	}
	// Try before switching: the workspace open now stays open if this fails.
	db, err := store.OpenPostgres(context.Background(), full)
	if err != nil {
		return st, problem.Wrap(problem.CodeState, err, "%s", err.Error())
	}
	_ = db.Close()
	if in.Password != "" {
		if err := keyring.Set(keychainService, keychainAccount(url), in.Password); err != nil {
			return st, problem.Wrap(problem.CodeState, err, "The system's keychain could not keep the password (%s), so nothing was changed. Leave the password empty and give it through PGPASSWORD or ~/.pgpass instead.", keychainError(err))
		}
	}
	if err := saveWorkspaceChoice(s.shell.cfg.DataDir, workspaceChoice{Team: url, Operator: operator}); err != nil {
		return st, err
	}
	if err := s.shell.switchWorkspace(); err != nil {
		return st, err
	}
	return s.Status()
}

// UseThisComputer switches the window back to the data directory's file.
func (s *System) UseThisComputer() (st Status, err error) {
	defer problem.Recover(&err)
	if err := s.shell.canSwitch(); err != nil {
		return st, err
	}
	if err := saveWorkspaceChoice(s.shell.cfg.DataDir, workspaceChoice{Operator: loadWorkspaceChoice(s.shell.cfg.DataDir).Operator}); err != nil {
		return st, err
	}
	if err := s.shell.switchWorkspace(); err != nil {
		return st, err
	}
	return s.Status()
}

func keychainError(err error) string {
	if errors.Is(err, keyring.ErrUnsupportedPlatform) {
		return "this system has none"
	}
	return err.Error()
}

// canSwitch refuses a switch of workspace that cannot be made now; the
// callers ask before they save anything, so a refusal changes nothing.
func (s *Shell) canSwitch() error {
	if s.cfg.Database != "" {
		return problem.State("This window was started on the team database %s (--database or %s): start Shipdeck without it to switch workspaces here.", store.Redacted(s.cfg.Database), store.EnvDatabaseURL)
	}
	// A run records its end in the workspace it started in, and the next
	// open ends what the pid file lists: the switch waits for the runs.
	if release.RunsBusy(s.services.Runs) {
		return problem.State("Steps are running: wait for them to end (or cancel them on the run board), then switch workspaces.")
	}
	return nil
}

// switchWorkspace closes the open workspace and opens the one chosen now.
// A choice that cannot open leaves the window on the start-up screen, with
// the reason and "Try again" (as at start-up).
func (s *Shell) switchWorkspace() error {
	if err := s.canSwitch(); err != nil {
		return err
	}
	s.closeWorkspace()
	s.start(s.ctx)
	if oe := s.StartupError(); oe != nil {
		s.emit(s.ctx, EventStartupFailed, oe.Message)
		return oe
	}
	s.emit(s.ctx, EventDBChanged, DBChange{All: true, Releases: []int64{}, Steps: []int64{}})
	return nil
}

// closeWorkspace stops what works on the open workspace and closes it.
func (s *Shell) closeWorkspace() {
	s.stopBackground()
	s.closeStore()
	s.mu.Lock()
	s.offline = false
	s.mu.Unlock()
}

// stopBackground ends the daily backup and the watch of the open
// workspace, and waits for them.
func (s *Shell) stopBackground() {
	s.mu.Lock()
	if s.stopDaily != nil {
		s.stopDaily()
	}
	s.mu.Unlock()
	s.daily.Wait()
	s.watching.Wait()
}

// closeStore closes the database and lets go of the data directory.
func (s *Shell) closeStore() {
	if err := s.store.Close(); err != nil {
		slog.Error("close database", "err", err)
	}
	if s.releaseLock != nil {
		s.releaseLock()
		s.releaseLock = nil
	}
}

// showWorkspace names the workspace in the window's title.
func (s *Shell) showWorkspace() {
	title := "Shipdeck"
	if name := TeamName(s.store.Team()); name != "" {
		title = "Shipdeck — " + name + " (team)"
	}
	s.setTitle(title)
}

// useOperator makes the team database's operator this person: the name
// saved with the workspace choice, else the account's, listed in the
// operators table.
func (s *Shell) useOperator() error {
	name := loadWorkspaceChoice(s.cfg.DataDir).Operator
	if name == "" {
		name = settings.OSUserName()
	}
	return s.store.SignIn(name)
}

// operatorSaved keeps a team database's operator name, saved in Settings,
// with the workspace choice.
func (s *Shell) operatorSaved(name string) {
	c := loadWorkspaceChoice(s.cfg.DataDir)
	c.Operator = name
	if err := saveWorkspaceChoice(s.cfg.DataDir, c); err != nil {
		slog.Error("keep the operator's name", "err", err)
	}
}

// TeamName is how the window names a team database: host and database
// ("db.example.com/shipdeck"), "" for the file.
func TeamName(url string) string {
	if url == "" {
		return ""
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return store.Redacted(url)
	}
	return u.Host + u.Path
}
