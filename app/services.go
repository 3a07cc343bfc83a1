package app

import (
	"shipdeck/backend/dashboard"
	"shipdeck/backend/release"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
)

// Services is every struct bound to the frontend: the one list of what the
// frontend can call.
type Services struct {
	System    *System
	Dashboard *dashboard.Service
	Releases  *release.Service
	Steps     *release.Steps
	Settings  *settings.Service
}

// NewServices builds the services on a store that start-up will open.
func NewServices(st *store.Store, shell *Shell) *Services {
	return &Services{
		System:    &System{shell: shell},
		Dashboard: dashboard.NewService(st),
		Releases:  release.NewService(st),
		Steps:     release.NewSteps(st),
		Settings:  settings.NewService(st),
	}
}

// Bindings is the list handed to Wails.
func (s *Services) Bindings() []any {
	return []any{s.System, s.Dashboard, s.Releases, s.Steps, s.Settings}
}
