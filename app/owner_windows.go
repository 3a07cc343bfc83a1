//go:build windows

package app

import "io/fs"

// ownedByMe says whether the user running Shipdeck owns fi. Windows keeps
// access in ACLs, which Go's file modes do not show: the data directory
// under %AppData% is the user's own, and Shipdeck never changes its mode.
func ownedByMe(fs.FileInfo) bool { return true }
