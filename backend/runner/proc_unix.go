//go:build unix

package runner

import (
	"os"
	"syscall"
	"time"
)

// sysProcAttr makes bash the leader of a new process group, so that a signal
// to the group reaches everything the script started, grandchildren
// included.
func sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(attr)
	return attr
}

// proc is the process group of one run.
type proc struct {
	pgid int
}

func newProc() (*proc, error) { return &proc{}, nil }

func (p *proc) attach(process *os.Process) { p.pgid = process.Pid }

func (p *proc) release() {}

// forced is false: on Unix the exit status tells whether a signal killed
// bash.
func (p *proc) forced() bool { return false }

// signal ignores errors: ESRCH means the group is gone already, and EPERM
// can only come from a member that became another user (sudo), which
// nothing here could stop anyway.
func (p *proc) signal(sig syscall.Signal) { _ = syscall.Kill(-p.pgid, sig) }

// alive reports whether a process of the group is still running.
func (p *proc) alive() bool {
	if syscall.Kill(-p.pgid, 0) == syscall.ESRCH {
		return false
	}
	return liveMember(p.pgid)
}

// stop ends the group: SIGTERM, then SIGKILL after grace if bash has not
// exited or anything else of the group still runs. exited is closed when
// bash has been waited for; stop returns at once if that is so and the
// group is empty, the case of every script that leaves nothing behind.
func (p *proc) stop(grace time.Duration, exited <-chan struct{}) {
	bashDone := isClosed(exited)
	if bashDone && !p.alive() {
		return
	}
	p.signal(syscall.SIGTERM)
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !bashDone || p.alive() {
		select {
		case <-deadline.C:
			p.signal(syscall.SIGKILL)
			p.awaitEmpty(exited)
			return
		case <-exited:
			bashDone = true
			exited = nil
		case <-tick.C:
		}
	}
}

// awaitEmpty waits a little for SIGKILLed processes to be gone, so that none
// is left when Run returns. A process stuck in the kernel (a dead network
// mount) cannot die at once, hence the bound.
func (p *proc) awaitEmpty(exited <-chan struct{}) {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if (exited == nil || isClosed(exited)) && !p.alive() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
