package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// WindowFileName keeps what the window needs before the database is open:
// its geometry and the theme to start in. It lives in the data directory,
// so each workspace remembers its own window.
const WindowFileName = "window.json"

// Default and smallest window sizes.
const (
	defaultWidth, defaultHeight = 1360, 860
	minWidth, minHeight         = 1024, 640
)

// WindowState is the window as it was left. X and Y are desktop
// coordinates of the top-left corner; HasPosition is false until the window
// has been placed once (the first start is centred).
type WindowState struct {
	X           int    `json:"x"`
	Y           int    `json:"y"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	HasPosition bool   `json:"hasPosition"`
	Maximised   bool   `json:"maximised"`
	Theme       string `json:"theme"` // "light", "dark" or "system"
}

// Rect is a monitor's area in desktop coordinates.
type Rect struct{ X, Y, W, H int }

func defaultWindowState() WindowState {
	return WindowState{Width: defaultWidth, Height: defaultHeight, Theme: "system"}
}

// LoadWindowState reads the window file of dir. A missing or unreadable
// file gives the defaults: the window must always open.
func LoadWindowState(dir string) WindowState {
	ws := defaultWindowState()
	b, err := os.ReadFile(filepath.Join(dir, WindowFileName))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			slog.Warn("window state unreadable; using defaults", "err", err)
		}
		return ws
	}
	if err := json.Unmarshal(b, &ws); err != nil {
		slog.Warn("window state malformed; using defaults", "err", err)
		return defaultWindowState()
	}
	if ws.Width < minWidth {
		ws.Width = minWidth
	}
	if ws.Height < minHeight {
		ws.Height = minHeight
	}
	switch ws.Theme {
	case "light", "dark", "system":
	default:
		ws.Theme = "system"
	}
	return ws
}

// SaveWindowState writes the window file atomically (a crash mid-write
// leaves the previous one), created 0600 like every file of the data
// directory.
func SaveWindowState(dir string, ws WindowState) error {
	b, err := json.MarshalIndent(ws, "", "  ")
	if err != nil {
		return fmt.Errorf("encode window state: %w", err)
	}
	f, err := os.CreateTemp(dir, ".window-*.json")
	if err != nil {
		return fmt.Errorf("save window state: %w", err)
	}
	tmp := f.Name()
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("save window state: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save window state: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, WindowFileName)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save window state: %w", err)
	}
	return nil
}

// OnScreen returns ws moved onto a visible monitor when too little of its
// title bar would be visible on the monitors there are now (a monitor that
// was unplugged, a resolution that shrank): then it is centred on the
// primary monitor (the first), and shrunk to fit it.
func OnScreen(ws WindowState, monitors []Rect) WindowState {
	if !ws.HasPosition || len(monitors) == 0 {
		return ws
	}
	// The title bar: the strip the operator grabs to move the window.
	bar := Rect{ws.X, ws.Y, ws.Width, 32}
	const grab = 64 // px of it that must be reachable, in both directions
	for _, m := range monitors {
		if w, h := overlap(bar, m); w >= grab && h >= 16 {
			return ws
		}
	}
	p := monitors[0]
	if ws.Width > p.W {
		ws.Width = max(p.W, minWidth)
	}
	if ws.Height > p.H {
		ws.Height = max(p.H, minHeight)
	}
	ws.X = p.X + (p.W-ws.Width)/2
	ws.Y = p.Y + (p.H-ws.Height)/2
	return ws
}

func overlap(a, b Rect) (w, h int) {
	w = min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	h = min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	return max(w, 0), max(h, 0)
}

// windowTracker remembers the window's geometry while the app runs. Wails
// v2 sends no move or resize events, so it looks once a second (a few
// cheap calls on the UI thread) and writes the file only when something
// changed; beforeClose takes a last look.
type windowTracker struct {
	dir  string
	mu   sync.Mutex
	last WindowState
}

func (t *windowTracker) set(f func(*WindowState)) {
	t.mu.Lock()
	before := t.last
	f(&t.last)
	now := t.last
	t.mu.Unlock()
	if now != before {
		if err := SaveWindowState(t.dir, now); err != nil {
			slog.Warn("remember the window", "err", err)
		}
	}
}

// look reads the window's geometry. A maximised or minimised window keeps
// the normal geometry it had, so un-maximising after a restart restores it.
func (t *windowTracker) look(ctx context.Context) {
	if runtime.WindowIsMinimised(ctx) || runtime.WindowIsFullscreen(ctx) {
		return
	}
	if runtime.WindowIsMaximised(ctx) {
		t.set(func(ws *WindowState) { ws.Maximised = true })
		return
	}
	w, h := runtime.WindowGetSize(ctx)
	x, y := windowPosition(ctx)
	if w <= 0 || h <= 0 {
		return
	}
	t.set(func(ws *WindowState) {
		ws.X, ws.Y, ws.Width, ws.Height, ws.HasPosition, ws.Maximised = x, y, w, h, true, false
	})
}

// follow looks at the window every second until ctx ends.
func (t *windowTracker) follow(ctx, wails context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.look(wails)
		}
	}
}

// placeWindow puts the window where it was left, on a screen that is still
// there. Size and maximised state are window options; the position is set
// once the window exists (Wails v2 has no option for it).
func (s *Shell) placeWindow(ctx context.Context) {
	ws := s.window.last
	if !ws.HasPosition || ws.Maximised {
		return
	}
	fit := OnScreen(ws, monitors(ctx))
	if fit.Width != ws.Width || fit.Height != ws.Height {
		runtime.WindowSetSize(ctx, fit.Width, fit.Height)
	}
	setWindowPosition(ctx, fit.X, fit.Y)
}

// clearWindowTemps removes the temporary copies of window.json a killed
// Shipdeck left (SaveWindowState writes one, then renames it).
func clearWindowTemps(dir string) []string {
	var removed []string
	temps, _ := filepath.Glob(filepath.Join(dir, ".window-*.json"))
	for _, f := range temps {
		if os.Remove(f) == nil {
			removed = append(removed, f)
		}
	}
	return removed
}
