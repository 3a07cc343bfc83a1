package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testTimeout bounds every run of the tests, so that a bug shows as a
// failure rather than a hung test binary.
const testTimeout = time.Minute

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func mustRun(t *testing.T, ctx context.Context, spec Spec, onChunk func(Chunk)) Result {
	t.Helper()
	res, err := Run(ctx, spec, onChunk)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// texts joins the decoded output of each stream.
func texts(output string) (out, errOut string) {
	for _, c := range DecodeOutput(output) {
		if c.Stderr {
			errOut += c.Text
		} else {
			out += c.Text
		}
	}
	return out, errOut
}

// liveRecorder collects live chunks, and fails the test if two calls
// overlap.
type liveRecorder struct {
	t       *testing.T
	mu      sync.Mutex
	chunks  []Chunk
	inside  atomic.Int32
	overlap atomic.Bool
}

func (r *liveRecorder) add(c Chunk) {
	if r.inside.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.inside.Add(-1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.chunks); n > 0 && r.chunks[n-1].Stderr == c.Stderr {
		r.chunks[n-1].Text += c.Text
		return
	}
	r.chunks = append(r.chunks, c)
}

func (r *liveRecorder) merged() []Chunk {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.overlap.Load() {
		r.t.Error("onChunk was called from two goroutines at once")
	}
	return r.chunks
}

func TestRunOutcome(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		outcome  Outcome
		code     int
		stdout   string
		stderrIn string
	}{
		{"exit 0", "echo hello", Succeeded, 0, "hello\n", ""},
		{"exit 3", "echo before; exit 3; echo after", Failed, 3, "before\n", ""},
		{"set -e stops at the first failing command", "echo one\nfalse\necho two", Failed, 1, "one\n", ""},
		{"a failing command in a condition does not stop", "if false; then :; fi\necho two", Succeeded, 0, "two\n", ""},
		{"pipefail", "false | cat\necho after", Failed, 1, "", ""},
		{"pipefail keeps the failing status", "cat /nonexistent-shipdeck | cat\necho after", Failed, 1, "", "No such file"},
		{"empty script", "", Succeeded, 0, "", ""},
		{"stdin is empty", "read -r line || echo eof", Succeeded, 0, "eof\n", ""},
		{"killed by a signal of its own", "kill -KILL $$", Failed, -1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRun(t, testContext(t), Spec{Script: tt.script}, nil)
			out, errOut := texts(res.Output)
			if res.Outcome != tt.outcome || res.ExitCode != tt.code {
				t.Errorf("outcome %s, exit %d; want %s, %d (stderr %q)", res.Outcome, res.ExitCode, tt.outcome, tt.code, errOut)
			}
			if out != tt.stdout {
				t.Errorf("stdout %q, want %q", out, tt.stdout)
			}
			if !strings.Contains(errOut, tt.stderrIn) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.stderrIn)
			}
			if res.Started.IsZero() || res.Finished.Before(res.Started) {
				t.Errorf("started %v, finished %v", res.Started, res.Finished)
			}
		})
	}
}

func TestRunInterleavesStreamsInOrder(t *testing.T) {
	// The sleeps give each write time to be read before the next one, so
	// that the order is the script's and not a race of the two readers.
	script := `for i in 1 2 3; do
  echo "out $i"; sleep 0.1
  echo "err $i" >&2; sleep 0.1
done
printf 'partial'; sleep 0.1
printf 'partial err' >&2`
	live := &liveRecorder{t: t}
	res := mustRun(t, testContext(t), Spec{Script: script}, live.add)
	want := []Chunk{
		{false, "out 1\n"}, {true, "err 1\n"},
		{false, "out 2\n"}, {true, "err 2\n"},
		{false, "out 3\n"}, {true, "err 3\n"},
		{false, "partial"}, {true, "partial err"},
	}
	if got := DecodeOutput(res.Output); !reflect.DeepEqual(got, want) {
		t.Errorf("recorded output\n got %#v\nwant %#v", got, want)
	}
	if got := live.merged(); !reflect.DeepEqual(got, want) {
		t.Errorf("live output\n got %#v\nwant %#v", got, want)
	}
	wantEncoded := "1 out 1\n2 err 1\n1 out 2\n2 err 2\n1 out 3\n2 err 3\n1+partial\n2+partial err\n"
	if res.Output != wantEncoded {
		t.Errorf("encoded output %q, want %q", res.Output, wantEncoded)
	}
	if res.OutputBytes != int64(len("out 1\nerr 1\n")*3+len("partial")+len("partial err")) {
		t.Errorf("OutputBytes %d", res.OutputBytes)
	}
}

