// Package smoke starts the real production binary in a real window under
// Xvfb: it must draw, create its database and log, behave as a desktop app
// (context menu, remembered geometry, theme from the first frame, one
// instance per data directory), and quit cleanly on SIGTERM.
package smoke

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"shipdeck/backend/desktoptest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	desktoptest.Cleanup()
	os.Exit(code)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func artifacts(t *testing.T) string {
	if d := os.Getenv("SHIPDECK_ARTIFACTS"); d != "" {
		noErr(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

// app is one running Shipdeck.
type app struct {
	cmd     *exec.Cmd
	display string
	data    string
	logPath string
	done    chan error
}

// start launches the production binary on data under display, with extra
// environment variables.
func start(t *testing.T, display, data string, env ...string) *app {
	t.Helper()
	bin := desktoptest.Binary(t, repoRoot(t))
	a := &app{display: display, data: data, logPath: filepath.Join(t.TempDir(), "stdout.log"), done: make(chan error, 1)}
	a.cmd = exec.Command(bin, "--data-dir", data)
	a.cmd.Env = append(append(os.Environ(), "DISPLAY="+display), env...)
	out, err := os.Create(a.logPath)
	if err != nil {
		t.Fatal(err)
	}
	a.cmd.Stdout, a.cmd.Stderr = out, out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait(); out.Close() }()
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			if err := a.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("stop the app: %v", err)
			}
			t.Logf("the app, still running at cleanup, was killed: %v", <-a.done)
		}
	})
	return a
}

func (a *app) output() string {
	b, _ := os.ReadFile(a.logPath)
	return string(b)
}

