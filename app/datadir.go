package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

// EnvDataDir names the environment variable that overrides the data directory.
const EnvDataDir = "SHIPDECK_DATA_DIR"

// Env is what DataDir reads from the environment, so the rules can be tested
// without touching the real one.
type Env struct {
	GOOS    string
	Home    string
	Getenv  func(string) string
	FlagDir string // --data-dir, "" when not given
}

// OSEnv describes the running process.
func OSEnv(flagDir string) Env {
	home, _ := os.UserHomeDir()
	return Env{GOOS: runtime.GOOS, Home: home, Getenv: os.Getenv, FlagDir: flagDir}
}

// DataDir picks the data directory: the --data-dir flag, else
// SHIPDECK_DATA_DIR, else the per-OS default (docs/design.md, "Desktop").
// The result is absolute.
func DataDir(env Env) (string, error) {
	pick := func(p string) (string, error) { return filepath.Abs(p) }
	if env.FlagDir != "" {
		return pick(env.FlagDir)
	}
	if d := env.Getenv(EnvDataDir); d != "" {
		return pick(d)
	}
	switch env.GOOS {
	case "windows":
		if d := env.Getenv("APPDATA"); d != "" {
			return filepath.Join(d, "Shipdeck"), nil
		}
		if env.Home == "" {
			return "", errors.New("neither %AppData% nor a home directory is set")
		}
		return filepath.Join(env.Home, "AppData", "Roaming", "Shipdeck"), nil
	case "darwin":
		if env.Home == "" {
			return "", errors.New("no home directory is set")
		}
		return filepath.Join(env.Home, "Library", "Application Support", "Shipdeck"), nil
	default:
		// XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
		if d := env.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "shipdeck"), nil
		}
		if env.Home == "" {
			return "", errors.New("neither XDG_DATA_HOME nor a home directory is set")
		}
		return filepath.Join(env.Home, ".local", "share", "shipdeck"), nil
	}
}

// PrepareDataDir makes sure dir exists and, where it is Shipdeck's to
// decide, that only its owner can enter it. A directory Shipdeck creates is
// made 0700. An existing one is tightened (its group and other bits
// cleared, never a bit added: a read-only folder stays read-only) only if
// it is a real directory, not a symbolic link, owned by the user running
// Shipdeck, and holds nothing but Shipdeck's own files (and WebKitGTK's: on
// Linux WebKitGTK keys its storage by program name, so it creates the same
// directory, with the umask's mode, before start-up runs). Any other
// directory is left as it is, and if others can enter it the returned
// warning says so, for the settings page and the log.
func PrepareDataDir(dir string) (warning string, err error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("create data directory: %w", err)
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inspect data directory: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Stat(dir)
		if err != nil {
			return "", fmt.Errorf("follow data directory link: %w", err)
		}
		if !target.IsDir() {
			return "", &fs.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
		}
		return openToOthers(dir, target, "it is a symbolic link"), nil
	}
	if !fi.IsDir() {
		return "", &fs.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
	}
	if !ownedByMe(fi) {
		return openToOthers(dir, fi, "it belongs to another user"), nil
	}
	if others, err := foreignEntries(dir); err != nil {
		return "", err
	} else if len(others) > 0 {
		return openToOthers(dir, fi, "it also holds files that are not Shipdeck's ("+listNames(others)+")"), nil
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		if err := os.Chmod(dir, perm&0o700); err != nil {
			return openToOthers(dir, fi, "it could not change them ("+err.Error()+")"), nil
		}
	}
	return "", nil
}

// openToOthers is the warning for a directory others can enter that
// Shipdeck left as it is, or "" when only its owner can.
func openToOthers(dir string, fi fs.FileInfo, why string) string {
	perm := fi.Mode().Perm()
	if perm&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("Other users of this computer may be able to read Shipdeck's data: %s has mode %04o, and Shipdeck left its permissions as they are because %s.", dir, perm, why)
}

// ownNames are the files Shipdeck keeps in its data directory; ownPrefixes
// begin the names of the ones it numbers or writes under a temporary name.
var (
	ownNames    = []string{"shipdeck.db", "shipdeck.db-wal", "shipdeck.db-shm", "shipdeck.db-journal", "shipdeck.lock", LogFileName, WindowFileName, "backups"}
	ownPrefixes = []string{"shipdeck-", ".shipdeck-", ".window-"}
	// webkitNames are what WebKitGTK keeps under $XDG_DATA_HOME/<program>
	// (seen: hsts-storage.sqlite, mediakeys, storage).
	webkitNames = []string{"hsts-storage.sqlite", "hsts-storage.sqlite-journal", "hsts-storage.sqlite-wal", "hsts-storage.sqlite-shm",
		"mediakeys", "storage", "localstorage", "databases", "indexeddb", "serviceworkers", "CacheStorage", "itp",
		"deviceidhashsalts", "webkitgtk", "icondatabase", "applications", "offlineapplicationcache", "cookies.sqlite"}
)

// foreignEntries lists what dir holds that is neither Shipdeck's nor
// WebKitGTK's.
func foreignEntries(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list data directory: %w", err)
	}
	var out []string
next:
	for _, e := range entries {
		n := e.Name()
		if slices.Contains(ownNames, n) || slices.Contains(webkitNames, n) {
			continue
		}
		for _, p := range ownPrefixes {
			if strings.HasPrefix(n, p) {
				continue next
			}
		}
		out = append(out, n)
	}
	return out, nil
}

func listNames(names []string) string {
	if len(names) > 3 {
		return strings.Join(names[:3], ", ") + fmt.Sprintf(" and %d more", len(names)-3)
	}
	return strings.Join(names, ", ")
}
