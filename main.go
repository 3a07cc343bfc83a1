// Command shipdeck is the Shipdeck desktop app. main only reads the command
// line and hands over to package app.
package main

import (
	"embed"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"shipdeck/app"
	"shipdeck/backend/cli"
	"shipdeck/backend/store"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	// A subcommand is the command line (docs/cli.md); none opens the window.
	if cli.IsCommand(os.Args[1:]) {
		os.Exit(cli.Main(os.Args[1:], cli.Env{
			DataDir: func(flag string) (string, error) { return app.DataDir(app.OSEnv(flag)) },
			Version: app.Version,
		}))
	}
	dataDir := flag.String("data-dir", "", "directory for shipdeck.db and its backups (overrides "+app.EnvDataDir+")")
	database := flag.String("database", "", "open the team database at this PostgreSQL URL instead of the data directory's file (overrides "+store.EnvDatabaseURL+")")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *version {
		fmt.Println("shipdeck", app.Version)
		return
	}
	dir, err := app.DataDir(app.OSEnv(*dataDir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "shipdeck: data directory:", err)
		os.Exit(2)
	}
	if *database == "" {
		*database = os.Getenv(store.EnvDatabaseURL)
	}
	if err := app.Run(app.Config{DataDir: dir, Database: *database, Assets: assets, Icon: icon}); err != nil {
		slog.Error("shipdeck exited with an error", "err", err)
		os.Exit(1)
	}
}
