package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/report"
	"shipdeck/backend/runbook"
	"shipdeck/backend/store"
)

// Exports is the bound service behind File → Export release…, the release
// and customer pages' exports and the runbook files: the native dialogs are
// here, the formats in backend/report and backend/runbook.
type Exports struct {
	shell *Shell

	mu      sync.Mutex
	cancel  context.CancelFunc
	written map[string]bool // files this session wrote: Open opens only these

	// save and open stand for the native dialogs (tests answer them).
	save func(title, name string, filters []runtime.FileFilter) (string, error)
	open func(title string, filters []runtime.FileFilter) (string, error)
}

// newExports returns the service with the native dialogs.
func newExports(shell *Shell) *Exports {
	e := &Exports{shell: shell, written: map[string]bool{}}
	e.save = func(title, name string, filters []runtime.FileFilter) (string, error) {
		return runtime.SaveFileDialog(shell.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: name, Filters: filters})
	}
	e.open = func(title string, filters []runtime.FileFilter) (string, error) {
		return runtime.OpenFileDialog(shell.ctx, runtime.OpenDialogOptions{Title: title, Filters: filters})
	}
	answerDialogs(e)
	return e
}

// answerDialogs lets the dev build's end-to-end tests answer the native
// dialogs (dialogs_dev.go); the release build leaves them native.
var answerDialogs = func(*Exports) {}

// EventExportProgress carries {done, total} steps while a report is written.
const EventExportProgress = "export:progress"

// ExportInput asks for a release report.
type ExportInput struct {
	Selection report.Selection `json:"selection"`
	Format    report.Format    `json:"format"`
}

// ExportResult says where an export went, or that the dialog was cancelled.
type ExportResult struct {
	Cancelled bool   `json:"cancelled"`
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
}

var formatNames = map[report.Format]string{report.Markdown: "Markdown", report.HTML: "HTML", report.CSV: "CSV", report.JSON: "JSON"}

// ExportReport asks where to save, then writes the report of a release (or
// a cluster, some customers or one customer of it). The file appears only
// when whole: it is written under a private partial name and renamed.
// CancelExport stops a long one.
func (e *Exports) ExportReport(in ExportInput) (out ExportResult, err error) {
	defer problem.Recover(&err)
	name, ok := formatNames[in.Format]
	if !ok {
		return out, problem.Invalid("format", "Report format must be Markdown, HTML, CSV or JSON.")
	}
	rel, err := e.releaseName(in.Selection.ReleaseID)
	if err != nil {
		return out, err
	}
	path, err := e.save("Export the release report", fileName(rel, "report")+in.Format.Extension(), []runtime.FileFilter{{DisplayName: name + " (*" + in.Format.Extension() + ")", Pattern: "*" + in.Format.Extension()}})
	if err != nil || path == "" {
		return ExportResult{Cancelled: err == nil}, err
	}
	ctx, cancel := context.WithCancel(e.shell.ctx)
	e.mu.Lock()
	if e.cancel != nil {
		e.mu.Unlock()
		cancel()
		return out, problem.State("Another export is being written: wait for it or cancel it first.")
	}
	e.cancel = cancel
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.cancel = nil
		e.mu.Unlock()
		cancel()
	}()
	last := time.Time{}
	n, err := e.writeFile(path, func(w io.Writer) error {
		return e.shell.store.Read(func(_ context.Context, db bun.IDB) error {
			return report.Write(ctx, db, in.Format, in.Selection, w, report.Options{Progress: func(done, total int) {
				// A few events a second at most: the window only shows a bar.
				if done == total || time.Since(last) > 150*time.Millisecond {
					last = time.Now()
					e.shell.emit(e.shell.ctx, EventExportProgress, map[string]int{"done": done, "total": total})
				}
			}})
		})
	})
	if errors.Is(err, context.Canceled) {
		return ExportResult{Cancelled: true}, nil
	}
	if err != nil {
		return out, err
	}
	return ExportResult{Path: path, Bytes: n}, nil
}

// CancelExport stops the report being written; nothing is left behind.
func (e *Exports) CancelExport() (err error) {
	defer problem.Recover(&err)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cancel != nil {
		e.cancel()
	}
	return nil
}

// ExportRunbook asks where to save, then writes the release's templates as
// a runbook file (YAML, docs/export-format.md).
func (e *Exports) ExportRunbook(releaseID int64) (out ExportResult, err error) {
	defer problem.Recover(&err)
	d, err := e.shell.services.Releases.Get(releaseID)
	if err != nil {
		return out, err
	}
	path, err := e.save("Export the runbook", fileName(d.Release.Name, "runbook")+".yaml", []runtime.FileFilter{{DisplayName: "Runbook (*.yaml)", Pattern: "*.yaml;*.yml"}})
	if err != nil || path == "" {
		return ExportResult{Cancelled: err == nil}, err
	}
	steps := func(ts []release.Template) []runbook.Step {
		out := make([]runbook.Step, len(ts))
		for i, t := range ts {
			out[i] = runbook.Step{Name: t.Name, Type: string(t.Type), Content: t.Content, Description: t.Description}
		}
		return out
	}
	n, err := e.writeFile(path, func(w io.Writer) error { return runbook.Write(w, d.Release.Name, steps(d.Deploy), steps(d.Verify)) })
	if err != nil {
		return out, err
	}
	return ExportResult{Path: path, Bytes: n}, nil
}

// RunbookFile is a runbook read from a file: its steps as templates, or
// what is wrong with it, line by line.
type RunbookFile struct {
	Cancelled bool                    `json:"cancelled"`
	Path      string                  `json:"path"`
	Name      string                  `json:"name"`
	Templates []release.TemplateInput `json:"templates"`
	Problems  []runbook.Problem       `json:"problems"`
}

