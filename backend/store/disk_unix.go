//go:build !windows

package store

import "golang.org/x/sys/unix"

// lowSpace is the free space under which a disk counts as full: less than
// SQLite needs for its shared-memory file and a few pages of WAL.
const lowSpace = 1 << 20

// diskFull tells whether the disk holding dir has (almost) no space left
// for this user.
func diskFull(dir string) bool {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false
	}
	return uint64(st.Bavail)*uint64(st.Bsize) < lowSpace
}
