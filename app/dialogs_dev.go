//go:build dev

package app

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// EnvE2EDialogs, in the dev build only, answers the exports' native
// dialogs from a folder, for the end-to-end tests (Chromium cannot reach a
// GTK dialog): a save dialog saves DIR/<its default file name>; an open
// dialog opens the path written in DIR/open (and nothing when it is
// missing). The release build has no such hook.
const EnvE2EDialogs = "SHIPDECK_E2E_DIALOGS"

func init() {
	answerDialogs = func(e *Exports) {
		dir := os.Getenv(EnvE2EDialogs)
		if dir == "" {
			return
		}
		e.save = func(_, name string, _ []runtime.FileFilter) (string, error) {
			return filepath.Join(dir, name), nil
		}
		e.open = func(string, []runtime.FileFilter) (string, error) {
			b, err := os.ReadFile(filepath.Join(dir, "open"))
			if os.IsNotExist(err) {
				return "", nil
			}
			return strings.TrimSpace(string(b)), err
		}
	}
}