// maxRunbookBytes bounds a runbook file: 1,000 steps of generous size.
const maxRunbookBytes = 32 << 20

// OpenRunbook asks for a runbook file and reads it: the wizard's "Start
// from a runbook…" fills its steps with them.
func (e *Exports) OpenRunbook() (out RunbookFile, err error) {
	defer problem.Recover(&err)
	path, err := e.open("Open a runbook", []runtime.FileFilter{{DisplayName: "Runbook (*.yaml, *.yml)", Pattern: "*.yaml;*.yml"}})
	if err != nil || path == "" {
		return RunbookFile{Cancelled: err == nil, Templates: []release.TemplateInput{}, Problems: []runbook.Problem{}}, err
	}
	return readRunbook(path)
}

func readRunbook(path string) (RunbookFile, error) {
	out := RunbookFile{Path: path, Templates: []release.TemplateInput{}, Problems: []runbook.Problem{}}
	f, err := os.Open(path)
	if err != nil {
		return out, problem.Wrap(problem.CodeNotFound, err, "%s could not be opened.", filepath.Base(path))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRunbookBytes+1))
	if err != nil {
		return out, problem.Wrap(problem.CodeState, err, "%s could not be read.", filepath.Base(path))
	}
	if len(data) > maxRunbookBytes {
		return out, problem.Invalid("path", "%s is larger than a runbook can be (%d MB).", filepath.Base(path), maxRunbookBytes>>20)
	}
	rb, problems, err := runbook.Parse(bytes.NewReader(data))
	if err != nil {
		return out, err
	}
	out.Name = rb.Name
	if len(problems) > 0 {
		out.Problems = problems
		return out, nil
	}
	for _, list := range [][]runbook.Step{rb.Deploy, rb.Verify} {
		for _, s := range list {
			out.Templates = append(out.Templates, release.TemplateInput{Name: s.Name, Category: release.Category(s.Category), Type: release.StepType(s.Type), Content: s.Content, Description: s.Description})
		}
	}
	return out, nil
}

// RunbookImportInput imports a runbook file into a draft release.
type RunbookImportInput struct {
	ReleaseID int64 `json:"releaseId"`
	Replace   bool  `json:"replace"`
}

// RunbookImport says what an import did, or what is wrong with the file
// (then nothing was written).
type RunbookImport struct {
	Cancelled bool              `json:"cancelled"`
	Path      string            `json:"path"`
	Added     int               `json:"added"`
	Removed   int               `json:"removed"`
	Problems  []runbook.Problem `json:"problems"`
}

// ImportRunbook asks for a runbook file and puts its steps into a draft:
// in place of its templates or after them, all or nothing.
func (e *Exports) ImportRunbook(in RunbookImportInput) (out RunbookImport, err error) {
	defer problem.Recover(&err)
	out.Problems = []runbook.Problem{}
	path, err := e.open("Import a runbook into the draft", []runtime.FileFilter{{DisplayName: "Runbook (*.yaml, *.yml)", Pattern: "*.yaml;*.yml"}})
	if err != nil || path == "" {
		out.Cancelled = err == nil
		return out, err
	}
	rb, err := readRunbook(path)
	if err != nil {
		return out, err
	}
	out.Path = path
	if len(rb.Problems) > 0 {
		out.Problems = rb.Problems
		return out, nil
	}
	res, err := e.shell.services.Releases.ImportTemplates(release.ImportTemplatesInput{ReleaseID: in.ReleaseID, Replace: in.Replace, Templates: rb.Templates, Source: filepath.Base(path)})
	if err != nil {
		return out, err
	}
	out.Added, out.Removed = res.Added, res.Removed
	return out, nil
}

// Open shows a file this session exported with the OS's own application.
func (e *Exports) Open(path string) (err error) {
	defer problem.Recover(&err)
	e.mu.Lock()
	ok := e.written[path]
	e.mu.Unlock()
	if !ok {
		return problem.Invalid("path", "Shipdeck opens only the files it exported.")
	}
	return openPath(path)
}

func (e *Exports) releaseName(id int64) (string, error) {
	var name string
	err := e.shell.store.Read(func(ctx context.Context, db bun.IDB) error {
		var r store.Release
		if err := db.NewSelect().Model(&r).Column("name").Where("id = ?", id).Scan(ctx); err != nil {
			return problem.NotFound("Release %d does not exist.", id)
		}
		name = r.Name
		return nil
	})
	return name, err
}

// writeFile writes through fill into a private partial file beside path
// and renames it into place once whole: a failed or cancelled export
// leaves nothing (and never half a file under the chosen name).
func (e *Exports) writeFile(path string, fill func(io.Writer) error) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, store.PartialPrefix+"export-*")
	if err != nil {
		return 0, problem.Wrap(problem.CodeState, err, "Shipdeck cannot write in %s.", dir)
	}
	tmp := f.Name()
	cw := &countingWriter{w: f}
	err = fill(cw)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = problem.Wrap(problem.CodeState, cerr, "%s could not be written.", filepath.Base(path))
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp) // the partial file is worthless
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	e.mu.Lock()
	e.written[path] = true
	e.mu.Unlock()
	slog.Info("exported", "path", path, "bytes", cw.n)
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err //nolint:wrapcheck // a writer passes its writer's error on as it is

}

var unsafeName = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// fileName is a default file name for a release's export.
func fileName(release, what string) string {
	s := strings.Trim(unsafeName.ReplaceAllString(release, "-"), "-.")
	if s == "" {
		s = "release"
	}
	return fmt.Sprintf("%s-%s", s, what)
}
