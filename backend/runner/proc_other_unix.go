//go:build unix && !linux

package runner

import "syscall"

// setParentDeathSignal does nothing: macOS has no parent-death signal. If
// the app dies, a running step goes on to its end; the pipes are closed, so
// the first write it makes kills it with SIGPIPE.
func setParentDeathSignal(*syscall.SysProcAttr) {}

// liveMember trusts kill(-pgid, 0): launchd reaps orphaned zombies at once.
func liveMember(int) bool { return true }

// BootID is "" where the kernel does not name its boot: kept process ids
// are then never acted on.
func BootID() string { return "" }

// KillGroup does nothing here: without /proc the group's members cannot be
// told from a reused id.
func KillGroup(int) bool { return false }
