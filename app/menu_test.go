package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/menu"
)

// shortcut renders an accelerator the way a test can compare it: "cmdorctrl+q".
func shortcut(it *menu.MenuItem) string {
	if it.Accelerator == nil {
		return ""
	}
	parts := []string{}
	for _, m := range it.Accelerator.Modifiers {
		parts = append(parts, string(m))
	}
	return strings.Join(append(parts, it.Accelerator.Key), "+")
}

// outline lists a menu as "Top/Item [shortcut]" lines, roles as "Top<role>".
func outline(m *menu.Menu) []string {
	var out []string
	for _, top := range m.Items {
		if top.Role != 0 {
			out = append(out, "<role "+map[menu.Role]string{menu.AppMenuRole: "app", menu.EditMenuRole: "edit", menu.WindowMenuRole: "window"}[top.Role]+">")
			continue
		}
		out = append(out, top.Label+"/")
		for _, it := range top.SubMenu.Items {
			if it.Type == menu.SeparatorType {
				continue
			}
			line := top.Label + "/" + it.Label
			if s := shortcut(it); s != "" {
				line += " [" + s + "]"
			}
			out = append(out, line)
		}
	}
	return out
}

func TestMenuFollowsEachOS(t *testing.T) {
	noop := menuActions{emit: func(string, ...any) {}, quit: func() {}, hide: func() {}, minimise: func() {}, toggleMaximise: func() {}, openLog: func() {}, openDataDir: func() {}}
	cases := []struct {
		goos        string
		want, avoid []string
	}{
		{"darwin",
			[]string{"Shipdeck/", "Shipdeck/About Shipdeck", "File/Import customers…", "File/Export customers…", "File/Export release… [cmdorctrl+shift+e]", "Shipdeck/Settings… [cmdorctrl+,]", "Shipdeck/Hide Shipdeck [cmdorctrl+h]", "Shipdeck/Quit Shipdeck [cmdorctrl+q]",
				"<role edit>", "Window/Minimize [cmdorctrl+m]", "Window/Zoom", "Window/Close [cmdorctrl+w]", "Help/Open Log", "Help/Open Data Folder",
				"View/Toggle Sidebar [cmdorctrl+b]", "View/Zoom In [cmdorctrl+=]"},
			[]string{"File/Quit [cmdorctrl+q]", "Edit/"}},
		{"linux",
			[]string{"File/Quit [cmdorctrl+q]", "File/Back up database… [cmdorctrl+shift+b]", "File/Import customers…", "File/Export customers…", "File/Export release… [cmdorctrl+shift+e]", "Edit/Undo", "Edit/Redo", "Edit/Cut", "Edit/Copy", "Edit/Paste", "Edit/Select All",
				"View/Toggle Sidebar [cmdorctrl+b]", "View/Zoom In [cmdorctrl+=]", "View/Zoom Out [cmdorctrl+-]", "View/Actual Size [cmdorctrl+0]",
				"Help/About Shipdeck", "Help/Open Log", "Help/Open Data Folder"},
			[]string{"Shipdeck/", "Window/", "<role edit>", "Edit/Copy [cmdorctrl+c]"}},
		{"windows",
			[]string{"File/Quit [cmdorctrl+q]", "Edit/Copy", "Edit/Paste", "Edit/Select All", "View/Zoom Out [cmdorctrl+-]", "Help/About Shipdeck"},
			[]string{"Shipdeck/", "Window/", "<role edit>"}},
	}
	for _, c := range cases {
		t.Run(c.goos, func(t *testing.T) {
			got := outline(buildMenu(c.goos, noop))
			for _, w := range c.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, strings.Join(got, "\n"))
				}
			}
			for _, a := range c.avoid {
				if slices.Contains(got, a) {
					t.Errorf("%q should not be in the %s menu", a, c.goos)
				}
			}
		})
	}
}

// The items act: menu clicks reach the right action or event.
func TestMenuItemsAct(t *testing.T) {
	var got []string
	a := menuActions{
		emit:           func(ev string, data ...any) { got = append(got, ev+fmtData(data)) },
		quit:           func() { got = append(got, "quit") },
		hide:           func() { got = append(got, "hide") },
		minimise:       func() { got = append(got, "minimise") },
		toggleMaximise: func() { got = append(got, "zoom-window") },
		openLog:        func() { got = append(got, "open-log") },
		openDataDir:    func() { got = append(got, "open-data") },
	}
	for _, goos := range []string{"darwin", "linux"} {
		m := buildMenu(goos, a)
		for _, top := range m.Items {
			if top.SubMenu == nil {
				continue
			}
			for _, it := range top.SubMenu.Items {
				if it.Click != nil {
					it.Click(nil)
				}
			}
		}
	}
	for _, want := range []string{"quit", "hide", "minimise", "zoom-window", "open-log", "open-data", EventSettings, EventAbout, EventBackup, EventRestore, EventImport, EventExport,
		EventToggleSidebar, EventZoom + ":in", EventZoom + ":out", EventZoom + ":reset", EventEdit + ":copy", EventEdit + ":paste", EventEdit + ":selectAll"} {
		if !slices.Contains(got, want) {
			t.Errorf("no item does %q (got %v)", want, got)
		}
	}
}

func fmtData(data []any) string {
	if len(data) == 0 {
		return ""
	}
	return ":" + data[0].(string)
}
