//go:build !windows

package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// acquireLock takes an exclusive advisory lock on path, so a second Shipdeck
// never opens the same database even where the single-instance lock cannot
// work (no D-Bus session). The OS drops the lock if the process dies.
//
// In a folder Shipdeck cannot write (the database then opens read-only) the
// lock file is taken read-only if it is there; if it is not, there is
// nothing to lock against: no Shipdeck can write in that folder either.
func acquireLock(path string) (release func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		f, err = os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return func() {}, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errAlreadyRunning
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return func() {
		// Closing the file drops the lock too, so a failed unlock leaves
		// nothing held once the close below is done.
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
