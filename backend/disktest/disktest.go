// Package disktest gives tests real disks to fail on: a small tmpfs to
// fill, a folder that cannot be written. Shared by the store, backup and
// app tests (it sits outside backend/ so that app/ may import it).
package disktest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// Tmpfs mounts a tmpfs of size (as "2m") on a new temporary directory and
// returns it: a real, small disk to fill or to make read-only. Mounting
// needs root, which CI has (.ci/run runs as root); elsewhere the test is
// skipped, saying so.
func Tmpfs(t testing.TB, size string) string {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("not run: mounting a small tmpfs needs root (CI runs .ci/run as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
	return dir
}

// Fill writes a file in dir until its disk is full; the returned function
// removes it.
func Fill(t testing.TB, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return func() { os.Remove(path) }
		}
	}
}

// ReadOnlyDir returns a directory in which make puts files, then makes it
// impossible to write: as root (whom permissions do not stop) by
// remounting its tmpfs read-only, otherwise by taking the write bits off
// the directory and every file in it.
func ReadOnlyDir(t testing.TB, make func(dir string)) string {
	t.Helper()
	if os.Getuid() == 0 {
		dir := Tmpfs(t, "16m")
		make(dir)
		if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
			t.Fatalf("remount read-only: %v %s", err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("mount", "-o", "remount,rw", dir).CombinedOutput(); err != nil {
				t.Errorf("remount read-write: %v %s", err, out)
			}
		})
		return dir
	}
	dir := t.TempDir()
	make(dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Chmod(filepath.Join(dir, e.Name()), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	// Writable again at the end, so that the temporary directory goes.
	t.Cleanup(func() {
		if err := os.Chmod(dir, 0o700); err != nil {
			t.Errorf("make %s writable again: %v", dir, err)
		}
	})
	return dir
}