func TestRunEnvironment(t *testing.T) {
	t.Setenv("SHIPDECK_TEST_INHERITED", "inherited")
	t.Setenv("SHIPDECK_NAMESPACE", "overridden")
	spec := Spec{
		Script: `echo "$KUBECONFIG|$SHIPDECK_NAMESPACE|$SHIPDECK_TEST_INHERITED|$EMPTY|${#SPACES}"`,
		Env: []string{
			"KUBECONFIG=/home/op/.kube/acme.yaml",
			"SHIPDECK_NAMESPACE=acme-prod",
			"EMPTY=",
			"SPACES=a b = c",
		},
	}
	res := mustRun(t, testContext(t), spec, nil)
	if out, _ := texts(res.Output); out != "/home/op/.kube/acme.yaml|acme-prod|inherited||7\n" {
		t.Errorf("stdout %q", out)
	}
}

func TestRunRefusesBadEnvironment(t *testing.T) {
	for _, kv := range []string{"NOEQUALS", "=value"} {
		if _, err := Run(testContext(t), Spec{Script: "true", Env: []string{kv}}, nil); err == nil {
			t.Errorf("Env %q: no error", kv)
		}
	}
}

func TestRunWorkingDirectoryAndScriptFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits do not exist on Windows")
	}
	// GNU stat takes -c, BSD stat -f.
	script := `pwd -P
(stat -c %a "$0" 2>/dev/null || stat -f %Lp "$0")
cd "$(dirname "$0")" && pwd -P
ls -A | wc -l | tr -d ' '`
	var dirs []string
	for range 2 {
		res := mustRun(t, testContext(t), Spec{Script: script}, nil)
		out, errOut := texts(res.Output)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if res.Outcome != Succeeded || len(lines) != 4 {
			t.Fatalf("outcome %s, stdout %q, stderr %q", res.Outcome, out, errOut)
		}
		wd, mode, scriptDir, entries := lines[0], lines[1], lines[2], lines[3]
		if mode != "600" {
			t.Errorf("script file mode %s, want 600", mode)
		}
		if scriptDir != wd {
			t.Errorf("script in %s, working directory %s", scriptDir, wd)
		}
		if entries != "1" {
			t.Errorf("working directory has %s entries, want only the script", entries)
		}
		tmp, err := filepath.EvalSymlinks(os.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Dir(wd) != tmp {
			t.Errorf("working directory %s is not in %s", wd, tmp)
		}
		if _, err := os.Stat(wd); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("working directory %s still there after the run: %v", wd, err)
		}
		dirs = append(dirs, wd)
	}
	if dirs[0] == dirs[1] {
		t.Errorf("two runs shared the working directory %s", dirs[0])
	}
}

func TestRunRemovesDirectoryOfAFailedRun(t *testing.T) {
	res := mustRun(t, testContext(t), Spec{Script: "pwd -P; exit 7"}, nil)
	out, _ := texts(res.Output)
	wd := strings.TrimSpace(out)
	if res.ExitCode != 7 || wd == "" {
		t.Fatalf("exit %d, stdout %q", res.ExitCode, out)
	}
	if _, err := os.Stat(wd); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("working directory %s still there: %v", wd, err)
	}
}

func TestRunUnicode(t *testing.T) {
	const text = "héllo wörld ✓ 日本語 🚀\n"
	const errText = "ошибка ✗\n"
	live := &liveRecorder{t: t}
	res := mustRun(t, testContext(t), Spec{Script: "printf '" + text + "'\nprintf '" + errText + "' >&2"}, live.add)
	// Each stream on its own: without a sleep between the two writes,
	// which pipe is read first is a race (the order has its own test).
	if out, errOut := texts(res.Output); out != text || errOut != errText {
		t.Errorf("recorded %q and %q", out, errOut)
	}
	var out, errOut string
	for _, c := range live.merged() {
		if c.Stderr {
			errOut += c.Text
		} else {
			out += c.Text
		}
	}
	if out != text || errOut != errText {
		t.Errorf("live %q and %q", out, errOut)
	}
}

