// Package runner runs one bash step on the operator's machine. It writes the
// script to a private temporary file, runs it with bash -e -o pipefail in a
// fresh temporary directory, streams its output and keeps a capped record of
// it. It knows nothing of the database or the UI: the integrator stores the
// Result and forwards the Chunks.
package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Outcome is how a run ended. The values are stored by the integrator, so
// they never change.
type Outcome string

// The outcomes of a run.
const (
	Succeeded Outcome = "succeeded"
	Failed    Outcome = "failed"
	Cancelled Outcome = "cancelled"
	TimedOut  Outcome = "timed_out"
	// Interrupted is never returned by Run: the integrator gives it to runs
	// that a crash of the app cut off. It is defined here so that all
	// outcomes are listed in one place.
	Interrupted Outcome = "interrupted"
)

// Defaults and bounds of Spec.
const (
	DefaultKillGrace   = 5 * time.Second
	DefaultOutputLimit = 1 << 20
	// MinOutputLimit keeps room for at least one record of a few bytes;
	// smaller limits are raised to it.
	MinOutputLimit = 64
)

// drainTimeout bounds the wait for end-of-file on the output pipes once the
// process group is gone. Only a process that left the group (setsid, a
// daemon) can still hold them open, and the run must not wait for it.
const drainTimeout = 2 * time.Second

// Spec describes one run.
type Spec struct {
	Script string
	// Env holds extra KEY=VALUE entries added to os.Environ(); they win over
	// inherited variables of the same name.
	Env []string
	// Timeout stops the run after this long; 0 means no timeout.
	Timeout time.Duration
	// KillGrace is the delay between SIGTERM and SIGKILL when a run is
	// stopped; 0 means DefaultKillGrace. Windows has no SIGTERM for a
	// console-less process, so there the process tree is killed at once.
	KillGrace time.Duration
	// OutputLimit is how many bytes of encoded output Result.Output keeps
	// (the last ones); 0 means DefaultOutputLimit.
	OutputLimit int
	// Bash is the path of bash; "" means FindBash().
	Bash string
	// OnStart, if not nil, hears bash's process id as soon as it runs (on
	// Unix also its process group's id): the integrator keeps it so that a
	// crash of the app leaves no script running unknown.
	OnStart func(pid int)
}

// Result is what a run produced.
type Result struct {
	Outcome Outcome
	// ExitCode is bash's exit status, -1 when it was killed by a signal (or,
	// on Windows, when Run killed it).
	ExitCode int
	Started  time.Time
	Finished time.Time
	// Output is the last OutputLimit bytes of the output, in the encoding
	// that DecodeOutput reads.
	Output string
	// OutputBytes counts every byte written to stdout and stderr, including
	// the ones Output no longer holds.
	OutputBytes int64
	// Truncated is true when Output lost its beginning to the limit.
	Truncated bool
}

// Run runs spec.Script with bash -e -o pipefail and waits for it to end.
// onChunk, if not nil, receives the output live, from one goroutine at a time
// and never after Run returns; a slow onChunk never slows the script: what
// it has not taken yet is merged into fewer, larger chunks, and if it falls
// more than OutputLimit bytes behind, the oldest undelivered text is dropped
// (Result.Output still has the last OutputLimit bytes).
//
// Cancelling ctx or reaching spec.Timeout sends SIGTERM to the script's whole
// process group and SIGKILL spec.KillGrace later if anything is left.
// Background processes that the script leaves behind are stopped the same
// way when bash exits. The error is only for a run that could not start (no
// bash, an invalid Env entry, an unwritable temporary directory); a script
// that fails is a Result with Outcome Failed.
func Run(ctx context.Context, spec Spec, onChunk func(Chunk)) (Result, error) {
	spec, err := spec.normalized()
	if err != nil {
		return Result{}, err
	}
	if ctx.Err() != nil {
		now := time.Now()
		return Result{Outcome: Cancelled, ExitCode: -1, Started: now, Finished: now}, nil
	}
	dir, err := os.MkdirTemp("", "shipdeck-step-")
	if err != nil {
		return Result{}, fmt.Errorf("create working directory: %w", err)
	}
	defer removeAll(dir)
	script, err := writeScript(dir, spec.Script)
	if err != nil {
		return Result{}, err
	}
	return run(ctx, spec, dir, script, onChunk)
}

