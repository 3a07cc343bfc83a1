package app

import (
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
}

// NewServices builds the services on a store that start-up will open.
func NewServices(st *store.Store, shell *Shell) *Services {
	settingsSvc := settings.NewService(st)
	settingsSvc.OnSaved = func(x settings.Settings) { shell.themeChanged(x.Theme) }
	return &Services{
		System:    &System{shell: shell},
		Dashboard: dashboard.NewService(st),
		Clusters:  cluster.NewService(st),
		Customers: customer.NewService(st),
		Releases:  release.NewService(st),
		Steps:     release.NewSteps(st),
		Highlight: highlight.NewService(),
		Settings:  settingsSvc,
		Sample:    sample.NewService(st),
		Backups:   &Backups{shell: shell},
	}
}

// Bindings is the list handed to Wails.
func (s *Services) Bindings() []any {
	return []any{s.System, s.Dashboard, s.Clusters, s.Customers, s.Releases, s.Steps, s.Highlight, s.Settings, s.Sample, s.Backups}
}