func TestRunLargeOutputKeepsMemoryBounded(t *testing.T) {
	const total = 10_000_000
	tests := []struct {
		name   string
		script string
		tail   string
	}{
		// Process substitution rather than a pipe: under pipefail, yes
		// killed by SIGPIPE would fail the script.
		{"lines", "head -c 10000000 < <(yes 'shipdeck output line')", "shipdeck output line\nshipdeck o"},
		{"one line without a newline", "head -c 10000000 < <(yes '' | tr '\\n' 'x')", "xxxxxxxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A low GOGC makes HeapAlloc follow the live heap rather than
			// uncollected garbage, which is what the bound is about.
			defer debug.SetGCPercent(debug.SetGCPercent(10))
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)

			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var m runtime.MemStats
				for {
					runtime.ReadMemStats(&m)
					peak.Store(max(peak.Load(), m.HeapAlloc))
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}()

			// A slow consumer: the queue must coalesce and stay bounded.
			var delivered int64
			var lastLive string
			slow := func(c Chunk) {
				delivered += int64(len(c.Text))
				lastLive = c.Text
				time.Sleep(2 * time.Millisecond)
			}
			res := mustRun(t, testContext(t), Spec{Script: tt.script}, slow)
			close(stop)
			<-sampled

			if res.Outcome != Succeeded {
				t.Fatalf("outcome %s: %.200q", res.Outcome, res.Output)
			}
			if res.OutputBytes != total {
				t.Errorf("OutputBytes %d, want %d", res.OutputBytes, total)
			}
			if len(res.Output) > DefaultOutputLimit || len(res.Output) < DefaultOutputLimit-maxPiece-3 {
				t.Errorf("kept %d bytes, want at most %d and close to it", len(res.Output), DefaultOutputLimit)
			}
			if !res.Truncated {
				t.Error("Truncated is false")
			}
			chunks := DecodeOutput(res.Output)
			if len(chunks) != 1 || !strings.HasSuffix(chunks[0].Text, tt.tail) {
				t.Errorf("output does not end with %q", tt.tail)
			}
			if delivered > total || !strings.HasSuffix(lastLive, tt.tail) {
				t.Errorf("live: %d bytes delivered, last chunk ends %q", delivered, lastLive[max(0, len(lastLive)-20):])
			}
			growth := int64(peak.Load()) - int64(before.HeapAlloc)
			t.Logf("heap growth at peak %.1f MiB, %d bytes delivered live", float64(growth)/(1<<20), delivered)
			if growth > 6<<20 {
				t.Errorf("heap grew by %.1f MiB for 10 MB of output", float64(growth)/(1<<20))
			}
		})
	}
}

func TestRunTimeout(t *testing.T) {
	start := time.Now()
	res := mustRun(t, testContext(t), Spec{Script: "echo started\nsleep 300", Timeout: 300 * time.Millisecond}, nil)
	elapsed := time.Since(start)
	if res.Outcome != TimedOut || res.ExitCode != -1 {
		t.Errorf("outcome %s, exit %d; want timed_out, -1", res.Outcome, res.ExitCode)
	}
	if elapsed < 300*time.Millisecond || elapsed > 10*time.Second {
		t.Errorf("returned after %v", elapsed)
	}
	if out, _ := texts(res.Output); out != "started\n" {
		t.Errorf("stdout %q", out)
	}
}

func TestRunCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := mustRun(t, ctx, Spec{Script: "echo should not run"}, nil)
	if res.Outcome != Cancelled || res.ExitCode != -1 || res.Output != "" {
		t.Errorf("got %+v", res)
	}
}

func TestRunStartErrors(t *testing.T) {
	_, err := Run(testContext(t), Spec{Script: "true", Bash: filepath.Join(t.TempDir(), "no-bash")}, nil)
	if err == nil || !strings.Contains(err.Error(), "start bash") {
		t.Errorf("missing bash: %v", err)
	}
	if runtime.GOOS != "windows" {
		t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
		_, err = Run(testContext(t), Spec{Script: "true"}, nil)
		if err == nil || !strings.Contains(err.Error(), "create working directory") {
			t.Errorf("missing temporary directory: %v", err)
		}
	}
}

func BenchmarkRunTrue(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		res, err := Run(ctx, Spec{Script: "true"}, nil)
		if err != nil || res.Outcome != Succeeded {
			b.Fatalf("%v %v", res.Outcome, err)
		}
	}
}
