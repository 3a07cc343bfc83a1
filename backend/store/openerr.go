package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// StartupCode names why the database could not be opened at start-up, so
// the frontend's start-up screen can offer what helps (restore a backup,
// choose another data directory).
type StartupCode string

// The causes Open reports. The app adds its own (another Shipdeck holds the
// data directory).
const (
	StartupFolder          StartupCode = "database_is_folder" // shipdeck.db is a folder
	StartupDataDir         StartupCode = "data_dir"           // the data directory cannot be made or read
	StartupNotWritable     StartupCode = "not_writable"       // nothing can be created or written there
	StartupReadOnlyUpgrade StartupCode = "read_only_upgrade"  // read-only, and the file needs a migration
	StartupNotShipdeck     StartupCode = "not_shipdeck"       // another application's database, or not as Shipdeck made it
	StartupForeignObjects  StartupCode = "foreign_objects"    // Shipdeck's tables, plus objects it did not create
	StartupNewer           StartupCode = "newer_schema"       // written by a newer Shipdeck
	StartupDiskFull        StartupCode = "disk_full"
	StartupDiskError       StartupCode = "disk_error"
	StartupDamaged         StartupCode = "damaged" // not a database, or a damaged one
	StartupBusy            StartupCode = "busy"    // another program holds a lock on it
)

// OpenError is a database that could not be opened, in one plain sentence
// that is true for its cause ("Nothing was changed" only where nothing
// was). Cause is what went wrong underneath, for the log.
type OpenError struct {
	Code    StartupCode
	Message string
	Cause   error
}

func (e *OpenError) Error() string { return e.Message }

// Unwrap gives errors.Is and errors.As the cause.
func (e *OpenError) Unwrap() error { return e.Cause }

// DataDirError is the sentence for a data directory dir that cannot be
// made or read (err says why).
func DataDirError(dir string, err error) error { return dirError(dir, err) }

// dirError is the data directory that cannot be made or read.
func dirError(dir string, err error) error {
	oe := &OpenError{Code: StartupDataDir, Cause: err}
	switch {
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EEXIST):
		oe.Message = fmt.Sprintf("%s (or a folder above it) is a file, not a folder. Nothing was changed: move it away or choose another data directory.", dir)
	case errors.Is(err, syscall.EROFS):
		oe.Code = StartupNotWritable
		oe.Message = fmt.Sprintf("%s cannot be created: its disk is read-only. Choose another data directory.", dir)
	case errors.Is(err, syscall.ENOSPC):
		oe.Code = StartupDiskFull
		oe.Message = fmt.Sprintf("%s cannot be created: the disk is full. Free some space and start Shipdeck again.", dir)
	case errors.Is(err, fs.ErrPermission):
		oe.Message = fmt.Sprintf("Shipdeck is not allowed to create or read %s. Nothing was changed: choose another data directory, or ask its owner for access.", dir)
	default:
		oe.Message = fmt.Sprintf("Shipdeck cannot use %s as its data directory (%s). Choose another one.", dir, plainOSError(err))
	}
	return oe
}

// openFailure is the sentence for a failure while the file at path was
// read, created, opened or migrated (stage). A failure with no cause the
// operator can act on is returned wrapped, for the caller's generic
// sentence.
func openFailure(path, stage string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s database %s: %w", stage, path, err)
	}
	var oe *OpenError
	if errors.As(err, &oe) {
		return err
	}
	dir := filepath.Dir(path)
	// Only the first look reads the file without any connection that
	// could write: after it, a WAL switch or a migration may have begun
	// (and rolled back), so "nothing was changed" is said only there.
	unchanged := ""
	if stage == "read" {
		unchanged = " Nothing was changed."
	}
	switch classify(err, dir) {
	case causeBusy:
		return &OpenError{Code: StartupBusy, Cause: err,
			Message: fmt.Sprintf("Another program is using %s, so Shipdeck could not open it: close that program and start Shipdeck again. The database was not changed.", path)}
	case causeFull:
		return &OpenError{Code: StartupDiskFull, Cause: err,
			Message: fmt.Sprintf("The disk holding %s is full, so Shipdeck could not open its database: free some space and start Shipdeck again.%s", dir, unchanged)}
	case causeReadOnly:
		return &OpenError{Code: StartupNotWritable, Cause: err,
			Message: fmt.Sprintf("Shipdeck cannot write %s (the file, its folder or its disk is read-only), so it could not open it.%s", path, unchanged)}
	case causeDisk:
		return &OpenError{Code: StartupDiskError, Cause: err,
			Message: fmt.Sprintf("The disk holding %s reported an error while Shipdeck opened its database: check the disk and start Shipdeck again.%s", dir, unchanged)}
	case causeDamaged:
		return &OpenError{Code: StartupDamaged, Cause: err,
			Message: fmt.Sprintf("%s is damaged or is not a database, so Shipdeck could not open it.%s Restore a backup, or move the file away and start again.", path, unchanged)}
	}
	return fmt.Errorf("%s database %s: %w", stage, path, err)
}

// refusal is the sentence for a file Shipdeck must not open as it is, or
// nil. It comes from a read-only look, so nothing was changed.
func refusal(path string, in Inspection) error {
	switch {
	case in.Kind == Foreign:
		return &OpenError{Code: StartupNotShipdeck, Cause: fmt.Errorf("foreign tables %v", in.Tables),
			Message: fmt.Sprintf("%s is not a Shipdeck database: it holds other tables (%s). Nothing was changed: move it away or choose another data directory.", path, list(in.Tables))}
	case in.Kind == Shipdeck && in.Version > SchemaVersion():
		return &OpenError{Code: StartupNewer, Cause: fmt.Errorf("schema version %d", in.Version),
			Message: fmt.Sprintf("%s was written by a newer Shipdeck (schema version %d; this one knows %d). Nothing was changed: update Shipdeck to open it.", path, in.Version, SchemaVersion())}
	case len(in.Changed) > 0:
		return &OpenError{Code: StartupNotShipdeck, Cause: fmt.Errorf("schema differs: %v", in.Changed),
			Message: fmt.Sprintf("%s is not a Shipdeck database as Shipdeck made it (%s). Nothing was changed: restore a backup, or move it away and start again.", path, list(in.Changed))}
	case len(in.Extra) > 0:
		return &OpenError{Code: StartupForeignObjects, Cause: fmt.Errorf("objects not created by Shipdeck: %v", in.Extra),
			Message: fmt.Sprintf("%s contains objects Shipdeck did not create (%s), which could change what Shipdeck records. Nothing was changed: restore a backup (a restore leaves such objects out), or move the file away and start again.", path, list(in.Extra))}
	}
	return nil
}

// list names up to five things, and how many more there are.
func list(items []string) string {
	const most = 5
	if len(items) <= most {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:most], ", "), len(items)-most)
}

// plainOSError is the operating system's words for err, without the
// operation and path Go puts in front.
func plainOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}
