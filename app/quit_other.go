//go:build !linux

package app

import "github.com/wailsapp/wails/v2/pkg/runtime"

// quitWhenLoopRuns asks the window to quit. The lost-quit problem was found
// with GTK; on macOS and Windows Wails dispatches Quit to the UI thread
// (not measured here: these machines run Linux).
func (s *Shell) quitWhenLoopRuns() {
	runtime.Quit(s.ctx)
}
