// Package settings keeps the operator's preferences: the name written as the
// actor of every step change, and the theme.
package settings

import (
	"context"
	"database/sql"
	"errors"
	"os/user"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

const (
	keyOperator = "operator_name"
	keyTheme    = "theme"
)

// Themes the frontend knows.
var Themes = []string{"system", "light", "dark"}

// Settings is what the settings page shows and edits.
type Settings struct {
	OperatorName string `json:"operatorName"`
	// OperatorNameIsDefault is true while the name comes from the OS account.
	OperatorNameIsDefault bool   `json:"operatorNameIsDefault"`
	Theme                 string `json:"theme"`
}

// Update is the settings form. Empty OperatorName goes back to the OS name.
type Update struct {
	OperatorName string `json:"operatorName"`
	Theme        string `json:"theme"`
}

// Service is bound to the frontend.
type Service struct {
	st *store.Store
}

// NewService returns the settings service.
func NewService(st *store.Store) *Service { return &Service{st: st} }

// Get returns the current settings.
func (s *Service) Get() (out Settings, err error) {
	defer problem.Recover(&err)
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		out, err = load(ctx, db)
		return err
	})
	return out, err
}

// Save validates and stores the settings.
func (s *Service) Save(in Update) (out Settings, err error) {
	defer problem.Recover(&err)
	name, err := validate.Optional("operatorName", "Operator name", in.OperatorName, validate.MaxName, false)
	if err != nil {
		return out, err
	}
	theme, err := validate.OneOf("theme", "Theme", in.Theme, Themes...)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		if name == "" {
			if _, err := tx.NewDelete().Model((*store.Setting)(nil)).Where("key = ?", keyOperator).Exec(ctx); err != nil {
				return err
			}
		} else if err := put(ctx, tx, keyOperator, name); err != nil {
			return err
		}
		if err := put(ctx, tx, keyTheme, theme); err != nil {
			return err
		}
		out, err = load(ctx, tx)
		return err
	})
	return out, err
}

func put(ctx context.Context, db bun.IDB, key, value string) error {
	_, err := db.NewInsert().Model(&store.Setting{Key: key, Value: value}).
		On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx)
	return err
}

func get(ctx context.Context, db bun.IDB, key string) (string, bool, error) {
	var s store.Setting
	err := db.NewSelect().Model(&s).Where("key = ?", key).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return s.Value, err == nil, err
}

func load(ctx context.Context, db bun.IDB) (Settings, error) {
	var out Settings
	name, ok, err := get(ctx, db, keyOperator)
	if err != nil {
		return out, err
	}
	if !ok {
		name, out.OperatorNameIsDefault = OSUserName(), true
	}
	theme, ok, err := get(ctx, db, keyTheme)
	if err != nil {
		return out, err
	}
	if !ok {
		theme = "system"
	}
	out.OperatorName, out.Theme = name, theme
	return out, nil
}

// Actor is the name recorded as executed_by and in step history.
func Actor(ctx context.Context, db bun.IDB) (string, error) {
	s, err := load(ctx, db)
	return s.OperatorName, err
}

// OSUserName is the OS account's full name, else its login name.
func OSUserName() string {
	u, err := user.Current()
	if err != nil {
		return "operator"
	}
	// GECOS fields carry "Full Name,room,phone,…".
	if full, _, _ := strings.Cut(u.Name, ","); strings.TrimSpace(full) != "" {
		return strings.TrimSpace(full)
	}
	if u.Username != "" {
		// Windows login names come as DOMAIN\user.
		if i := strings.LastIndex(u.Username, `\`); i >= 0 {
			return u.Username[i+1:]
		}
		return u.Username
	}
	return "operator"
}
