package smoke

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sessionBus starts a private D-Bus session bus (what a desktop session
// has) and returns its address.
func sessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Fatal("dbus-daemon is not installed (apt-get install dbus): the single-instance test needs a session bus")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(addr)
}

// A second launch hands over to the first (which comes to the front) and
// exits without opening the database.
func TestSecondLaunchExits(t *testing.T) {
	display := Xvfb(t)
	bus := sessionBus(t)
	tmp := t.TempDir()
	bin := Build(t, tmp)
	data := filepath.Join(tmp, "data")
	env := append(os.Environ(), "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus)
	first := exec.Command(bin, "--data-dir", data)
	first.Env = env
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { first.Process.Signal(syscall.SIGTERM); first.Wait() }()
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(filepath.Join(data, "shipdeck.db")); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)

	second := exec.Command(bin, "--data-dir", data)
	second.Env = env
	logPath := filepath.Join(tmp, "second.log")
	log, _ := os.Create(logPath)
	second.Stdout, second.Stderr = log, log
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- second.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		second.Process.Kill()
		out, _ := os.ReadFile(logPath)
		t.Fatalf("the second launch is still running after 10 s:\n%s", out)
	}
	out, _ := os.ReadFile(logPath)
	if strings.Contains(string(out), "database open") {
		t.Fatalf("the second launch opened the database:\n%s", out)
	}
	if first.ProcessState != nil {
		t.Fatal("the first instance exited")
	}
}
