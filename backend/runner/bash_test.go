package runner

import (
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"shipdeck/backend/problem"
)

func TestFindBash(t *testing.T) {
	path, err := FindBash()
	if runtime.GOOS == "windows" {
		if err != nil && !errors.Is(err, ErrNoBash) {
			t.Errorf("FindBash: %v", err)
		}
		return
	}
	if err != nil || path != "/bin/bash" {
		t.Errorf("FindBash: %q, %v", path, err)
	}
}

// TestNoBashErrors: both errors match ErrNoBash and reach the operator as
// their own sentence, not as an internal error.
func TestNoBashErrors(t *testing.T) {
	for err, want := range map[error]string{
		noUnixBash:    "Running steps needs bash (/bin/bash was not found).",
		noWindowsBash: "Running steps needs Git for Windows (bash.exe was not found).",
	} {
		if !errors.Is(err, ErrNoBash) {
			t.Errorf("%v: not ErrNoBash", err)
		}
		if pe := problem.For(err); pe.Code != problem.CodeState || pe.Message != want {
			t.Errorf("shown as %s %q, want %s %q", pe.Code, pe.Message, problem.CodeState, want)
		}
	}
}

func TestFindWindowsBash(t *testing.T) {
	// Paths are built with the host's separator, as the code under test
	// does; what matters is where it looks and in which order.
	var (
		programFiles = filepath.Join("C:", "Program Files")
		programX86   = filepath.Join("C:", "Program Files (x86)")
		localAppData = filepath.Join("C:", "Users", "op", "AppData", "Local")
		scoopGit     = filepath.Join("C:", "Users", "op", "scoop", "apps", "git", "current")
		wsl          = filepath.Join("C:", "Windows", "System32", "bash.exe")

		machine = filepath.Join(programFiles, "Git", "bin", "bash.exe")
		x86     = filepath.Join(programX86, "Git", "bin", "bash.exe")
		user    = filepath.Join(localAppData, "Programs", "Git", "bin", "bash.exe")
		scoop   = filepath.Join(scoopGit, "bin", "bash.exe")
	)
	env := map[string]string{"ProgramFiles": programFiles, "ProgramFiles(x86)": programX86, "LocalAppData": localAppData}
	tests := []struct {
		name   string
		git    string // git.exe on PATH, "" for none
		exists []string
		want   string
	}{
		{"machine install first", "", []string{wsl, user, x86, machine}, machine},
		{"32-bit install", "", []string{wsl, user, x86}, x86},
		{"user install", "", []string{wsl, user}, user},
		{"git.exe in Git\\cmd", filepath.Join(scoopGit, "cmd", "git.exe"), []string{wsl, scoop}, scoop},
		{"git.exe in Git\\mingw64\\bin", filepath.Join(scoopGit, "mingw64", "bin", "git.exe"), []string{wsl, scoop}, scoop},
		{"only WSL's bash", filepath.Join("C:", "Windows", "System32", "git.exe"), []string{wsl}, ""},
		{"nothing", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookPath := func(string) (string, error) {
				if tt.git == "" {
					return "", exec.ErrNotFound
				}
				return tt.git, nil
			}
			isFile := func(p string) bool {
				for _, e := range tt.exists {
					if p == e {
						return true
					}
				}
				return false
			}
			got, err := findWindowsBash(func(k string) string { return env[k] }, lookPath, isFile)
			if tt.want == "" {
				if !errors.Is(err, ErrNoBash) || got != "" {
					t.Errorf("got %q, %v; want ErrNoBash", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
