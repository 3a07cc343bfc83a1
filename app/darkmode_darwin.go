package app

import (
	"os/exec"
	"strings"
)

// osPrefersDark reads the macOS appearance (not run here: these machines
// run Linux).
func osPrefersDark() bool {
	out, err := exec.Command("defaults", "read", "-g", "AppleInterfaceStyle").Output()
	return err == nil && strings.TrimSpace(string(out)) == "Dark"
}

// matchToolkitTheme: macOS draws the window chrome in the system appearance.
func matchToolkitTheme(bool) {}

func startToolkitTheme(bool) {}
