//go:build unix && !linux

package runner

import "syscall"

// setParentDeathSignal does nothing: macOS has no parent-death signal. If
// the app dies, a running step goes on to its end; the pipes are closed, so
// the first write it makes kills it with SIGPIPE.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// liveMember trusts kill(-pgid, 0): launchd reaps orphaned zombies at once.
func liveMember(int) bool { return true }
