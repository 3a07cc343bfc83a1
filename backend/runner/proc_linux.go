package runner

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// setParentDeathSignal has the kernel SIGKILL bash if the app dies, even by
// SIGKILL. It only reaches bash itself, not its children, and it fires when
// the thread that started bash exits; Go never ends its threads unless a
// goroutine exits while locked to one, which Run does not do.
func setParentDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }

// liveMember reports whether the group has a member that is not a zombie.
// kill(-pgid, 0) counts zombies too, and an orphaned zombie stays until PID
// 1 reaps it, which in some containers is never; /proc tells them apart.
func liveMember(pgid int) bool {
	d, err := os.Open("/proc")
	if err != nil {
		return true
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return true
	}
	for _, name := range names {
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + name + "/stat")
		if err != nil {
			// The process ended since the directory was read.
			continue
		}
		if state, pgrp, ok := parseStat(stat); ok && pgrp == pgid && state != 'Z' && state != 'X' {
			return true
		}
	}
	return false
}

// parseStat reads the state and the process group from /proc/PID/stat:
// "pid (comm) state ppid pgrp ...", where comm may hold spaces and
// parentheses, so the fields are counted from the last ")".
func parseStat(stat []byte) (state byte, pgrp int, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 3 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	pgrp, err := strconv.Atoi(string(fields[2]))
	if err != nil {
		return 0, 0, false
	}
	return fields[0][0], pgrp, true
}

// BootID names the running kernel boot: a process id kept in a file means
// the same process only within the same boot.
func BootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// KillGroup kills what is left of a process group a crashed app started
// (bash died with the app, by its parent-death signal; its children may
// not have). It reports whether any member was alive.
func KillGroup(pgid int) bool {
	if pgid <= 1 || !liveMember(pgid) {
		return false
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // what is gone is gone
	return true
}
