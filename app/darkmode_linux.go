package app

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>

static gboolean shipdeck_prefer_dark(gpointer data) {
	GtkSettings *s = gtk_settings_get_default();
	if (s) g_object_set(s, "gtk-application-prefer-dark-theme", GPOINTER_TO_INT(data), NULL);
	return G_SOURCE_REMOVE;
}

static void shipdeck_set_prefer_dark(int dark) {
	g_idle_add(shipdeck_prefer_dark, GINT_TO_POINTER(dark));
}

// shipdeck_start_dark initialises GTK (Wails' own gtk_init_check then finds
// it done) and sets the preference at once, before any window exists.
static void shipdeck_start_dark(int dark) {
	if (!gtk_init_check(NULL, NULL)) return;
	shipdeck_prefer_dark(GINT_TO_POINTER(dark));
}
*/
import "C"

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// osPrefersDark reads the desktop's dark preference: GTK_THEME, then the
// GNOME colour scheme and theme name that most desktops set.
func osPrefersDark() bool {
	if t := os.Getenv("GTK_THEME"); t != "" {
		return strings.HasSuffix(t, ":dark") || strings.HasSuffix(strings.ToLower(t), "-dark")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "gsettings", "get", "org.gnome.desktop.interface", "color-scheme").Output(); err == nil {
		if strings.Contains(string(out), "prefer-dark") {
			return true
		}
	}
	if out, err := exec.CommandContext(ctx, "gsettings", "get", "org.gnome.desktop.interface", "gtk-theme").Output(); err == nil {
		return strings.HasSuffix(strings.Trim(strings.TrimSpace(string(out)), "'"), "-dark")
	}
	return false
}

// startToolkitTheme sets GTK's dark preference before the window is made.
// Set later (OnStartup runs beside the window's creation), GTK could draw
// the window's first frame in its light theme — a flash of #f6f5f4 before
// the dark page, seen once in a dozen dark starts. GTK belongs to the thread
// that initialises it, and Wails runs it on this goroutine: the thread is
// locked here, as Wails itself would lock it.
func startToolkitTheme(dark bool) {
	runtime.LockOSThread()
	d := 0
	if dark {
		d = 1
	}
	C.shipdeck_start_dark(C.int(d))
}

// matchToolkitTheme makes GTK's own parts (the menu bar, dialogs) and the
// web view's prefers-color-scheme follow the window's theme.
func matchToolkitTheme(dark bool) {
	d := 0
	if dark {
		d = 1
	}
	C.shipdeck_set_prefer_dark(C.int(d))
}
