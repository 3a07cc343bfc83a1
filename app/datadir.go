package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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

// PrepareDataDir creates dir with mode 0700, and tightens it to 0700 if it
// exists already: on Linux WebKitGTK creates the same directory (it keys its
// storage by program name) with the umask's mode before start-up runs.
func PrepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}
