package app

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>

// Runs on GTK's main thread, inside its main loop, so it can neither be lost
// (the loop is running) nor race the loop's own exit (the way a quit from
// another thread can). It stays armed: when the main loop has ended nothing
// dispatches it again.
static gboolean shipdeck_quit_tick(gpointer data) {
	if (gtk_main_level() > 0) {
		gtk_main_quit();
	}
	return G_SOURCE_CONTINUE;
}

static void shipdeck_quit_when_loop_runs(void) {
	g_timeout_add(100, shipdeck_quit_tick, NULL);
}
*/
import "C"

// quitWhenLoopRuns ends GTK's main loop from within it, as soon as it runs.
func (s *Shell) quitWhenLoopRuns() {
	C.shipdeck_quit_when_loop_runs()
}
