package release

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestActionRules keeps testdata/rules.json — the rules the frontend's
// fixtures use — equal to the state machine. Run with -update to rewrite it.
func TestActionRules(t *testing.T) {
	got, err := json.MarshalIndent(actionRules(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "rules.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is stale (go test ./backend/release -run TestActionRules -update):\n%s", path, got)
	}
}
