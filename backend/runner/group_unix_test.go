//go:build unix

package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// groupMembers lists the processes of group pgid that are not zombies, as ps
// sees them: a check independent of the package's own.
func groupMembers(t *testing.T, pgid int) []string {
	t.Helper()
	out, err := exec.Command("ps", "-A", "-o", "pid=", "-o", "pgid=", "-o", "stat=", "-o", "comm=").Output()
	if err != nil {
		t.Fatalf("ps: %v", err)
	}
	var members []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[1] == strconv.Itoa(pgid) && !strings.HasPrefix(f[2], "Z") {
			members = append(members, line)
		}
	}
	return members
}

// pgidWatcher is an onChunk that finds the "pgid N" line the test scripts
// print once their background work is started.
type pgidWatcher struct {
	once  sync.Once
	ready chan int
	buf   strings.Builder
}

func newPgidWatcher() *pgidWatcher { return &pgidWatcher{ready: make(chan int, 1)} }

func (w *pgidWatcher) onChunk(c Chunk) {
	w.buf.WriteString(c.Text)
	for _, line := range strings.Split(w.buf.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "pgid "); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				w.once.Do(func() { w.ready <- n })
			}
		}
	}
}

func (w *pgidWatcher) wait(t *testing.T) int {
	t.Helper()
	select {
	case pgid := <-w.ready:
		return pgid
	case <-time.After(30 * time.Second):
		t.Fatal("the script did not print its pgid")
		return 0
	}
}

func TestStopReachesTheWholeGroup(t *testing.T) {
	tests := []struct {
		name   string
		script string
		// cancel stops the run from the test; when false the script ends
		// by itself and leaves its background job behind.
		cancel    bool
		grace     time.Duration
		outcome   Outcome
		code      int
		minWait   time.Duration
		maxReturn time.Duration
	}{
		{
			name: "cancel kills grandchildren",
			script: `(sleep 300; echo leaked > "$LEAK") &
echo "pgid $$"
sleep 300`,
			cancel: true, outcome: Cancelled, code: -1,
			maxReturn: 3 * time.Second,
		},
		{
			name: "SIGTERM ignored: SIGKILL after the grace",
			script: `trap '' TERM
(sleep 300; echo leaked > "$LEAK") &
echo "pgid $$"
sleep 300`,
			cancel: true, grace: 300 * time.Millisecond, outcome: Cancelled, code: -1,
			minWait: 300 * time.Millisecond, maxReturn: 5 * time.Second,
		},
		{
			name: "SIGTERM trapped: the script's own exit status",
			script: `trap 'echo stopping; exit 143' TERM
echo "pgid $$"
sleep 300 &
wait`,
			cancel: true, outcome: Cancelled, code: 143,
			maxReturn: 3 * time.Second,
		},
		{
			name: "background job left behind is stopped",
			script: `(sleep 300; echo leaked > "$LEAK") &
echo "pgid $$"`,
			outcome: Succeeded, code: 0,
			maxReturn: 3 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leak := filepath.Join(t.TempDir(), "leaked")
			ctx, cancel := context.WithCancel(testContext(t))
			defer cancel()
			w := newPgidWatcher()
			type ran struct {
				res Result
				err error
				at  time.Time
			}
			done := make(chan ran, 1)
			go func() {
				res, err := Run(ctx, Spec{Script: tt.script, Env: []string{"LEAK=" + leak}, KillGrace: tt.grace}, w.onChunk)
				done <- ran{res, err, time.Now()}
			}()
			pgid := w.wait(t)
			stopped := time.Now()
			if tt.cancel {
				cancel()
			}
			var r ran
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return")
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			took := r.at.Sub(stopped)
			if r.res.Outcome != tt.outcome || r.res.ExitCode != tt.code {
				t.Errorf("outcome %s, exit %d; want %s, %d", r.res.Outcome, r.res.ExitCode, tt.outcome, tt.code)
			}
			if took < tt.minWait || took > tt.maxReturn {
				t.Errorf("Run returned %v after the stop, want between %v and %v", took, tt.minWait, tt.maxReturn)
			}
			if m := groupMembers(t, pgid); len(m) > 0 {
				t.Errorf("group %d still has processes after Run returned:\n%s", pgid, strings.Join(m, "\n"))
			}
			// The leak would be written at once if the background job
			// had merely lost its sleep.
			time.Sleep(200 * time.Millisecond)
			if _, err := os.Stat(leak); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the background job ran on: %v", err)
			}
		})
	}
}
