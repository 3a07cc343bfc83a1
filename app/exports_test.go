package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/release"
	"shipdeck/backend/report"
)

// exportsShell is a started shell with the sample workspace and dialogs
// that answer with the given paths.
func exportsShell(t *testing.T) (*Shell, *Exports, *string) {
	t.Helper()
	s, _ := startShell(t, t.TempDir())
	if err := s.services.Sample.Load(); err != nil {
		t.Fatal(err)
	}
	answer := new(string)
	e := s.services.Exports
	e.save = func(string, string, []runtime.FileFilter) (string, error) { return *answer, nil }
	e.open = func(string, []runtime.FileFilter) (string, error) { return *answer, nil }
	return s, e, answer
}

func activeRelease(t *testing.T, s *Shell) release.Release {
	t.Helper()
	all, err := s.services.Releases.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Status == release.Active {
			return r
		}
	}
	t.Fatal("no active release in the sample")
	return release.Release{}
}

func TestExportReportWritesEachFormatWhole(t *testing.T) {
	s, e, answer := exportsShell(t)
	r := activeRelease(t, s)
	dir := t.TempDir()
	for _, f := range report.Formats {
		*answer = filepath.Join(dir, "report"+f.Extension())
		res, err := e.ExportReport(ExportInput{Selection: report.Selection{ReleaseID: r.ID}, Format: f})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		data, err := os.ReadFile(*answer)
		if err != nil || int64(len(data)) != res.Bytes || res.Bytes == 0 {
			t.Fatalf("%s: %d bytes written, file %d bytes (%v)", f, res.Bytes, len(data), err)
		}
		if f == report.JSON {
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil || doc["schema"] != report.Schema {
				t.Fatalf("json: %v, schema %v", err, doc["schema"])
			}
		}
	}
	// Only whole files: no partial one is left beside them.
	left, _ := filepath.Glob(filepath.Join(dir, ".shipdeck-partial-*"))
	if len(left) != 0 {
		t.Fatalf("partial files left: %v", left)
	}
	// Open opens what this session exported, nothing else.
	if err := e.Open(filepath.Join(dir, "elsewhere.txt")); err == nil || !strings.Contains(err.Error(), "only the files it exported") {
		t.Fatalf("open of another file: %v", err)
	}
	// A cancelled dialog writes nothing.
	*answer = ""
	if res, err := e.ExportReport(ExportInput{Selection: report.Selection{ReleaseID: r.ID}, Format: report.CSV}); err != nil || !res.Cancelled {
		t.Fatalf("cancelled dialog: %+v, %v", res, err)
	}
}

// A runbook exported and imported into a new draft gives the same
// templates; a malformed file is reported line by line and writes nothing.
func TestRunbookRoundTripThroughFiles(t *testing.T) {
	s, e, answer := exportsShell(t)
	r := activeRelease(t, s)
	*answer = filepath.Join(t.TempDir(), "runbook.yaml")
	if _, err := e.ExportRunbook(r.ID); err != nil {
		t.Fatal(err)
	}
	draft, err := s.services.Releases.Create(release.Input{Name: "from-runbook", Type: release.Regular, Targets: release.Targets{Mode: "all"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.ImportRunbook(RunbookImportInput{ReleaseID: draft.ID, Replace: true})
	if err != nil || len(res.Problems) != 0 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	src, _ := s.services.Releases.Get(r.ID)
	got, _ := s.services.Releases.Get(draft.ID)
	sig := func(d release.Detail) string {
		var b strings.Builder
		for _, t := range append(d.Deploy, d.Verify...) {
			b.WriteString(string(t.Category) + "|" + t.Name + "|" + string(t.Type) + "|" + t.Content + "|" + t.Description + "\n")
		}
		return b.String()
	}
	if sig(src) != sig(got) || res.Added != len(src.Deploy)+len(src.Verify) {
		t.Fatalf("round trip differs:\n%s\nvs\n%s", sig(src), sig(got))
	}
	// The wizard's reading of the same file.
	rb, err := e.OpenRunbook()
	if err != nil || len(rb.Templates) != res.Added {
		t.Fatalf("open runbook: %d templates, %v", len(rb.Templates), err)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("shipdeck: runbook/1\nname: bad\nsteps:\n  deploy:\n    - name: x\n      type: perl\n      content: echo\n  verify: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	*answer = bad
	before, _ := s.services.Releases.Get(draft.ID)
	res, err = e.ImportRunbook(RunbookImportInput{ReleaseID: draft.ID, Replace: true})
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Line != 6 || !strings.Contains(res.Problems[0].Message, "perl") {
		t.Fatalf("malformed runbook: %+v, %v", res, err)
	}
	if after, _ := s.services.Releases.Get(draft.ID); sig(after) != sig(before) {
		t.Fatal("a malformed runbook changed the draft")
	}
}
