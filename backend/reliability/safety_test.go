package reliability

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

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
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".test.tsx") || !(strings.HasSuffix(path, ".tsx") || strings.HasSuffix(path, ".ts")) {
			return err
		}
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), "dangerouslySetInnerHTML") || strings.Contains(string(b), "innerHTML =") {
			rel, _ := filepath.Rel(root, path)
			found = append(found, rel)
		}
		return nil
	})
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
	db, _ := w2.st.DB()
	var done int
	db.QueryRow("SELECT count(*) FROM customer_steps WHERE template_id = ? AND status = 'done'", d.Deploy[0].ID).Scan(&done)
	if done != len(custs) {
		t.Fatalf("%d of %d steps written", done, len(custs))
	}
}
