package app

import (
	"encoding/json"
	"errors"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/internal/pgtest"
)

// Settings → Workspace: connecting tries the team database first, keeps
// the password in the keychain and only the address and the operator's
// name in workspace.json, switches the window's store, and writes as the
// operator named; a refused connect changes nothing; switching back opens
// the file again.
func TestConnectTeamSwitchesTheWorkspace(t *testing.T) {
	keyring.MockInit() // the test machine has no keychain service
	url := pgtest.URL(t)
	nowhere, _ := neturl.Parse(url)
	nowhere.Host = "127.0.0.1:1" // nothing listens there
	dir := t.TempDir()
	s, events := startShell(t, dir)
	sys := s.services.System

	for _, bad := range []struct {
		in   TeamInput
		want string
	}{
		{TeamInput{URL: "/tmp/shipdeck.db", Operator: "Ana"}, "PostgreSQL URL"},
		{TeamInput{URL: "postgres://u:secret@127.0.0.1/x", Operator: "Ana"}, "Leave the password out"},
		{TeamInput{URL: url, Operator: " "}, "Your name"},
		{TeamInput{URL: nowhere.String(), Operator: "Ana"}, "cannot reach the team database"},
	} {
		if _, err := sys.ConnectTeam(bad.in); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: got %v, want %q", bad.in, err, bad.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, WorkspaceFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused connect wrote the workspace choice")
	}
	if st, _ := sys.Status(); st.Team != "" || !st.Ready {
		t.Fatalf("a refused connect changed the workspace: %+v", st)
	}

	st, err := sys.ConnectTeam(TeamInput{URL: url, Password: "s3cret", Operator: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := neturl.Parse(url)
	if st.Team == "" || st.TeamName != u.Host+u.Path || s.store.Operator() != "Ana" {
		t.Fatalf("status %+v, operator %q", st, s.store.Operator())
	}
	b, _ := os.ReadFile(filepath.Join(dir, WorkspaceFileName))
	var saved workspaceChoice
	if err := json.Unmarshal(b, &saved); err != nil || saved.Team != url || saved.Operator != "Ana" || strings.Contains(string(b), "s3cret") {
		t.Fatalf("workspace.json: %s", b)
	}
	if pw, err := keyring.Get(keychainService, keychainAccount(url)); err != nil || pw != "s3cret" {
		t.Fatalf("keychain: %q %v", pw, err)
	}
	if got := s.teamURL(); !strings.Contains(got, ":s3cret@") {
		t.Fatalf("the next open would not use the kept password: %s", got)
	}
	// The settings' name is the operator's own now.
	set, err := s.services.Settings.Get()
	if err != nil || set.OperatorName != "Ana" {
		t.Fatalf("settings %+v %v", set, err)
	}
	if _, err := s.services.Settings.Save(settings.Update{OperatorName: "Ana Lima", Theme: "system"}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, WorkspaceFileName))
	if !strings.Contains(string(b), "Ana Lima") {
		t.Fatalf("the new name was not kept: %s", b)
	}
	found := false
	for _, e := range events() {
		if e.name == EventDBChanged {
			found = true
		}
	}
	if !found {
		t.Fatal("the window was not told to read everything again")
	}

	st, err = sys.UseThisComputer()
	if err != nil || st.Team != "" || !strings.HasSuffix(st.DatabasePath, "shipdeck.db") || s.store.Operator() != "" {
		t.Fatalf("back to the file: %+v %v (operator %q)", st, err, s.store.Operator())
	}
	// The file's settings were never touched by the team's operator name.
	if set, _ := s.services.Settings.Get(); set.OperatorName == "Ana Lima" {
		t.Fatal("the team's operator name leaked into the file's settings")
	}
	if _, err := sys.ConnectTeam(TeamInput{URL: url, Operator: "Ana"}); err != nil {
		t.Fatal(err)
	}
	// A window started with --database cannot be switched from Settings.
	s.cfg.Database = url
	before, _ := os.ReadFile(filepath.Join(dir, WorkspaceFileName))
	if _, err := sys.UseThisComputer(); !errors.Is(err, problem.ErrState) {
		t.Fatalf("switch of a --database window: %v", err)
	}
	if _, err := sys.ConnectTeam(TeamInput{URL: url, Operator: "Someone Else"}); !errors.Is(err, problem.ErrState) {
		t.Fatalf("connect from a --database window: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, WorkspaceFileName)); string(after) != string(before) {
		t.Fatalf("a refused switch changed workspace.json: %s → %s", before, after)
	}
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
