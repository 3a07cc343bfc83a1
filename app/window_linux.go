package app

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>

// Monitor geometry and window moves run on GTK's main thread (GDK is not
// thread-safe); the caller waits on a condition for the answer, with a
// timeout so a main loop that is not running cannot hang it.

typedef struct {
	GMutex mu;
	GCond cond;
	gboolean done;
	int n;
	int rects[4 * 16];
} shipdeck_monitor_list;

static gboolean shipdeck_fill_monitors(gpointer data) {
	shipdeck_monitor_list *l = data;
	GdkDisplay *d = gdk_display_get_default();
	int n = d ? gdk_display_get_n_monitors(d) : 0;
	if (n > 16) n = 16;
	// The primary monitor first: a window that has lost its screen goes there.
	GdkMonitor *primary = d ? gdk_display_get_primary_monitor(d) : NULL;
	int k = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			GdkMonitor *m = gdk_display_get_monitor(d, i);
			gboolean first = (m == primary) || (primary == NULL && i == 0);
			if ((pass == 0) != first) continue;
			GdkRectangle g;
			gdk_monitor_get_geometry(m, &g);
			l->rects[4*k] = g.x; l->rects[4*k+1] = g.y; l->rects[4*k+2] = g.width; l->rects[4*k+3] = g.height;
			k++;
		}
	}
	g_mutex_lock(&l->mu);
	l->n = k;
	l->done = TRUE;
	g_cond_signal(&l->cond);
	g_mutex_unlock(&l->mu);
	return G_SOURCE_REMOVE;
}

static int shipdeck_list_monitors(shipdeck_monitor_list *l) {
	g_mutex_init(&l->mu);
	g_cond_init(&l->cond);
	l->done = FALSE;
	l->n = 0;
	g_idle_add(shipdeck_fill_monitors, l);
	gint64 until = g_get_monotonic_time() + 2 * G_TIME_SPAN_SECOND;
	g_mutex_lock(&l->mu);
	while (!l->done) {
		if (!g_cond_wait_until(&l->cond, &l->mu, until)) break;
	}
	gboolean done = l->done;
	g_mutex_unlock(&l->mu);
	// On a timeout the idle callback may still run later and write into l:
	// the caller then keeps l alive (it leaks one small struct, once).
	return done ? l->n : -1;
}

typedef struct { int x, y; } shipdeck_move;

static gboolean shipdeck_do_move(gpointer data) {
	shipdeck_move *mv = data;
	GList *all = gtk_window_list_toplevels();
	for (GList *it = all; it; it = it->next) {
		GtkWindow *w = GTK_WINDOW(it->data);
		if (gtk_window_get_window_type(w) == GTK_WINDOW_TOPLEVEL && gtk_widget_get_visible(GTK_WIDGET(w))) {
			gtk_window_move(w, mv->x, mv->y);
			break;
		}
	}
	g_list_free(all);
	g_free(mv);
	return G_SOURCE_REMOVE;
}

static void shipdeck_move_window(int x, int y) {
	shipdeck_move *mv = g_new(shipdeck_move, 1);
	mv->x = x;
	mv->y = y;
	g_idle_add(shipdeck_do_move, mv);
}
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// monitors lists the monitors in desktop coordinates, the primary first.
func monitors(context.Context) []Rect {
	l := (*C.shipdeck_monitor_list)(C.malloc(C.sizeof_shipdeck_monitor_list))
	n := int(C.shipdeck_list_monitors(l))
	if n < 0 {
		return nil // l stays allocated: the idle callback may still write to it
	}
	defer C.free(unsafe.Pointer(l))
	out := make([]Rect, n)
	for i := range out {
		r := l.rects[4*i : 4*i+4]
		out[i] = Rect{int(r[0]), int(r[1]), int(r[2]), int(r[3])}
	}
	return out
}

// windowPosition is the window's top-left corner in desktop coordinates
// (GTK's gtk_window_get_position, which Wails returns as it is).
func windowPosition(ctx context.Context) (int, int) { return runtime.WindowGetPosition(ctx) }

// setWindowPosition moves the window to desktop coordinates. Wails' own
// SetPosition counts from the monitor the window is on, which is not where
// windowPosition counts from when there are several.
func setWindowPosition(_ context.Context, x, y int) { C.shipdeck_move_window(C.int(x), C.int(y)) }
