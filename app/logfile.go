package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"
)

// LogFileName is the log in the data directory: start and stop, migrations,
// backups, and every unexpected error with its causes.
const LogFileName = "shipdeck.log"

// OpenLog sends the default logger to the data directory's log file (mode
// 0600, rotated at 5 MB with 3 old files kept) and to standard error. The
// returned closer flushes and closes the file. When the file cannot be
// opened the log goes to standard error only, and the reason is its first
// line: a log must never keep the app from starting.
func OpenLog(dir string) io.Closer {
	lj := &lumberjack.Logger{
		Filename:   filepath.Join(dir, LogFileName),
		MaxSize:    5, // megabytes
		MaxBackups: 3,
	}
	// lumberjack creates the file lazily, with mode 0600 (and keeps the
	// mode of an existing file): write once now so a failure shows here.
	w := io.MultiWriter(os.Stderr, lj)
	if _, err := lj.Write(nil); err != nil {
		w = os.Stderr
		defer slog.Error("cannot write the log file; logging to standard error only", "path", lj.Filename, "err", err)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})))
	return lj
}

func (s *Shell) logPath() string { return filepath.Join(s.cfg.DataDir, LogFileName) }
