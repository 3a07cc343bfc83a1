package app

import (
	"shipdeck/backend/store"
)

// Services is every struct bound to the frontend: the one list of what the
// frontend can call.
type Services struct {
	System *System
}

// NewServices builds the services on a store that start-up will open.
func NewServices(st *store.Store, shell *Shell) *Services {
	return &Services{
		System: &System{shell: shell},
	}
}

// Bindings is the list handed to Wails.
func (s *Services) Bindings() []any {
	return []any{s.System}
}
