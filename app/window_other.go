//go:build !linux

package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// monitors is the screen the window is on: on macOS and Windows Wails
// counts window positions from that screen's corner, so a saved position
// is checked against its size. (Not run here: these machines run Linux.)
func monitors(ctx context.Context) []Rect {
	screens, err := runtime.ScreenGetAll(ctx)
	if err != nil {
		return nil
	}
	for _, s := range screens {
		if s.IsCurrent {
			return []Rect{{0, 0, s.Size.Width, s.Size.Height}}
		}
	}
	if len(screens) > 0 {
		return []Rect{{0, 0, screens[0].Size.Width, screens[0].Size.Height}}
	}
	return nil
}

func windowPosition(ctx context.Context) (int, int) { return runtime.WindowGetPosition(ctx) }

func setWindowPosition(ctx context.Context, x, y int) { runtime.WindowSetPosition(ctx, x, y) }
