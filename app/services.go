package app

import (
	"time"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/dashboard"
	"shipdeck/backend/highlight"
	"shipdeck/backend/release"
	"shipdeck/backend/sample"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
)

// Services is every struct bound to the frontend: the one list of what the
// frontend can call.
type Services struct {
	System    *System
	Dashboard *dashboard.Service
	Clusters  *cluster.Service
	Customers *customer.Service
	Releases  *release.Service
	Steps     *release.Steps
	Highlight *highlight.Service
	Settings  *settings.Service
	Sample    *sample.Service
	Backups   *Backups
	Runs      *release.Runs
	Exports   *Exports
}

// NewServices builds the services on a store that start-up will open.
func NewServices(st *store.Store, shell *Shell) *Services {
	settingsSvc := settings.NewService(st)
	settingsSvc.OnSaved = func(x settings.Settings) { shell.themeChanged(x.Theme) }
	settingsSvc.OnOperator = shell.operatorSaved
	steps := release.NewSteps(st)
	runs := release.NewRuns(st, steps)
	runs.Emit = queuedEmit(func(event string, data ...any) { shell.emit(shell.ctx, event, data...) })
	runs.Config = func() release.RunConfig {
		x, err := settingsSvc.Get()
		if err != nil {
			// Unreadable settings run nothing rather than guess.
			return release.RunConfig{}
		}
		return release.RunConfig{Enabled: x.Running.Enabled, Timeout: time.Duration(x.Running.TimeoutMinutes) * time.Minute, MarkDone: x.Running.MarkDone}
	}
	return &Services{
		System:    &System{shell: shell},
		Dashboard: dashboard.NewService(st),
		Clusters:  cluster.NewService(st),
		Customers: customer.NewService(st),
		Releases:  release.NewService(st),
		Steps:     steps,
		Highlight: highlight.NewService(),
		Settings:  settingsSvc,
		Sample:    sample.NewService(st),
		Backups:   &Backups{shell: shell},
		Runs:      runs,
		Exports:   newExports(shell),
	}
}

// Bindings is the list handed to Wails.
func (s *Services) Bindings() []any {
	return []any{s.System, s.Dashboard, s.Clusters, s.Customers, s.Releases, s.Steps, s.Highlight, s.Settings, s.Sample, s.Backups, s.Runs, s.Exports}
}

// queuedEmit sends events in order from a goroutine of its own: a run's
// job starts and output never wait on the window (the dev bridge writes
// to its sockets as it emits). Only a window thousands of events behind
// makes the sender wait.
func queuedEmit(emit func(string, ...any)) func(string, ...any) {
	type event struct {
		name string
		data []any
	}
	q := make(chan event, 4096)
	go func() {
		for e := range q {
			emit(e.name, e.data...)
		}
	}()
	return func(name string, data ...any) { q <- event{name, data} }
}
