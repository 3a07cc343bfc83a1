package runner

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// sysProcAttr hides the console: the app is a GUI program, and without
// CREATE_NO_WINDOW every step would flash a console window.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}

// proc is a job object holding bash and everything it starts: Git for
// Windows' bash.exe is itself a launcher of usr\bin\bash.exe, so killing the
// process alone would leave the script running. The job kills its processes
// when its last handle closes, which also covers the app dying.
//
// bash is put in the job just after it starts (os/exec cannot start a
// process suspended), so a process it started in that instant would escape;
// bash needs far longer than that to read its script.
type proc struct {
	job      windows.Handle
	process  *os.Process
	assigned bool
	killed   bool
}

func newProc() (*proc, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("create job object: %w", err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return nil, fmt.Errorf("set up job object: %w", err)
	}
	return &proc{job: job}, nil
}

// attach puts bash in the job. If that fails, stopping falls back to
// killing bash alone.
func (p *proc) attach(process *os.Process) {
	p.process = process
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(process.Pid))
	if err != nil {
		return
	}
	defer windows.CloseHandle(h)
	p.assigned = windows.AssignProcessToJobObject(p.job, h) == nil
}

func (p *proc) release() { windows.CloseHandle(p.job) }

// forced reports whether stop killed bash before it exited: TerminateJobObject
// leaves an ordinary exit code, which must not pass for the script's own.
func (p *proc) forced() bool { return p.killed }

// stop kills the whole job at once: a console-less process has no SIGTERM to
// be asked with, so grace is not used. Errors are ignored: they only mean
// the processes are gone already.
func (p *proc) stop(_ time.Duration, exited <-chan struct{}) {
	select {
	case <-exited:
	default:
		p.killed = true
	}
	if p.assigned {
		_ = windows.TerminateJobObject(p.job, 1)
		return
	}
	if p.killed {
		_ = p.process.Kill()
	}
}

// BootID is "" on Windows: a job object ends a run's processes with the app
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so none is left to find.
func BootID() string { return "" }

// KillGroup does nothing on Windows (see BootID).
func KillGroup(int) bool { return false }
