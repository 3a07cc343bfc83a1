package app

import (
	"os"
	"path/filepath"
	"strings"
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

// PrepareDataDir sets the mode only of a directory that is Shipdeck's: one
// it creates, or a real directory of the user's that holds nothing but
// Shipdeck's (and WebKitGTK's) files, whose group and other bits it clears.
// A symbolic link, another user's directory or one holding other files is
// left as it is, with a warning when others can enter it; a read-only
// directory is never made writable.
func TestPrepareDataDir(t *testing.T) {
	type result struct {
		mode    os.FileMode
		warning string
	}
	cases := []struct {
		name  string
		setUp func(t *testing.T, dir string) (check string)
		want  result
	}{
		{"missing: created private", func(t *testing.T, dir string) string { return dir }, result{0o700, ""}},
		{"made by WebKitGTK first: tightened", func(t *testing.T, dir string) string {
			noErr(t, os.Mkdir(dir, 0o755))
			noErr(t, os.Mkdir(filepath.Join(dir, "storage"), 0o755))
			noErr(t, os.WriteFile(filepath.Join(dir, "hsts-storage.sqlite"), nil, 0o644))
			noErr(t, os.WriteFile(filepath.Join(dir, "shipdeck.db"), nil, 0o600))
			noErr(t, os.Mkdir(filepath.Join(dir, "backups"), 0o700))
			return dir
		}, result{0o700, ""}},
		{"read-only and Shipdeck's: not made writable", func(t *testing.T, dir string) string {
			noErr(t, os.Mkdir(dir, 0o555))
			t.Cleanup(func() {
				if err := os.Chmod(dir, 0o700); err != nil {
					t.Error(err)
				}
			})
			return dir
		}, result{0o500, ""}},
		{"holds other files: left as it is", func(t *testing.T, dir string) string {
			noErr(t, os.Mkdir(dir, 0o755))
			noErr(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
			return dir
		}, result{0o755, "it also holds files that are not Shipdeck's (notes.txt)"}},
		{"a symbolic link to a shared folder: left as it is", func(t *testing.T, dir string) string {
			shared := filepath.Join(filepath.Dir(dir), "shared")
			noErr(t, os.Mkdir(shared, 0o777))
			noErr(t, os.Chmod(shared, 0o777|os.ModeSticky))
			noErr(t, os.Symlink(shared, dir))
			return shared
		}, result{0o777, "because it is a symbolic link"}},
		{"another user's: left as it is", func(t *testing.T, dir string) string {
			if os.Getuid() != 0 {
				t.Skip("not run: giving a folder to another user needs root (CI runs as root)")
			}
			noErr(t, os.Mkdir(dir, 0o755))
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return dir
		}, result{0o755, "because it belongs to another user"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shipdeck")
			check := c.setUp(t, dir)
			warning, err := PrepareDataDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(check)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != c.want.mode {
				t.Errorf("mode %04o, want %04o", fi.Mode().Perm(), c.want.mode)
			}
			if (c.want.warning == "") != (warning == "") || !strings.Contains(warning, c.want.warning) {
				t.Errorf("warning %q, want one with %q", warning, c.want.warning)
			}
		})
	}
	file := filepath.Join(t.TempDir(), "file")
	noErr(t, os.WriteFile(file, nil, 0o600))
	if _, err := PrepareDataDir(file); err == nil {
		t.Fatal("a file was taken for a data directory")
	}
}
