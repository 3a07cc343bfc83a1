package app

import (
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Menu events the frontend listens for: the items that act on the page.
const (
	EventBackup        = "menu:backup"
	EventRestore       = "menu:restore"
	EventImport        = "menu:import-customers"
	EventExport        = "menu:export-customers"
	EventExportRelease = "menu:export-release"
	EventAbout         = "menu:about"
	EventSettings      = "menu:settings"
	EventToggleSidebar = "menu:toggle-sidebar"
	EventZoom          = "menu:zoom" // data: "in", "out" or "reset"
	EventEdit          = "menu:edit" // data: "undo", "redo", "cut", "copy", "paste" or "selectAll"
)

// menuActions is what the menu items do, so the menu can be built and
// checked without a window.
type menuActions struct {
	emit           func(event string, data ...any)
	quit           func()
	hide           func()
	minimise       func()
	toggleMaximise func()
	openLog        func()
	openDataDir    func()
}

// menu is the native application menu of this OS.
func (s *Shell) menu() *menu.Menu {
	return buildMenu(goos, menuActions{
		emit:           func(ev string, data ...any) { runtime.EventsEmit(s.ctx, ev, data...) },
		quit:           func() { runtime.Quit(s.ctx) },
		hide:           func() { runtime.Hide(s.ctx) },
		minimise:       func() { runtime.WindowMinimise(s.ctx) },
		toggleMaximise: func() { runtime.WindowToggleMaximise(s.ctx) },
		openLog:        func() { s.reportOpen(openPath(s.logPath())) },
		openDataDir:    func() { s.reportOpen(openPath(s.cfg.DataDir)) },
	})
}

// buildMenu follows each OS's conventions. macOS: the app menu (About,
// Settings… ⌘,, Hide, Quit ⌘Q), the system Edit menu (its standard
// selectors are what make ⌘C/⌘V/⌘A work in text fields) and a Window menu
// with ⌘W. Linux and Windows: File, Edit, View, Help with Ctrl shortcuts.
// Their Edit items carry no shortcuts on purpose: a menu accelerator is
// taken before the web view sees the key, and the web view's own Ctrl+C,
// Ctrl+V and Ctrl+A in text fields already work; the items act on the
// focused field through the frontend.
func buildMenu(goos string, a menuActions) *menu.Menu {
	m := menu.NewMenu()
	ev := func(name string, data ...any) menu.Callback {
		return func(*menu.CallbackData) { a.emit(name, data...) }
	}
	do := func(f func()) menu.Callback { return func(*menu.CallbackData) { f() } }
	mac := goos == "darwin"

	if mac {
		app := m.AddSubmenu("Shipdeck")
		app.AddText("About Shipdeck", nil, ev(EventAbout))
		app.AddSeparator()
		app.AddText("Settings…", keys.CmdOrCtrl(","), ev(EventSettings))
		app.AddSeparator()
		app.AddText("Hide Shipdeck", keys.CmdOrCtrl("h"), do(a.hide))
		app.AddSeparator()
		app.AddText("Quit Shipdeck", keys.CmdOrCtrl("q"), do(a.quit))
	}

	file := m.AddSubmenu("File")
	file.AddText("Back up database…", keys.Combo("b", keys.CmdOrCtrlKey, keys.ShiftKey), ev(EventBackup))
	file.AddText("Restore from backup…", nil, ev(EventRestore))
	file.AddSeparator()
	file.AddText("Import customers…", nil, ev(EventImport))
	file.AddText("Export customers…", nil, ev(EventExport))
	file.AddText("Export release…", keys.Combo("e", keys.CmdOrCtrlKey, keys.ShiftKey), ev(EventExportRelease))
	if !mac {
		file.AddSeparator()
		file.AddText("Settings", keys.CmdOrCtrl(","), ev(EventSettings))
		file.AddSeparator()
		file.AddText("Quit", keys.CmdOrCtrl("q"), do(a.quit))
	}

	if mac {
		m.Append(menu.EditMenu())
	} else {
		edit := m.AddSubmenu("Edit")
		edit.AddText("Undo", nil, ev(EventEdit, "undo"))
		edit.AddText("Redo", nil, ev(EventEdit, "redo"))
		edit.AddSeparator()
		edit.AddText("Cut", nil, ev(EventEdit, "cut"))
		edit.AddText("Copy", nil, ev(EventEdit, "copy"))
		edit.AddText("Paste", nil, ev(EventEdit, "paste"))
		edit.AddSeparator()
		edit.AddText("Select All", nil, ev(EventEdit, "selectAll"))
	}

	view := m.AddSubmenu("View")
	view.AddText("Toggle Sidebar", keys.CmdOrCtrl("b"), ev(EventToggleSidebar))
	view.AddSeparator()
	view.AddText("Zoom In", keys.CmdOrCtrl("="), ev(EventZoom, "in"))
	view.AddText("Zoom Out", keys.CmdOrCtrl("-"), ev(EventZoom, "out"))
	view.AddText("Actual Size", keys.CmdOrCtrl("0"), ev(EventZoom, "reset"))

	if mac {
		win := m.AddSubmenu("Window")
		win.AddText("Minimize", keys.CmdOrCtrl("m"), do(a.minimise))
		win.AddText("Zoom", nil, do(a.toggleMaximise))
		win.AddSeparator()
		// One window: closing it ends the app, as in other single-window
		// Mac apps (System Settings, Calculator).
		win.AddText("Close", keys.CmdOrCtrl("w"), do(a.quit))
	}

	help := m.AddSubmenu("Help")
	help.AddText("Open Log", nil, do(a.openLog))
	help.AddText("Open Data Folder", nil, do(a.openDataDir))
	if !mac {
		help.AddSeparator()
		help.AddText("About Shipdeck", nil, ev(EventAbout))
	}
	return m
}
