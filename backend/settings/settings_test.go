package settings_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
)

func TestSettings(t *testing.T) {
	st := testdb.Open(t)
	svc := settings.NewService(st)
	s, err := svc.Get()
	if err != nil || !s.OperatorNameIsDefault || s.OperatorName != settings.OSUserName() || s.Theme != "system" {
		t.Fatalf("defaults %+v %v", s, err)
	}
	s, err = svc.Save(settings.Update{OperatorName: "  Dana Ops ", Theme: "dark"})
	if err != nil || s.OperatorName != "Dana Ops" || s.OperatorNameIsDefault || s.Theme != "dark" {
		t.Fatalf("saved %+v %v", s, err)
	}
	s, err = svc.Save(settings.Update{OperatorName: "", Theme: "light"})
	if err != nil || !s.OperatorNameIsDefault || s.Theme != "light" {
		t.Fatalf("back to the OS name %+v %v", s, err)
	}
	before := testdb.Dump(t, st)
	for _, in := range []settings.Update{{Theme: "neon"}, {OperatorName: "a\x00", Theme: "dark"}, {OperatorName: string(make([]byte, 200)), Theme: "dark"}} {
		if _, err := svc.Save(in); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("%+v: want invalid, got %v", in, err)
		}
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("a refused save changed the database")
	}
}

func TestPreferences(t *testing.T) {
	st := testdb.Open(t)
	svc := settings.NewService(st)
	s, err := svc.Get()
	if err != nil || s.Preferences != (settings.Preferences{Zoom: 100}) {
		t.Fatalf("default preferences %+v %v", s.Preferences, err)
	}
	want := settings.Preferences{SidebarCollapsed: true, Zoom: 125, WrapCode: true}
	if s, err = svc.SavePreferences(want); err != nil || s.Preferences != want {
		t.Fatalf("saved %+v %v", s.Preferences, err)
	}
	if s, err = svc.Get(); err != nil || s.Preferences != want {
		t.Fatalf("read back %+v %v", s.Preferences, err)
	}
	before := testdb.Dump(t, st)
	if _, err := svc.SavePreferences(settings.Preferences{Zoom: 333}); !errors.Is(err, problem.ErrInvalid) || err.Error() != "Zoom must be one of 67, 80, 90, 100, 110, 125, 150, 175 percent (got 333)." {
		t.Fatalf("zoom 333: %v", err)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("a refused save changed the database")
	}
	// OnSaved hears the theme the window must start in.
	var heard string
	svc.OnSaved = func(x settings.Settings) { heard = x.Theme }
	if _, err := svc.Save(settings.Update{Theme: "dark"}); err != nil || heard != "dark" {
		t.Fatalf("OnSaved heard %q, %v", heard, err)
	}
}

// On a team database the operator's name is the store's own (each window's
// person), saved through the settings form but never into the shared
// settings, and required.
func TestTeamOperatorNameIsTheirOwn(t *testing.T) {
	st := testdb.Open(t)
	svc := settings.NewService(st)
	var kept string
	svc.OnOperator = func(name string) { kept = name }
	st.SetOperator("Ana")
	got, err := svc.Get()
	if err != nil || got.OperatorName != "Ana" || got.OperatorNameIsDefault {
		t.Fatalf("get %+v %v", got, err)
	}
	if _, err := svc.Save(settings.Update{OperatorName: "", Theme: "dark"}); err == nil || !strings.Contains(err.Error(), "your name is required") {
		t.Fatalf("empty name: %v", err)
	}
	got, err = svc.Save(settings.Update{OperatorName: "Ana Lima", Theme: "dark"})
	if err != nil || got.OperatorName != "Ana Lima" || got.Theme != "dark" || kept != "Ana Lima" || st.Operator() != "Ana Lima" {
		t.Fatalf("save %+v %v (kept %q)", got, err, kept)
	}
	db, _ := st.DB()
	var shared, listed int
	_ = db.QueryRowContext(context.Background(), `SELECT count(*) FROM settings WHERE key = 'operator_name'`).Scan(&shared)
	_ = db.QueryRowContext(context.Background(), `SELECT count(*) FROM operators WHERE name = 'Ana Lima'`).Scan(&listed)
	if shared != 0 || listed != 1 {
		t.Fatalf("shared setting rows %d, operators listed %d", shared, listed)
	}
}

// On a team database each operator's theme, preferences and running
// settings are their own; this computer's file keeps one set.
func TestTeamSettingsArePersonal(t *testing.T) {
	st := testdb.Open(t)
	svc := settings.NewService(st)
	st.SetOperator("Ana")
	if _, err := svc.Save(settings.Update{OperatorName: "Ana", Theme: "dark"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SavePreferences(settings.Preferences{Zoom: 125}); err != nil {
		t.Fatal(err)
	}
	st.SetOperator("Ben")
	ben, err := svc.Get()
	if err != nil || ben.Theme != "system" || ben.Preferences.Zoom != 100 || ben.OperatorName != "Ben" {
		t.Fatalf("Ben sees %+v %v", ben, err)
	}
	st.SetOperator("Ana")
	ana, err := svc.Get()
	if err != nil || ana.Theme != "dark" || ana.Preferences.Zoom != 125 {
		t.Fatalf("Ana sees %+v %v", ana, err)
	}
	st.SetOperator("")
	if file, _ := svc.Get(); file.Theme != "system" || file.Preferences.Zoom != 100 {
		t.Fatalf("the file's own settings changed: %+v", file)
	}
}
