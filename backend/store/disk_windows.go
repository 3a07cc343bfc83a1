//go:build windows

package store

import "golang.org/x/sys/windows"

// lowSpace is the free space under which a disk counts as full: less than
// SQLite needs for its shared-memory file and a few pages of WAL.
const lowSpace = 1 << 20

// diskFull tells whether the disk holding dir has (almost) no space left
// for this user.
func diskFull(dir string) bool {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return false
	}
	var free, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree); err != nil {
		return false
	}
	return free < lowSpace
}
