package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/customer"
	"shipdeck/backend/fleetcsv"
	"shipdeck/backend/problem"
)

var csvFilter = []runtime.FileFilter{{DisplayName: "Spreadsheet files (*.csv)", Pattern: "*.csv"}}

// ChooseCSV opens the native file picker for a customers file and returns
// its text ("" when cancelled). A file too large to be one, or not UTF-8
// text, is refused here, before its bytes become a string.
func (s *System) ChooseCSV() (content string, err error) {
	defer problem.Recover(&err)
	path, err := runtime.OpenFileDialog(s.shell.ctx, runtime.OpenDialogOptions{Title: "Import customers from a spreadsheet file", Filters: csvFilter})
	if err != nil {
		return "", fmt.Errorf("open file picker: %w", err)
	}
	if path == "" {
		return "", nil
	}
	return readCSV(path)
}

// readCSV reads a customers file the operator chose.
func readCSV(path string) (string, error) {
	name := filepath.Base(path)
	fi, err := os.Stat(path)
	if err != nil {
		return "", problem.Wrap(problem.CodeInvalid, err, "%s cannot be read: %s", name, plainFileError(err))
	}
	if fi.IsDir() {
		return "", problem.Invalid("csv", "%s is a folder, not a spreadsheet file.", name)
	}
	if fi.Size() > customer.MaxImportBytes {
		return "", problem.Invalid("csv", "%s has %d MB, far more than a customers file holds (at most %d MB): check that it is the right file.",
			name, (fi.Size()+(1<<20)-1)>>20, customer.MaxImportBytes>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", problem.Wrap(problem.CodeInvalid, err, "%s cannot be read: %s", name, plainFileError(err))
	}
	if p, ok := fleetcsv.EncodingProblem(data); !ok {
		return "", problem.Invalid("csv", "%s: %s", name, p.Message)
	}
	return string(data), nil
}

// SaveCSV asks where to save a customers file (defaultName first) and
// writes content there, under a temporary name renamed when complete. It
// returns the path, or "" when cancelled.
func (s *System) SaveCSV(defaultName, content string) (path string, err error) {
	defer problem.Recover(&err)
	path, err = runtime.SaveFileDialog(s.shell.ctx, runtime.SaveDialogOptions{Title: "Export customers", DefaultFilename: defaultName, Filters: csvFilter})
	if err != nil {
		return "", fmt.Errorf("open save dialog: %w", err)
	}
	if path == "" {
		return "", nil
	}
	if filepath.Ext(path) == "" {
		path += ".csv"
	}
	return path, writeCSV(path, content)
}

// writeCSV writes a file the operator named, whole or not at all.
func writeCSV(path, content string) error {
	name := filepath.Base(path)
	fail := func(err error) error {
		why := plainFileError(err)
		if errors.Is(err, fs.ErrNotExist) {
			why = "its folder does not exist (any more)."
		}
		return problem.Wrap(problem.CodeInvalid, err, "%s could not be saved: %s", name, why)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".shipdeck-export-*.csv")
	if err != nil {
		return fail(err)
	}
	tmp := f.Name()
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fail(err)
	}
	return nil
}

// plainFileError says in words why a file the operator chose cannot be
// read or written.
func plainFileError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist (any more)."
	case errors.Is(err, fs.ErrPermission):
		return "you do not have permission."
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v.", pe.Err)
	}
	return fmt.Sprintf("%v.", err)
}
