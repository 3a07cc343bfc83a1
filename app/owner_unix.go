//go:build !windows

package app

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByMe says whether the user running Shipdeck owns fi.
func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
