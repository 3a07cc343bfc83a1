package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWindowStateSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	if got := LoadWindowState(dir); got != defaultWindowState() {
		t.Fatalf("no file: %+v, want the defaults", got)
	}
	want := WindowState{X: 40, Y: 30, Width: 1200, Height: 700, HasPosition: true, Theme: "dark"}
	if err := SaveWindowState(dir, want); err != nil {
		t.Fatal(err)
	}
	if got := LoadWindowState(dir); got != want {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, WindowFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("window file mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".window-*")); len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
	for name, body := range map[string]string{
		"malformed":     "{not json",
		"too small":     `{"width": 10, "height": 10, "theme": "dark"}`,
		"unknown theme": `{"width": 1300, "height": 800, "theme": "neon"}`,
	} {
		noErr(t, os.WriteFile(filepath.Join(dir, WindowFileName), []byte(body), 0o600))
		got := LoadWindowState(dir)
		if got.Width < minWidth || got.Height < minHeight || (got.Theme != "system" && got.Theme != "dark") {
			t.Errorf("%s: %+v", name, got)
		}
		if name == "unknown theme" && got.Theme != "system" {
			t.Errorf("unknown theme read as %q", got.Theme)
		}
	}
}

func TestOnScreenBringsALostWindowBack(t *testing.T) {
	laptop := Rect{0, 0, 1440, 900}
	external := Rect{1440, 0, 2560, 1440}
	at := func(x, y, w, h int) WindowState {
		return WindowState{X: x, Y: y, Width: w, Height: h, HasPosition: true}
	}
	cases := []struct {
		name     string
		ws       WindowState
		monitors []Rect
		want     WindowState
	}{
		{"on the laptop stays", at(100, 80, 1200, 700), []Rect{laptop}, at(100, 80, 1200, 700)},
		{"on the external monitor stays while it is there", at(2000, 200, 1400, 900), []Rect{laptop, external}, at(2000, 200, 1400, 900)},
		{"external monitor unplugged: centred on the laptop", at(2000, 200, 1400, 900), []Rect{laptop}, at(20, 0, 1400, 900)},
		{"too big for the screen that is left: shrunk", at(2000, 100, 2400, 1300), []Rect{laptop}, at(0, 0, 1440, 900)},
		{"title bar above the screen", at(100, -500, 1200, 700), []Rect{laptop}, at(120, 100, 1200, 700)},
		{"mostly off the left edge but grabbable", at(-1100, 100, 1200, 700), []Rect{laptop}, at(-1100, 100, 1200, 700)},
		{"entirely off the left edge", at(-1300, 100, 1200, 700), []Rect{laptop}, at(120, 100, 1200, 700)},
		{"never placed: left alone", WindowState{Width: 1360, Height: 860}, []Rect{laptop}, WindowState{Width: 1360, Height: 860}},
		{"no monitor information: left alone", at(5000, 5000, 1200, 700), nil, at(5000, 5000, 1200, 700)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := OnScreen(c.ws, c.monitors); got != c.want {
				t.Fatalf("OnScreen = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestInstanceIDPerDataDirectory(t *testing.T) {
	a, b := InstanceID("/home/op/.local/share/shipdeck"), InstanceID("/srv/team-b")
	if a == b || a != InstanceID("/home/op/.local/share/shipdeck/") {
		t.Fatalf("ids %q %q", a, b)
	}
	// D-Bus name elements: letters, digits and '_' once Wails has replaced '.'.
	for _, r := range a {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '.' {
			t.Fatalf("id %q has %q", a, r)
		}
	}
}

func TestIndexStartsInTheTheme(t *testing.T) {
	page := `<!doctype html><html lang="en"><head></head><body></body></html>`
	assets := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := page
		if r.URL.Path == "/app.js" {
			body = "<html not touched"
		} else {
			w.Header().Set("Content-Type", "text/html")
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Errorf("%s: %v", r.URL.Path, err)
		}
	})
	for _, c := range []struct {
		dark bool
		path string
		want string
	}{
		{true, "/", `<html class="dark" lang="en">`},
		{true, "/index.html", `<html class="dark" lang="en">`},
		{false, "/", `<html lang="en">`},
		{true, "/app.js", "<html not touched"},
	} {
		rec := httptest.NewRecorder()
		themedIndex(func() bool { return c.dark })(assets).ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		if !strings.Contains(rec.Body.String(), c.want) || rec.Code != 200 {
			t.Errorf("dark=%v %s: %d %q", c.dark, c.path, rec.Code, rec.Body.String())
		}
	}
	if !startsDark("dark", func() bool { return false }) || startsDark("light", func() bool { return true }) || !startsDark("system", func() bool { return true }) {
		t.Fatal("startsDark does not follow the saved theme, then the OS")
	}
}
