package app

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/wailsapp/wails/v2/pkg/options"
)

// The window's background before the page has drawn: the frontend's own
// background colours (index.css --background), so neither theme flashes.
var (
	lightBackground = options.RGBA{R: 0xfa, G: 0xfa, B: 0xfa, A: 255}
	darkBackground  = options.RGBA{R: 0x0b, G: 0x0b, B: 0x0f, A: 255}
)

// startsDark tells whether the window opens dark: the saved theme, or with
// "system" the OS's preference.
func startsDark(theme string, osPrefersDark func() bool) bool {
	switch theme {
	case "dark":
		return true
	case "light":
		return false
	}
	return osPrefersDark()
}

func background(dark bool) *options.RGBA {
	if dark {
		c := darkBackground
		return &c
	}
	c := lightBackground
	return &c
}

// themedIndex serves index.html with the theme's class already on <html>,
// so the page's first frame has the right colours: the frontend can only
// apply the theme once its script has run and the settings have loaded.
func themedIndex(dark func() bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/" && r.URL.Path != "/index.html" {
				next.ServeHTTP(w, r)
				return
			}
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if dark() && rec.status == http.StatusOK {
				body = bytes.Replace(body, []byte("<html "), []byte(`<html class="dark" `), 1)
			}
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.status)
			// The status is sent: if the page went away meanwhile there is
			// no one left to tell.
			_, _ = w.Write(body)
		})
	}
}

// recorder keeps a response in memory so it can be changed before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) } //nolint:wrapcheck // as http.ResponseWriter
func (r *recorder) WriteHeader(status int)      { r.status = status }
