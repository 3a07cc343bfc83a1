// Package settings keeps the operator's preferences: the name written as the
// actor of every step change, and the theme.
package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os/user"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

const (
	keyOperator = "operator_name"
	keyTheme    = "theme"
	keySidebar  = "ui.sidebar_collapsed"
	keyZoom     = "ui.zoom"
	keyWrap     = "ui.wrap_code"
	keyRunOn    = "run.enabled"
	keyRunLimit = "run.timeout_minutes"
	keyRunDone  = "run.mark_done"
)

// ZoomLevels are the zoom levels of the View menu, in percent.
var ZoomLevels = []int{67, 80, 90, 100, 110, 125, 150, 175}

// Themes the frontend knows.
var Themes = []string{"system", "light", "dark"}

// Settings is what the settings page shows and edits.
type Settings struct {
	OperatorName string `json:"operatorName"`
	// OperatorNameIsDefault is true while the name comes from the OS account.
	OperatorNameIsDefault bool        `json:"operatorNameIsDefault"`
	Theme                 string      `json:"theme"`
	Preferences           Preferences `json:"preferences"`
	Running               Running     `json:"running"`
}

// Running is how bash steps may run (docs/running-steps.md).
type Running struct {
	// Enabled: steps can run at all (on by default).
	Enabled bool `json:"enabled"`
	// TimeoutMinutes ends a run that takes longer (15 by default).
	TimeoutMinutes int `json:"timeoutMinutes"`
	// MarkDone: a run that succeeds marks its step done (on by default);
	// off, the operator marks it.
	MarkDone bool `json:"markDone"`
}

// MaxRunTimeoutMinutes bounds the run timeout: a day.
const MaxRunTimeoutMinutes = 24 * 60

// defaultRunning is Running before the operator changes it.
var defaultRunning = Running{Enabled: true, TimeoutMinutes: 15, MarkDone: true}

// Preferences are how the operator left the window: kept with the
// workspace, not in the web view's storage (which WebKitGTK keys by the
// binary's file name).
type Preferences struct {
	SidebarCollapsed bool `json:"sidebarCollapsed"`
	Zoom             int  `json:"zoom"` // percent, one of ZoomLevels
	WrapCode         bool `json:"wrapCode"`
}

// Update is the settings form. Empty OperatorName goes back to the OS name.
type Update struct {
	OperatorName string `json:"operatorName"`
	Theme        string `json:"theme"`
}

