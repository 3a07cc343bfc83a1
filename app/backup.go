package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/backup"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// Backups is the bound service behind "Back up database…" and "Restore
// from backup…" (menu and settings).
type Backups struct {
	shell *Shell
}

// BackupResult says where a backup went, or that the dialog was cancelled.
type BackupResult struct {
	Cancelled bool   `json:"cancelled"`
	Path      string `json:"path"`
}

// RestoreResult says which file was restored, where the replaced database
// was kept, and what the backup held that Shipdeck did not create and left
// out (triggers, views, extra tables or indexes: "trigger wipe_history").
type RestoreResult struct {
	Cancelled bool     `json:"cancelled"`
	Restored  string   `json:"restored"`
	KeptAt    string   `json:"keptAt"`
	LeftOut   []string `json:"leftOut"`
}

func (b *Backups) dir() string { return filepath.Join(b.shell.cfg.DataDir, "backups") }

// BackUp asks where to save, then writes a consistent copy of the database.
func (b *Backups) BackUp() (out BackupResult, err error) {
	defer problem.Recover(&err)
	path, err := runtime.SaveFileDialog(b.shell.ctx, runtime.SaveDialogOptions{
		Title:           "Back up the Shipdeck database",
		DefaultFilename: "shipdeck-backup-" + time.Now().Format("2006-01-02") + ".db",
		Filters:         []runtime.FileFilter{{DisplayName: "Shipdeck database (*.db)", Pattern: "*.db"}},
	})
	if err != nil {
		return out, fmt.Errorf("choose where to save the backup: %w", err)
	}
	if path == "" {
		return BackupResult{Cancelled: true}, nil
	}
	if err := backup.To(b.shell.ctx, b.shell.store, path); err != nil {
		return out, err
	}
	return BackupResult{Path: path}, nil
}

// Restore asks for a backup file, checks it, and replaces the live database
// with it; the replaced one is kept in backups/.
func (b *Backups) Restore() (out RestoreResult, err error) {
	defer problem.Recover(&err)
	path, err := runtime.OpenFileDialog(b.shell.ctx, runtime.OpenDialogOptions{
		Title:            "Restore Shipdeck from a backup",
		DefaultDirectory: b.dir(),
		Filters:          []runtime.FileFilter{{DisplayName: "Shipdeck database (*.db)", Pattern: "*.db"}},
	})
	if err != nil {
		return out, fmt.Errorf("choose a backup to restore: %w", err)
	}
	if path == "" {
		return RestoreResult{Cancelled: true}, nil
	}
	res, err := backup.Restore(b.shell.ctx, b.shell.store, path, time.Now())
	if err != nil {
		return out, err
	}
	slog.Info("database restored", "from", path, "previous kept at", res.KeptAt, "left out", res.LeftOut)
	return restoreResult(path, res), nil
}

// RestoreFile replaces the live database with one of the backups List
// offers (Settings' one-click restore); the replaced one is kept in
// backups/.
func (b *Backups) RestoreFile(path string) (out RestoreResult, err error) {
	defer problem.Recover(&err)
	if err := b.listed(path); err != nil {
		return out, err
	}
	res, err := backup.Restore(b.shell.ctx, b.shell.store, path, time.Now())
	if err != nil {
		return out, err
	}
	slog.Info("database restored", "from", path, "previous kept at", res.KeptAt, "left out", res.LeftOut)
	return restoreResult(path, res), nil
}

