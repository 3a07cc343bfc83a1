package settings_test

import (
	"errors"
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
