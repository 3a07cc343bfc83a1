package pgtest

import "syscall"

// dieWithParent makes the server (or runuser, which passes the signal on)
// get SIGTERM when the test binary ends, however it ends.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