// RestoreAtStart replaces a database that would not open with one of the
// backups List offers, then opens it: the start-up error screen's way out.
// The file that would not open is kept beside it.
func (b *Backups) RestoreAtStart(path string) (out RestoreResult, err error) {
	defer problem.Recover(&err)
	s := b.shell
	<-s.ready
	oe := s.StartupError()
	if oe == nil {
		return out, problem.State("The database is open: restore a backup from Settings instead.")
	}
	if !Restorable(oe.Code) {
		return out, problem.State("A backup would not help here: %s", oe.Message)
	}
	if err := b.listed(path); err != nil {
		return out, err
	}
	// Hold the data directory while the files move, as an open does.
	release, err := acquireLock(filepath.Join(s.cfg.DataDir, "shipdeck.lock"))
	if err != nil {
		return out, startupError(s.cfg.DataDir, err)
	}
	res, err := backup.Replace(s.ctx, path, filepath.Join(s.cfg.DataDir, store.FileName), time.Now())
	release()
	if err != nil {
		return out, err
	}
	slog.Info("database restored at start-up", "from", path, "unreadable file kept at", res.KeptAt, "left out", res.LeftOut)
	if err := s.reopen(); err != nil {
		return out, problem.Wrap(problem.CodeState, err, "The backup is in place, but the database still did not open: %s", err.Error())
	}
	return restoreResult(path, res), nil
}

// Restorable tells whether a start-up failure is one a backup mends: the
// file is damaged, or is not (or no longer only) Shipdeck's.
func Restorable(code store.StartupCode) bool {
	switch code {
	case store.StartupDamaged, store.StartupNotShipdeck, store.StartupForeignObjects:
		return true
	}
	return false
}

// listed refuses a path that is not one of the backups List offers.
func (b *Backups) listed(path string) error {
	all, err := backup.List(b.shell.ctx, b.dir())
	if err != nil {
		return err
	}
	for _, i := range all {
		if i.Path == path {
			return nil
		}
	}
	return problem.Invalid("path", "%s is not one of the backups in %s that passed the check.", filepath.Base(path), b.dir())
}

func restoreResult(path string, res backup.Restored) RestoreResult {
	if res.LeftOut == nil {
		res.LeftOut = []string{}
	}
	return RestoreResult{Restored: path, KeptAt: res.KeptAt, LeftOut: res.LeftOut}
}

// List returns the backups in the data directory's backups/ folder that
// pass the check a restore makes.
func (b *Backups) List() (out []backup.Info, err error) {
	defer problem.Recover(&err)
	return backup.List(b.shell.ctx, b.dir())
}

// EventBackupFailed is emitted, with the sentence System.Status carries as
// DailyBackupError, when the daily backup fails.
const EventBackupFailed = "backup:failed"

// dailyBackup runs after start-up, off the UI's path: a copy a day in
// backups/, the last 14 kept. A failure is never fatal, but never silent
// either: it is logged, kept for System.Status (the settings page) and
// sent to the window (EventBackupFailed). A quit cancels it (ctx): the
// half-written copy is removed, and the next start writes today's again.
// A read-only database is not backed up: it cannot change.
func (s *Shell) dailyBackup(ctx context.Context) {
	if s.store.ReadOnly() {
		slog.Info("no daily backup: the database is open read-only")
		return
	}
	now := time.Now()
	path, err := backup.Daily(ctx, s.store, filepath.Join(s.cfg.DataDir, "backups"), now)
	if err != nil {
		if ctx.Err() != nil {
			return // cut short by a quit: not a failure
		}
		msg := dailyFailure(now, err)
		slog.Error("daily backup failed", "message", msg, "err", err, "chain", problem.Chain(err))
		s.mu.Lock()
		s.dailyErr = msg
		s.mu.Unlock()
		s.emit(s.ctx, EventBackupFailed, msg)
		return
	}
	if path != "" {
		slog.Info("daily backup written", "path", path)
	}
}

// dailyFailure says when the daily backup failed and why, in the words of
// the error when it has plain ones.
func dailyFailure(at time.Time, err error) string {
	why := "It could not be written; the details are in the log."
	if pe := problem.For(err); pe.Code != problem.CodeInternal {
		why = pe.Message
	}
	return fmt.Sprintf("The daily backup of %s failed. %s", at.Format("2006-01-02 15:04"), why)
}
