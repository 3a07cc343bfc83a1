package reliability

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/cluster"
	"shipdeck/backend/problem"
	"shipdeck/backend/release"
)

func frontendDir(t *testing.T) string {
	dir, err := filepath.Abs("../../frontend")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// The Content-Security-Policy of the frontend's HTML forbids inline scripts
// and foreign origins: a second line of defence after escaping.
func TestContentSecurityPolicyForbidsInlineScripts(t *testing.T) {
	html, err := os.ReadFile(filepath.Join(frontendDir(t), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]+)"`).FindSubmatch(html)
	if m == nil {
		t.Fatal("no Content-Security-Policy meta tag in frontend/index.html")
	}
	policy := map[string]string{}
	for _, d := range strings.Split(string(m[1]), ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			policy[f[0]] = strings.Join(f[1:], " ")
		}
	}
	if policy["script-src"] != "'self'" {
		t.Fatalf("script-src is %q, want only 'self' (no 'unsafe-inline', no other origin)", policy["script-src"])
	}
	if policy["default-src"] != "'self'" || policy["object-src"] != "'none'" {
		t.Fatalf("default-src %q, object-src %q", policy["default-src"], policy["object-src"])
	}
}

// dangerouslySetInnerHTML appears in one place: the code block that shows
// chroma's HTML, which Go escaped.
func TestOnlyTheCodeBlockInjectsHTML(t *testing.T) {
	root := filepath.Join(frontendDir(t), "src")
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(path, ".test.tsx") || !strings.HasSuffix(path, ".tsx") && !strings.HasSuffix(path, ".ts") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "dangerouslySetInnerHTML") || strings.Contains(string(b), "innerHTML =") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			found = append(found, rel)
		}
		return nil
	})
	noErr(t, err)
	if len(found) != 1 || found[0] != filepath.Join("components", "steps", "code-block.tsx") {
		t.Fatalf("HTML injected in %v; only components/steps/code-block.tsx may", found)
	}
}

// Closing the store while a bulk write runs (what SIGTERM, SIGINT, menu quit
// and window close all lead to) waits for the write: it lands whole, the
// WAL is checkpointed into the database file, and later writes are refused
// plainly instead of half-done.
func TestCloseWaitsForTheWriteInFlight(t *testing.T) {
	w := newWorld(t)
	custs := w.fleet(t, 2, 100)
	r := w.activeRelease(t, "live", 20, 5)
	d := check[release.Detail](t)(w.releases.Get(r.ID))
	path := w.st.Path()

	started := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		// A write that holds its transaction for a while, as a big bulk does.
		writeErr = w.st.Tx(func(ctx context.Context, tx bun.Tx) error {
			close(started)
			time.Sleep(300 * time.Millisecond)
			_, err := tx.ExecContext(ctx, "UPDATE customer_steps SET status = 'done', executed_at = 1, executed_by = 'x' WHERE template_id = ?", d.Deploy[0].ID)
			return err
		})
	}()
	<-started
	t0 := time.Now()
	if err := w.st.Close(); err != nil {
		t.Fatal(err)
	}
	waited := time.Since(t0)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("the write in flight failed: %v", writeErr)
	}
	if waited < 200*time.Millisecond {
		t.Fatalf("Close returned after %v, before the write finished", waited)
	}
	if _, err := w.steps.MarkDone(release.TransitionInput{StepID: 1}); err == nil || !strings.Contains(err.Error(), "not open") {
		t.Fatalf("a write after close: %v", err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("WAL not checkpointed: %d bytes", fi.Size())
	}
	w2 := open(t, path)
	db := check[*bun.DB](t)(w2.st.DB())
	var done int
	noErr(t, db.QueryRow("SELECT count(*) FROM customer_steps WHERE template_id = ? AND status = 'done'", d.Deploy[0].ID).Scan(&done))
	if done != len(custs) {
		t.Fatalf("%d of %d steps written", done, len(custs))
	}
}

// Kubeconfig files are only checked, never read, stored or logged: a
// kubeconfig holding a token goes through every cluster call that takes a
// path (accepted and refused), and the token appears in no result, no
// error, no log line and no row of the database.
func TestKubeconfigContentsNeverLeave(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)

	dir := t.TempDir()
	const token = "eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldCJ9"
	kc := filepath.Join(dir, "config")
	noErr(t, os.WriteFile(kc, []byte("apiVersion: v1\nusers:\n- name: ops\n  user:\n    token: "+token+"\n"), 0o600))
	link := filepath.Join(dir, "config-link")
	noErr(t, os.Symlink(kc, link))

	w := newWorld(t)
	var said []string
	note := func(v any, err error) {
		said = append(said, fmt.Sprintf("%+v", v))
		if err != nil {
			said = append(said, err.Error(), fmt.Sprintf("%+v", problem.For(err)))
		}
	}
	c, err := w.clusters.Create(cluster.Input{Name: "prod-eu", KubeconfigPath: kc})
	note(c, err)
	note(w.clusters.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu", KubeconfigPath: link}))
	note(w.clusters.Get(c.ID))
	note(w.clusters.List(true))
	for _, bad := range []string{dir, kc + "/x", "config", filepath.Join(dir, "missing"), kc + "\x00"} {
		note(w.clusters.Create(cluster.Input{Name: "k", KubeconfigPath: bad}))
		note(w.clusters.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu", KubeconfigPath: bad}))
	}
	db := check[*bun.DB](t)(w.st.DB())
	var rows strings.Builder
	for _, tbl := range []string{"clusters", "customers", "releases", "settings"} {
		r, err := db.Query("SELECT * FROM " + tbl)
		if err != nil {
			t.Fatal(err)
		}
		cols := check[[]string](t)(r.Columns())
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			noErr(t, r.Scan(ptrs...))
			fmt.Fprintf(&rows, "%s\n", vals)
		}
		noErr(t, r.Err())
		r.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	for where, text := range map[string]string{"results and errors": strings.Join(said, "\n"), "log": logs.String(), "database": rows.String()} {
		if strings.Contains(text, token) || strings.Contains(text, "apiVersion") {
			t.Errorf("the kubeconfig's contents reached the %s", where)
		}
	}
	if !strings.Contains(rows.String(), link) {
		t.Fatalf("the path itself should be stored: %s", rows.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
