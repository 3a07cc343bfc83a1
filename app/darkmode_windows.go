package app

import "golang.org/x/sys/windows/registry"

// osPrefersDark reads Windows' "app mode" (not run here: these machines run
// Linux).
func osPrefersDark() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Themes\Personalize`, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue("AppsUseLightTheme")
	return err == nil && v == 0
}

// matchToolkitTheme: Wails follows the system theme for the title bar.
func matchToolkitTheme(bool) {}

func startToolkitTheme(bool) {}
