package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDataDirRules(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	cwd, _ := filepath.Abs(".")
	cases := []struct {
		name string
		e    Env
		want string
	}{
		{"flag wins over everything", Env{GOOS: "linux", Home: "/home/op", FlagDir: "/data/flag", Getenv: env(map[string]string{EnvDataDir: "/data/env", "XDG_DATA_HOME": "/xdg"})}, "/data/flag"},
		{"relative flag is made absolute", Env{GOOS: "linux", Home: "/home/op", FlagDir: "rel", Getenv: env(nil)}, filepath.Join(cwd, "rel")},
		{"environment over default", Env{GOOS: "linux", Home: "/home/op", Getenv: env(map[string]string{EnvDataDir: "/data/env", "XDG_DATA_HOME": "/xdg"})}, "/data/env"},
		{"linux XDG_DATA_HOME", Env{GOOS: "linux", Home: "/home/op", Getenv: env(map[string]string{"XDG_DATA_HOME": "/xdg"})}, "/xdg/shipdeck"},
		{"linux relative XDG_DATA_HOME is ignored", Env{GOOS: "linux", Home: "/home/op", Getenv: env(map[string]string{"XDG_DATA_HOME": "xdg"})}, "/home/op/.local/share/shipdeck"},
		{"linux default", Env{GOOS: "linux", Home: "/home/op", Getenv: env(nil)}, "/home/op/.local/share/shipdeck"},
		{"macOS default", Env{GOOS: "darwin", Home: "/Users/op", Getenv: env(nil)}, "/Users/op/Library/Application Support/Shipdeck"},
		{"windows AppData", Env{GOOS: "windows", Home: "/c/Users/op", Getenv: env(map[string]string{"APPDATA": "/c/Users/op/AppData/Roaming"})}, "/c/Users/op/AppData/Roaming/Shipdeck"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DataDir(c.e)
			if err != nil || got != filepath.FromSlash(c.want) {
				t.Fatalf("DataDir = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := DataDir(Env{GOOS: "linux", Getenv: env(nil)}); err == nil {
		t.Fatal("no home and no XDG: want an error")
	}
}

func TestLockKeepsASecondInstanceOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shipdeck.lock")
	release, err := acquireLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acquireLock(path); err != errAlreadyRunning {
		t.Fatalf("second lock: %v, want errAlreadyRunning", err)
	}
	release()
	again, err := acquireLock(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
}

func TestPrepareDataDirTightensAnExistingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shipdeck")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDataDir(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("mode %v, want 0700", fi.Mode().Perm())
	}
}
