package runner

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"shipdeck/backend/problem"
)

// ErrNoBash is what the error of FindBash matches, with errors.Is, when there
// is no bash to run steps with. The error itself is a problem error whose
// sentence the operator reads as it is (problem.For): it names Git for
// Windows on Windows, /bin/bash on Linux and macOS.
var ErrNoBash = errors.New("no bash to run steps with")

var (
	noWindowsBash = problem.Wrap(problem.CodeState, ErrNoBash, "Running steps needs Git for Windows (bash.exe was not found).")
	noUnixBash    = problem.Wrap(problem.CodeState, ErrNoBash, "Running steps needs bash (/bin/bash was not found).")
)

const unixBash = "/bin/bash"

// FindBash returns the bash that runs steps: /bin/bash on Linux and macOS,
// Git for Windows' bash.exe on Windows. WSL's C:\Windows\System32\bash.exe is
// never used: it runs scripts in a Linux machine that does not see the
// operator's Windows files and tools.
func FindBash() (string, error) {
	if runtime.GOOS == "windows" {
		return findWindowsBash(os.Getenv, exec.LookPath, isFile)
	}
	if !isFile(unixBash) {
		return "", noUnixBash
	}
	return unixBash, nil
}

// findWindowsBash looks where Git for Windows installs bash.exe: for all
// users, for all users of a 32-bit install, for the current user, and
// finally next to the git.exe on PATH. The functions are parameters so that
// the search can be tested on any system.
func findWindowsBash(getenv func(string) string, lookPath func(string) (string, error), isFile func(string) bool) (string, error) {
	var candidates []string
	for _, root := range []string{getenv("ProgramFiles"), getenv("ProgramFiles(x86)")} {
		if root != "" {
			candidates = append(candidates, filepath.Join(root, "Git", "bin", "bash.exe"))
		}
	}
	if root := getenv("LocalAppData"); root != "" {
		candidates = append(candidates, filepath.Join(root, "Programs", "Git", "bin", "bash.exe"))
	}
	if git, err := lookPath("git.exe"); err == nil {
		// PATH usually has Git\cmd, sometimes Git\mingw64\bin.
		dir := filepath.Dir(git)
		candidates = append(candidates,
			filepath.Join(dir, "..", "bin", "bash.exe"),
			filepath.Join(dir, "..", "..", "bin", "bash.exe"))
	}
	for _, c := range candidates {
		if isFile(c) {
			return c, nil
		}
	}
	return "", noWindowsBash
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
