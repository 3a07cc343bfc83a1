// Package smoke starts the real production binary in a real window under
// Xvfb: it must show something, create its database, and quit cleanly on
// SIGTERM.
package smoke

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Xvfb starts a private X display and returns its DISPLAY value.
func Xvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed (apt-get install xvfb): the smoke test needs a display")
	}
	for n := 90; n < 140; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1400x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return fmt.Sprintf(":%d", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb :%d did not come up", n)
	}
	t.Fatal("no free X display between :90 and :140")
	return ""
}

// Build compiles the production binary into dir.
func Build(t *testing.T, dir string) string {
	t.Helper()
	root := repoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "frontend", "dist", "index.html")); err != nil {
		t.Fatal("frontend/dist/index.html is missing: run `make frontend` first (the binary embeds the built frontend)")
	}
	bin := filepath.Join(dir, "shipdeck")
	cmd := exec.Command("go", "build", "-tags", "desktop,production", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// Screenshot saves the whole display and returns the standard deviation of
// the pixels of the window's sidebar region: flat (near 0) in an empty or
// blank window, clearly above 0 once the app has drawn its navigation. The
// whole screen would not do: the black desktop around an empty white window
// already varies.
func Screenshot(t *testing.T, display, path string) float64 {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v %s", err, out)
	}
	out, err := exec.Command("convert", path, "-crop", "400x300+30+60", "-format", "%[fx:standard_deviation]", "info:").Output()
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	sd, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	return sd
}

func artifacts(t *testing.T) string {
	if d := os.Getenv("SHIPDECK_ARTIFACTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

func TestWindowStartsAndQuitsCleanly(t *testing.T) {
	display := Xvfb(t)
	tmp := t.TempDir()
	bin := Build(t, tmp)
	data := filepath.Join(tmp, "data")
	cmd := exec.Command(bin, "--data-dir", data)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	log, _ := os.Create(filepath.Join(tmp, "app.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()

	shot := filepath.Join(artifacts(t), "smoke-window.png")
	deadline := time.Now().Add(30 * time.Second)
	var sd float64
	for time.Now().Before(deadline) {
		_, dbErr := os.Stat(filepath.Join(data, "shipdeck.db"))
		sd = Screenshot(t, display, shot)
		if dbErr == nil && sd > 0.02 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if sd <= 0.02 {
		logText, _ := os.ReadFile(filepath.Join(tmp, "app.log"))
		t.Fatalf("the window stayed blank (sidebar stddev %.3f); log:\n%s", sd, logText)
	}
	// Give the page a moment to render the dashboard after the window maps.
	time.Sleep(2 * time.Second)
	sd = Screenshot(t, display, shot)
	t.Logf("screenshot %s (stddev %.3f)", shot, sd)

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
		t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5 s after SIGTERM")
	}

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
}
