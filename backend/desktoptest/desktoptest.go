// Package desktoptest starts the real app for tests: a private Xvfb display
// and the production binary, built the way `wails build` builds it.
package desktoptest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Tags are the build tags of the production binary: Wails' own, and on
// Linux WebKitGTK 4.1 (4.0 is gone from current distributions).
func Tags() string {
	if runtime.GOOS == "linux" {
		return "desktop,production,webkit2_41"
	}
	return "desktop,production"
}

// Xvfb starts a private X display between :first and :last and returns its
// DISPLAY value; it stops with the test.
func Xvfb(t testing.TB, first, last int) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed (apt-get install xvfb): this test runs the real window")
	}
	for n := first; n <= last; n++ {
		if !displayFree(n) {
			continue
		}
		cmd := exec.Command("Xvfb", fmt.Sprintf(":%d", n), "-screen", "0", "1400x900x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Terminated, Xvfb removes its lock and socket as it exits (a
			// killed one leaves them, and the displays run out after a few
			// dozen runs); it is killed if it has not gone within 5 s.
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("stop Xvfb: %v", err)
			}
			done := make(chan struct{})
			go func() {
				_ = cmd.Wait()
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return fmt.Sprintf(":%d", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb :%d did not come up", n)
	}
	t.Fatalf("no free X display between :%d and :%d", first, last)
	return ""
}

// displayFree tells whether display n can be taken: no socket and no lock,
// or a lock left by an Xvfb that is gone (killed, it could not remove it),
// which is then removed with its socket.
func displayFree(n int) bool {
	lock, socket := fmt.Sprintf("/tmp/.X%d-lock", n), fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	b, err := os.ReadFile(lock)
	if errors.Is(err, os.ErrNotExist) {
		_, err := os.Stat(socket)
		return errors.Is(err, os.ErrNotExist)
	}
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false // not a lock we understand
	}
	if p, err := os.FindProcess(pid); err == nil && !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone) {
		return false // its Xvfb is running
	}
	if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false
	}
	return os.Remove(lock) == nil
}

var (
	buildOnce sync.Once
	built     string
	buildErr  error
	buildDir  string
)

// Binary returns the production binary, built once per test process from
// the repository at root (which must hold frontend/dist: the binary embeds
// it). Call Cleanup from TestMain to remove it.
func Binary(t testing.TB, root string) string {
	t.Helper()
	buildOnce.Do(func() {
		if _, err := os.Stat(filepath.Join(root, "frontend", "dist", "index.html")); err != nil {
			buildErr = fmt.Errorf("frontend/dist/index.html is missing: run `make frontend` first (the binary embeds the built frontend)")
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "shipdeck-bin-"); buildErr != nil {
			return
		}
		built = filepath.Join(buildDir, "shipdeck")
		cmd := exec.Command("go", "build", "-tags", Tags(), "-ldflags", "-s -w", "-o", built, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

// Cleanup removes the binary Binary built.
func Cleanup() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// Screenshot saves the whole display to path.
func Screenshot(t testing.TB, display, path string) {
	t.Helper()
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v %s", err, out)
	}
}

// Measure runs an ImageMagick fx expression (standard_deviation, mean…) on
// the crop geometry ("400x300+30+60") of an image.
func Measure(t testing.TB, path, crop, fx string) float64 {
	t.Helper()
	out, err := exec.Command("convert", path, "-crop", crop, "+repage", "-format", "%[fx:"+fx+"]", "info:").Output()
	if err != nil {
		t.Fatalf("measure %s: %v", path, err)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("measure %s: %q", path, out)
	}
	return v
}
