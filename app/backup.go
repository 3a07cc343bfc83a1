package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/backup"
	"shipdeck/backend/problem"
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

// RestoreResult says which file was restored and where the replaced
// database was kept.
type RestoreResult struct {
	Cancelled bool   `json:"cancelled"`
	Restored  string `json:"restored"`
	KeptAt    string `json:"keptAt"`
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
		return out, err
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
		return out, err
	}
	if path == "" {
		return RestoreResult{Cancelled: true}, nil
	}
	kept, err := backup.Restore(b.shell.ctx, b.shell.store, path, time.Now())
	if err != nil {
		return out, err
	}
	slog.Info("database restored", "from", path, "previous kept at", kept)
	return RestoreResult{Restored: path, KeptAt: kept}, nil
}

// List returns the backups in the data directory's backups/ folder.
func (b *Backups) List() (out []backup.Info, err error) {
	defer problem.Recover(&err)
	return backup.List(b.dir())
}

// dailyBackup runs after start-up, off the UI's path: a copy a day in
// backups/, the last 14 kept. A failure is logged, never fatal. A quit
// cancels it (ctx): the half-written copy is removed, and the next start
// writes today's again.
func (s *Shell) dailyBackup(ctx context.Context) {
	path, err := backup.Daily(ctx, s.store, filepath.Join(s.cfg.DataDir, "backups"), time.Now())
	if err != nil {
		slog.Error("daily backup", "err", err)
		return
	}
	if path != "" {
		slog.Info("daily backup written", "path", path)
	}
}