// Service is bound to the frontend.
type Service struct {
	st *store.Store
	// OnSaved, when set, hears every saved change (the shell keeps the
	// theme the window starts in).
	OnSaved func(Settings)
	// OnOperator, when set, hears the name of a team database's operator
	// saved (the shell keeps it with the workspace choice).
	OnOperator func(name string)
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
	team := s.st.Operator() != ""
	if team && name == "" {
		return out, problem.Invalid("operatorName", "On a team database your name is required: the other operators see it on what you do.")
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		if team {
			// On a team database the name is this operator's own, not the
			// shared settings' (the shell keeps it with the workspace
			// choice: OnOperator).
			if err := store.RegisterOperator(ctx, tx, name, s.st.Now().Unix()); err != nil {
				return err
			}
			if err := put(ctx, tx, keyTheme, theme); err != nil {
				return err
			}
			out, err = load(ctx, tx)
			out.OperatorName = name
			return err
		}
		if name != "" {
			if err := store.RegisterOperator(ctx, tx, name, s.st.Now().Unix()); err != nil {
				return err
			}
		}
		if name == "" {
			if _, err := tx.NewDelete().Model((*store.Setting)(nil)).Where("key = ?", keyOperator).Exec(ctx); err != nil {
				return fmt.Errorf("clear operator name: %w", err)
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
	if err == nil && team {
		s.st.SetOperator(name)
		if s.OnOperator != nil {
			s.OnOperator(name)
		}
	}
	if err == nil && s.OnSaved != nil {
		s.OnSaved(out)
	}
	return out, err
}

// SavePreferences stores how the operator left the window.
func (s *Service) SavePreferences(p Preferences) (out Settings, err error) {
	defer problem.Recover(&err)
	if !slices.Contains(ZoomLevels, p.Zoom) {
		return out, problem.Invalid("zoom", "Zoom must be one of %s percent (got %d).", joinInts(ZoomLevels), p.Zoom)
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		for k, v := range map[string]string{keySidebar: strconv.FormatBool(p.SidebarCollapsed), keyZoom: strconv.Itoa(p.Zoom), keyWrap: strconv.FormatBool(p.WrapCode)} {
			if err := put(ctx, tx, k, v); err != nil {
				return fmt.Errorf("save preference %s: %w", k, err)
			}
		}
		out, err = load(ctx, tx)
		return err
	})
	return out, err
}

// SaveRunning stores how steps may run.
func (s *Service) SaveRunning(r Running) (out Settings, err error) {
	defer problem.Recover(&err)
	if r.TimeoutMinutes < 1 || r.TimeoutMinutes > MaxRunTimeoutMinutes {
		return out, problem.Invalid("timeoutMinutes", "The run timeout must be between 1 and %d minutes (got %d).", MaxRunTimeoutMinutes, r.TimeoutMinutes)
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		for k, v := range map[string]string{keyRunOn: strconv.FormatBool(r.Enabled), keyRunLimit: strconv.Itoa(r.TimeoutMinutes), keyRunDone: strconv.FormatBool(r.MarkDone)} {
			if err := put(ctx, tx, k, v); err != nil {
				return fmt.Errorf("save setting %s: %w", k, err)
			}
		}
		out, err = load(ctx, tx)
		return err
	})
	return out, err
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// personal is the row a setting is kept in. On a team database the
// settings are each operator's own (theme, zoom, whether steps run from
// their machine): the settings table, which every operator shares, keeps
// them under the key and the operator's name ("theme@Ana").
func personal(ctx context.Context, key string) string {
	if op := store.OperatorOf(ctx); op != "" && key != keyOperator {
		return key + "@" + op
	}
	return key
}

func put(ctx context.Context, db bun.IDB, key, value string) error {
	key = personal(ctx, key)
	if _, err := db.NewInsert().Model(&store.Setting{Key: key, Value: value}).
		On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx); err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

func get(ctx context.Context, db bun.IDB, key string) (string, bool, error) {
	key = personal(ctx, key)
	var s store.Setting
	err := db.NewSelect().Model(&s).Where("key = ?", key).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return s.Value, true, nil
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
	if op := store.OperatorOf(ctx); op != "" { // a team database's operator
		name, out.OperatorNameIsDefault = op, false
	}
	theme, ok, err := get(ctx, db, keyTheme)
	if err != nil {
		return out, err
	}
	if !ok {
		theme = "system"
	}
	out.OperatorName, out.Theme = name, theme
	out.Preferences = Preferences{Zoom: 100}
	out.Running = defaultRunning
	var rows []store.Setting
	keys := []string{keySidebar, keyZoom, keyWrap, keyRunOn, keyRunLimit, keyRunDone}
	byRow := make(map[string]string, len(keys))
	for _, k := range keys {
		byRow[personal(ctx, k)] = k
	}
	if err := db.NewSelect().Model(&rows).Where("key IN (?)", bun.List(slices.Collect(maps.Keys(byRow)))).Scan(ctx); err != nil {
		return out, fmt.Errorf("read preferences: %w", err)
	}
	for _, r := range rows {
		switch byRow[r.Key] {
		case keySidebar:
			out.Preferences.SidebarCollapsed = r.Value == "true"
		case keyWrap:
			out.Preferences.WrapCode = r.Value == "true"
		case keyRunOn:
			out.Running.Enabled = r.Value != "false"
		case keyRunDone:
			out.Running.MarkDone = r.Value != "false"
		case keyRunLimit:
			if m, err := strconv.Atoi(r.Value); err == nil && m >= 1 && m <= MaxRunTimeoutMinutes {
				out.Running.TimeoutMinutes = m
			}
		case keyZoom:
			// A value this version does not offer reads as 100 %.
			if z, err := strconv.Atoi(r.Value); err == nil && slices.Contains(ZoomLevels, z) {
				out.Preferences.Zoom = z
			}
		}
	}
	return out, nil
}

// Actor is the name recorded as executed_by and in step history.
func Actor(ctx context.Context, db bun.IDB) (string, error) {
	if name := store.OperatorOf(ctx); name != "" {
		return name, nil
	}
	name, ok, err := get(ctx, db, keyOperator)
	if err != nil || !ok {
		return OSUserName(), err
	}
	return name, nil
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
