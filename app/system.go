package app

import (
	"fmt"
	"os"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// System is the bound service for facts about the running app itself.
type System struct {
	shell *Shell
}

// Status says whether the database is open, and why not when it is not.
type Status struct {
	Ready bool `json:"ready"`
	// Error is why the database could not be opened, one plain sentence
	// that says "Nothing was changed" only where that is true.
	Error string `json:"error"`
	// StartupErrorCode names Error's cause (store.StartupCode values,
	// "locked", "internal"), so the start-up screen can offer what helps.
	StartupErrorCode string `json:"startupErrorCode"`
	Version          string `json:"version"`
	DataDir          string `json:"dataDir"`
	DatabasePath     string `json:"databasePath"`
	DatabaseBytes    int64  `json:"databaseBytes"`
	SchemaVersion    int    `json:"schemaVersion"`
	// ReadOnly: the database was opened read-only (Shipdeck cannot write
	// the file or its folder); every change is refused. ReadOnlyReason
	// says why.
	ReadOnly       bool   `json:"readOnly"`
	ReadOnlyReason string `json:"readOnlyReason"`
	// DailyBackupError is the last daily backup's failure ("" when it
	// worked or has not run); the event "backup:failed" carries it too.
	DailyBackupError string `json:"dailyBackupError"`
	// DataDirWarning says the data directory is open to other users and
	// Shipdeck left it so (it is a symbolic link, another user's, or holds
	// other files).
	DataDirWarning string `json:"dataDirWarning"`
	// Team is the team database open, its password hidden ("" for this
	// computer's file); TeamName names it as the window does (host and
	// database). Offline: it cannot be reached just now (the window keeps
	// what it shows, and Shipdeck reconnects by itself).
	Team     string `json:"team"`
	TeamName string `json:"teamName"`
	Offline  bool   `json:"offline"`
	// TeamFromCommandLine: the window was started on a team database
	// (--database or SHIPDECK_DATABASE_URL), which Settings cannot switch.
	TeamFromCommandLine bool `json:"teamFromCommandLine"`
	// SavedTeam is the team database chosen in Settings ("" for none).
	SavedTeam string `json:"savedTeam"`
}

// Status reports the app's state for the About dialog, the settings page and
// the start-up error screen.
func (s *System) Status() (st Status, err error) {
	defer problem.Recover(&err)
	st = Status{
		Version:       Version,
		DataDir:       s.shell.cfg.DataDir,
		SchemaVersion: store.SchemaVersion(),
	}
	s.shell.mu.Lock()
	st.DataDirWarning, st.DailyBackupError = s.shell.dirWarning, s.shell.dailyErr
	st.Offline = s.shell.offline
	s.shell.mu.Unlock()
	st.TeamFromCommandLine = s.shell.cfg.Database != ""
	st.SavedTeam = loadWorkspaceChoice(s.shell.cfg.DataDir).Team
	if e := s.shell.StartupError(); e != nil {
		st.Error, st.StartupErrorCode = e.Message, string(e.Code)
		return st, nil
	}
	st.Ready = true
	st.ReadOnlyReason = s.shell.store.ReadOnlyReason()
	st.ReadOnly = st.ReadOnlyReason != ""
	st.DatabasePath = s.shell.store.Path()
	st.Team = s.shell.store.Team()
	st.TeamName = TeamName(st.Team)
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(st.DatabasePath + suffix); err == nil {
			st.DatabaseBytes += fi.Size()
		}
	}
	return st, nil
}

// RetryOpen tries again to open the database after a start-up failure
// (another program held it, the disk was full) and reports the status
// that follows.
func (s *System) RetryOpen() (st Status, err error) {
	defer problem.Recover(&err)
	<-s.shell.ready
	if s.shell.StartupError() != nil {
		_ = s.shell.reopen() // the status carries the new failure
	}
	return s.Status()
}

// OpenDataDir shows the data directory in the system's file manager.
func (s *System) OpenDataDir() (err error) {
	defer problem.Recover(&err)
	return openPath(s.shell.cfg.DataDir)
}

// OpenLog opens shipdeck.log with the program the OS uses for text files.
func (s *System) OpenLog() (err error) {
	defer problem.Recover(&err)
	return openPath(s.shell.logPath())
}

// ChooseFile opens the native file picker and returns the chosen path ("" when
// cancelled). The frontend uses it for the kubeconfig field.
func (s *System) ChooseFile(title string) (path string, err error) {
	defer problem.Recover(&err)
	path, err = runtime.OpenFileDialog(s.shell.ctx, runtime.OpenDialogOptions{Title: title, ShowHiddenFiles: true})
	if err != nil {
		return "", fmt.Errorf("open file picker: %w", err)
	}
	return path, nil
}

// CopyToClipboard puts text on the system clipboard.
func (s *System) CopyToClipboard(text string) (err error) {
	defer problem.Recover(&err)
	if err := runtime.ClipboardSetText(s.shell.ctx, text); err != nil {
		return fmt.Errorf("copy to clipboard: %w", err)
	}
	return nil
}
