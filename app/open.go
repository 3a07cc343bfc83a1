package app

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	goruntime "runtime"

	"shipdeck/backend/problem"
)

// goos is the OS the menu and the opener are built for.
var goos = goruntime.GOOS

// opener is the command that shows a file or folder with the OS's own
// application: the path goes as one argument, never through a file:// URL,
// so spaces, '#', '%' and non-ASCII names reach it as they are.
func opener(goos string) (string, []string) {
	switch goos {
	case "darwin":
		return "open", nil
	case "windows":
		// explorer.exe takes a path as its argument and shows a folder or
		// opens a file with its associated program.
		return "explorer.exe", nil
	default:
		return "xdg-open", nil
	}
}

// openPath shows path with the OS's opener. It does not wait for the opened
// program; it reports, in plain words, a path that is gone or an opener
// that is missing.
func openPath(path string) error {
	if _, err := os.Stat(path); err != nil {
		return problem.Wrap(problem.CodeNotFound, err, "%s does not exist (yet).", path)
	}
	name, args := opener(goos)
	cmd := exec.Command(name, append(args, path)...)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return problem.Wrap(problem.CodeInternal, err, "There is no program to open %s with (%s is not installed).", path, name)
		}
		return problem.Wrap(problem.CodeInternal, fmt.Errorf("start %s: %w", name, err), "%s could not be opened.", path)
	}
	// Reap it so no zombie stays behind; its exit status is the opener's
	// business (explorer.exe exits 1 even when it worked).
	go func() { _ = cmd.Wait() }()
	return nil
}

// reportOpen logs a failed open from a menu item, which has no caller to
// return the error to.
func (s *Shell) reportOpen(err error) {
	if err != nil {
		slog.Error("open from the menu", "err", err)
	}
}