func (s Spec) normalized() (Spec, error) {
	for _, kv := range s.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return s, fmt.Errorf("environment entry %q is not KEY=VALUE", kv)
		}
	}
	if s.KillGrace <= 0 {
		s.KillGrace = DefaultKillGrace
	}
	if s.OutputLimit <= 0 {
		s.OutputLimit = DefaultOutputLimit
	}
	s.OutputLimit = max(s.OutputLimit, MinOutputLimit)
	if s.Bash == "" {
		bash, err := FindBash()
		if err != nil {
			return s, err
		}
		s.Bash = bash
	}
	return s, nil
}

// writeScript writes the script to a new file in dir that only the user can
// read, from its first byte: the script may hold secrets.
func writeScript(dir, script string) (string, error) {
	f, err := os.CreateTemp(dir, "step-*.sh")
	if err != nil {
		return "", fmt.Errorf("create script file: %w", err)
	}
	if err := makePrivate(f); err != nil {
		f.Close()
		return "", err
	}
	if _, err := f.WriteString(script); err != nil {
		f.Close()
		return "", fmt.Errorf("write script file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write script file: %w", err)
	}
	return f.Name(), nil
}

// makePrivate checks that the empty file is 0600. CreateTemp asks for 0600,
// but an odd umask can take bits away, and then bash could not read the
// script. On Windows the mode bits mean nothing; the file is in the user's
// own temporary directory.
func makePrivate(f *os.File) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat script file: %w", err)
	}
	if fi.Mode().Perm() == 0o600 {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("chmod script file: %w", err)
	}
	return nil
}

func run(ctx context.Context, spec Spec, dir, script string, onChunk func(Chunk)) (Result, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return Result{}, fmt.Errorf("create stdout pipe: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return Result{}, fmt.Errorf("create stderr pipe: %w", err)
	}
	p, err := newProc()
	if err != nil {
		closeAll(outR, outW, errR, errW)
		return Result{}, err
	}
	defer p.release()

	// Forward slashes: Git for Windows' bash reads C:/x/y.sh reliably,
	// while backslashes depend on its path conversion.
	cmd := exec.Command(spec.Bash, "-e", "-o", "pipefail", filepath.ToSlash(script))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), spec.Env...)
	cmd.Stdout = outW
	cmd.Stderr = errW
	cmd.SysProcAttr = sysProcAttr()
	started := time.Now()
	err = cmd.Start()
	// Only the children keep the write ends, so the readers see end-of-file
	// when the last of them exits.
	closeAll(outW, errW)
	if err != nil {
		closeAll(outR, errR)
		return Result{}, fmt.Errorf("start bash: %w", err)
	}
	p.attach(cmd.Process)
	if spec.OnStart != nil {
		spec.OnStart(cmd.Process.Pid)
	}

	col := newCollector(spec.OutputLimit, onChunk)
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); col.read(outR, stdout) }()
	go func() { defer readers.Done(); col.read(errR, stderr) }()

	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()

	var timeout <-chan time.Time
	if spec.Timeout > 0 {
		t := time.NewTimer(spec.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var stoppedAs Outcome
	select {
	case <-exited:
	case <-ctx.Done():
		stoppedAs = Cancelled
	case <-timeout:
		stoppedAs = TimedOut
	}
	// Also after a normal exit: background processes the script left
	// behind must not outlive the step.
	p.stop(spec.KillGrace, exited)
	<-exited

	if !waitTimeout(&readers, drainTimeout) {
		// Closing the read ends makes the blocked reads return.
		closeAll(outR, errR)
		readers.Wait()
	}
	finished := time.Now()
	closeAll(outR, errR)
	col.finish()

	res := Result{ExitCode: -1, Started: started, Finished: finished}
	res.Output, res.OutputBytes, res.Truncated = col.result()
	if cmd.ProcessState != nil && !p.forced() {
		res.ExitCode = cmd.ProcessState.ExitCode()
	}
	switch {
	case stoppedAs != "":
		res.Outcome = stoppedAs
	case waitErr == nil:
		res.Outcome = Succeeded
	default:
		res.Outcome = Failed
	}
	return res, nil
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// closeAll closes files whose close errors mean nothing here: pipe ends that
// are done with, some of them possibly closed already.
func closeAll(files ...*os.File) {
	for _, f := range files {
		_ = f.Close()
	}
}

// removeAll deletes the working directory. On Windows a file can stay locked
// for a moment after the process that used it exits, so it tries for a
// second; after that the run's result matters more than a leftover
// directory in the temporary directory, and the error is dropped.
func removeAll(dir string) {
	for i := 0; i < 20; i++ {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
