//go:build !linux

package pgtest

import (
	"os"
	"syscall"
)

// dieWithParent: only Linux has a parent-death signal; elsewhere Main
// stops the server.
func dieWithParent() *syscall.SysProcAttr { return nil }

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