// waitOutput waits until the app has printed want.
func (a *app) waitOutput(t *testing.T, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(a.output(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %v:\n%s", want, d, a.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDrawn waits until the window's sidebar region is no longer flat:
// the page has drawn its navigation (an empty window is one colour).
func (a *app) waitDrawn(t *testing.T, shot string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var sd float64
	for time.Now().Before(deadline) {
		desktoptest.Screenshot(t, a.display, shot)
		if sd = desktoptest.Measure(t, shot, "200x300+30+60", "standard_deviation"); sd > 0.02 {
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("the window stayed blank (sidebar stddev %.3f):\n%s", sd, a.output())
}

// quit sends SIGTERM and waits for a clean exit.
func (a *app) quit(t *testing.T) {
	t.Helper()
	start := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-a.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, a.output())
		}
		t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM\n%s", a.output())
	}
}

// xdotool runs xdotool on the app's display.
func (a *app) xdotool(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+a.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// topWindows lists the display's top-level windows as xwininfo prints them.
func topWindows(t *testing.T, display string) []string {
	t.Helper()
	cmd := exec.Command("xwininfo", "-root", "-children")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xwininfo: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "0x") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

// geometry is the main window's "WxH+X+Y" (the window titled Shipdeck).
func (a *app) geometry(t *testing.T) (id, geo string) {
	t.Helper()
	for _, l := range topWindows(t, a.display) {
		if strings.Contains(l, `"Shipdeck": ("shipdeck"`) {
			f := strings.Fields(l)
			return f[0], f[len(f)-2]
		}
	}
	t.Fatalf("no window titled Shipdeck: %v", topWindows(t, a.display))
	return "", ""
}

func TestWindowStartsAndQuitsCleanly(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	data := filepath.Join(t.TempDir(), "data")
	a := start(t, display, data)
	a.waitOutput(t, "database open", 30*time.Second)
	shot := filepath.Join(artifacts(t), "smoke-window.png")
	a.waitDrawn(t, shot)
	time.Sleep(time.Second) // the dashboard renders after the window maps
	desktoptest.Screenshot(t, display, shot)
	t.Logf("screenshot %s", shot)
	a.quit(t)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "shipdeck.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	var versions int
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions < 4 {
		t.Fatalf("schema_migrations: %d, %v", versions, err)
	}
	if fi, err := os.Stat(filepath.Join(data, "shipdeck.db-wal")); err == nil && fi.Size() > 0 {
		t.Fatalf("the WAL was not checkpointed at shutdown (%d bytes)", fi.Size())
	}
	// The log file: private, with the start, the migrations and the stop.
	logPath := filepath.Join(data, "shipdeck.log")
	fi, err := os.Stat(logPath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("shipdeck.log: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	logText, _ := os.ReadFile(logPath)
	for _, want := range []string{"msg=starting", "applying migration", "database open", "shut down cleanly"} {
		if !strings.Contains(string(logText), want) {
			t.Errorf("shipdeck.log lacks %q:\n%s", want, logText)
		}
	}
}

// Right-click shows Copy/Paste/Select All in a text field, and nothing on
// the page around it.
func TestRightClickInATextFieldOpensAMenu(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	a := start(t, display, filepath.Join(t.TempDir(), "data"))
	a.waitOutput(t, "database open", 30*time.Second)
	a.waitDrawn(t, filepath.Join(t.TempDir(), "w.png"))
	// The window starts centred on the 1400×900 screen: 1360×860 at 20,20.
	if _, geo := a.geometry(t); geo != "1360x860+20+20" {
		t.Fatalf("window at %s, want 1360x860+20+20 (the positions below assume it)", geo)
	}
	a.xdotool(t, "mousemove", "700", "400", "click", "1")
	a.xdotool(t, "key", "ctrl+comma") // File → Settings: the operator name field
	time.Sleep(1500 * time.Millisecond)
	before := len(topWindows(t, display))
	a.xdotool(t, "mousemove", "300", "500", "click", "3") // the empty space under the sidebar's links
	time.Sleep(800 * time.Millisecond)
	if n := len(topWindows(t, display)); n != before {
		t.Fatalf("a right-click on the page opened %d windows: %v", n-before, topWindows(t, display))
	}
	a.xdotool(t, "mousemove", "811", "239", "click", "3") // the operator name field
	var menu string
	for i := 0; i < 30 && menu == ""; i++ {
		time.Sleep(100 * time.Millisecond)
		for _, l := range topWindows(t, display) {
			// GTK's popup menu: a new top-level window at the pointer.
			if strings.Contains(l, "+811+") && !strings.Contains(l, "10x10") {
				menu = l
			}
		}
	}
	shot := filepath.Join(artifacts(t), "smoke-context-menu.png")
	desktoptest.Screenshot(t, display, shot)
	if menu == "" {
		t.Fatalf("no menu opened on a right-click in a text field (screenshot %s): %v", shot, topWindows(t, display))
	}
	t.Logf("context menu %s; screenshot %s", menu, shot)
	a.xdotool(t, "key", "Escape")
	a.quit(t)
}

// The window comes back where it was left, and onto the screen when its
// place is gone.
func TestWindowGeometrySurvivesARestart(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	data := filepath.Join(t.TempDir(), "data")
	a := start(t, display, data)
	a.waitOutput(t, "database open", 30*time.Second)
	a.waitDrawn(t, filepath.Join(t.TempDir(), "w.png"))
	id, _ := a.geometry(t)
	a.xdotool(t, "windowmove", id, "70", "45")
	a.xdotool(t, "windowsize", id, "1100", "700")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(readFile(t, filepath.Join(data, "window.json")), `"width": 1100`) {
		if time.Now().After(deadline) {
			t.Fatalf("window.json did not follow the move: %s", readFile(t, filepath.Join(data, "window.json")))
		}
		time.Sleep(200 * time.Millisecond)
	}
	a.quit(t)

	b := start(t, display, data)
	b.waitOutput(t, "database open", 30*time.Second)
	b.waitDrawn(t, filepath.Join(t.TempDir(), "w.png"))
	waitGeometry(t, b, "1100x700+70+45")
	b.quit(t)

	// The monitor it was on is gone: the saved place is off this screen.
	state := strings.Replace(readFile(t, filepath.Join(data, "window.json")), `"x": 70`, `"x": 3000`, 1)
	noErr(t, os.WriteFile(filepath.Join(data, "window.json"), []byte(state), 0o600))
	c := start(t, display, data)
	c.waitOutput(t, "database open", 30*time.Second)
	c.waitDrawn(t, filepath.Join(t.TempDir(), "w.png"))
	waitGeometry(t, c, "1100x700+150+100") // centred on the 1400×900 screen
	c.quit(t)
}

func waitGeometry(t *testing.T, a *app, want string) {
	t.Helper()
	var geo string
	for i := 0; i < 50; i++ {
		if _, geo = a.geometry(t); geo == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("window at %s, want %s", geo, want)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A dark theme is dark from the window's first frame to the drawn page: the
// window background and index.html both start in it, before the frontend
// has read the settings. A light theme, measured the same way, is light,
// so the measure tells them apart.
func TestDarkThemeNeverFlashesWhite(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	for _, theme := range []string{"dark", "light"} {
		t.Run(theme, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			// The theme was chosen in an earlier session: the first run
			// reads it from the database and remembers it for the next.
			first := start(t, display, data)
			first.waitOutput(t, "database open", 30*time.Second)
			setTheme(t, data, theme)
			first.quit(t)
			first = start(t, display, data)
			first.waitOutput(t, "database open", 30*time.Second)
			first.waitDrawn(t, filepath.Join(t.TempDir(), "w.png"))
			first.quit(t)
			if !strings.Contains(readFile(t, filepath.Join(data, "window.json")), `"theme": "`+theme+`"`) {
				t.Fatalf("window.json did not keep the theme: %s", readFile(t, filepath.Join(data, "window.json")))
			}

			a := start(t, display, data)
			dir := t.TempDir()
			var means []float64
			drawn := false
			for i := 0; i < 200 && !drawn; i++ {
				shot := filepath.Join(dir, fmt.Sprintf("frame-%03d.png", i))
				desktoptest.Screenshot(t, display, shot)
				// The window's area (it is centred: 1360×860 at 20,20),
				// below the menu bar.
				if len(topWindows(t, display)) > 1 {
					means = append(means, desktoptest.Measure(t, shot, "1300x760+40+80", "mean"))
				}
				drawn = strings.Contains(a.output(), "database open") && desktoptest.Measure(t, shot, "200x300+30+60", "standard_deviation") > 0.02
			}
			if !drawn {
				t.Fatalf("the page never drew:\n%s", a.output())
			}
			a.quit(t)
			t.Logf("%s: %d frames, means %.3f", theme, len(means), means)
			last := means[len(means)-1]
			switch theme {
			case "dark":
				for i, m := range means {
					if m > 0.35 {
						t.Fatalf("frame %d of a dark start is light (mean %.3f)", i, m)
					}
				}
			case "light":
				if last < 0.8 {
					t.Fatalf("the drawn light page measures %.3f: the measure cannot tell light from dark", last)
				}
			}
		})
	}
}

// setTheme stores the theme in the settings table, as the settings page does.
func setTheme(t *testing.T, data, theme string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "shipdeck.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO settings (key, value) VALUES ('theme', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, theme); err != nil {
		t.Fatal(err)
	}
}

// An unexpected error reaches the log with its whole cause: a release whose
// created_at is not a number (as a hand-edited file might hold) fails the
// dashboard's read.
func TestUnexpectedErrorsAreLoggedWithTheirCause(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	data := filepath.Join(t.TempDir(), "data")
	a := start(t, display, data)
	a.waitOutput(t, "database open", 30*time.Second)
	a.quit(t)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "shipdeck.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO releases (name, type, status, created_at, updated_at) VALUES ('broken', 'release', 'draft', 'not-a-time', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b := start(t, display, data)
	b.waitOutput(t, "unexpected error", 30*time.Second)
	b.quit(t)
	logText := readFile(t, filepath.Join(data, "shipdeck.log"))
	var line string
	for _, l := range strings.Split(logText, "\n") {
		if strings.Contains(l, "unexpected error") {
			line = l
			break
		}
	}
	if !strings.Contains(line, "not-a-time") || !strings.Contains(line, "chain=") {
		t.Fatalf("the logged error lacks its cause:\n%s", line)
	}
	t.Logf("logged: %s", line)
}

// noErr fails the test at once on err, so that a step of setting up that
// failed cannot let the test pass for the wrong reason.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
