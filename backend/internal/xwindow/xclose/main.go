// Command xclose sends a window WM_DELETE_WINDOW on $DISPLAY, as clicking
// its close button under a window manager would. The e2e suite uses it.
//
//	go run ./backend/internal/xwindow/xclose WINDOW-ID
package main

import (
	"fmt"
	"os"
	"strconv"

	"shipdeck/backend/internal/xwindow"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: xclose WINDOW-ID")
		os.Exit(2)
	}
	win, err := strconv.ParseUint(os.Args[1], 0, 32)
	if err != nil {
		fmt.Fprintln(os.Stderr, "xclose: not a window id:", os.Args[1])
		os.Exit(2)
	}
	if err := xwindow.Close(os.Getenv("DISPLAY"), uint32(win)); err != nil {
		fmt.Fprintln(os.Stderr, "xclose:", err)
		os.Exit(1)
	}
}
