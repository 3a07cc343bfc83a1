package smoke

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shipdeck/backend/desktoptest"
)

// sessionBus starts a private D-Bus session bus (what a desktop session
// has) and returns its address.
func sessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Fatal("dbus-daemon is not installed (apt-get install dbus): the single-instance test needs a session bus")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Killed, dbus-daemon exits with an error; Wait only reaps it.
		if err := cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("stop dbus-daemon: %v", err)
		}
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(addr)
}

// Two workspaces run side by side; a second launch on the same data
// directory hands over to the first (which comes to the front) and exits
// without opening the database.
func TestOneInstancePerDataDirectory(t *testing.T) {
	display := desktoptest.Xvfb(t, 90, 139)
	bus := "DBUS_SESSION_BUS_ADDRESS=" + sessionBus(t)
	tmp := t.TempDir()
	dirA, dirB := filepath.Join(tmp, "team-a"), filepath.Join(tmp, "team b")
	a := start(t, display, dirA, bus)
	a.waitOutput(t, "database open", 30*time.Second)
	b := start(t, display, dirB, bus)
	b.waitOutput(t, "database open", 30*time.Second)
	time.Sleep(time.Second)
	if a.cmd.ProcessState != nil || b.cmd.ProcessState != nil {
		t.Fatalf("two workspaces did not run side by side:\nA:\n%s\nB:\n%s", a.output(), b.output())
	}

	second := start(t, display, dirA, bus)
	select {
	case err := <-second.done:
		t.Logf("the second launch exited: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatalf("the second launch on the same directory is still running after 10 s:\n%s", second.output())
	}
	if strings.Contains(second.output(), "database open") {
		t.Fatalf("the second launch opened the database:\n%s", second.output())
	}
	if a.cmd.ProcessState != nil || b.cmd.ProcessState != nil {
		t.Fatal("a first instance exited")
	}
	a.quit(t)
	b.quit(t)
}
