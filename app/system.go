package app

import (
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
	Ready         bool   `json:"ready"`
	Error         string `json:"error"`
	Version       string `json:"version"`
	DataDir       string `json:"dataDir"`
	DatabasePath  string `json:"databasePath"`
	DatabaseBytes int64  `json:"databaseBytes"`
	SchemaVersion int    `json:"schemaVersion"`
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
	if e := s.shell.StartupError(); e != nil {
		st.Error = e.Error()
		return st, nil
	}
	st.Ready = true
	st.DatabasePath = s.shell.store.Path()
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(st.DatabasePath + suffix); err == nil {
			st.DatabaseBytes += fi.Size()
		}
	}
	return st, nil
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
	return runtime.OpenFileDialog(s.shell.ctx, runtime.OpenDialogOptions{Title: title, ShowHiddenFiles: true})
}

// CopyToClipboard puts text on the system clipboard.
func (s *System) CopyToClipboard(text string) (err error) {
	defer problem.Recover(&err)
	return runtime.ClipboardSetText(s.shell.ctx, text)
}
