package app

import (
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// menu is the native application menu. Items that need the frontend (About)
// emit an event it listens for.
func (s *Shell) menu() *menu.Menu {
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("Back up database…", keys.CmdOrCtrl("b"), func(*menu.CallbackData) { runtime.EventsEmit(s.ctx, "menu:backup") })
	file.AddText("Restore from backup…", nil, func(*menu.CallbackData) { runtime.EventsEmit(s.ctx, "menu:restore") })
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { runtime.Quit(s.ctx) })
	help := m.AddSubmenu("Help")
	help.AddText("About Shipdeck", nil, func(*menu.CallbackData) { runtime.EventsEmit(s.ctx, "menu:about") })
	return m
}
