// Package app is the Wails shell: window options, lifecycle, the data
// directory and the list of bound services. Nothing else in Shipdeck imports
// the Wails runtime.
package app

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"shipdeck/backend/problem"
	"shipdeck/backend/release"
	"shipdeck/backend/report"
	"shipdeck/backend/store"
)

// Version is stamped at build time: -ldflags "-X shipdeck/app.Version=1.2.3".
var Version = "0.1.0-dev"

var errAlreadyRunning = errors.New("another Shipdeck is already running with this data directory")

// Config is what main hands over.
type Config struct {
	DataDir string // resolved, absolute
	// Database is the team database given on the command line or in
	// SHIPDECK_DATABASE_URL ("": the choice saved in the data directory).
	Database string
	Assets   embed.FS
	Icon     []byte
}

// Shell owns the lifecycle of one running app.
type Shell struct {
	cfg      Config
	store    *store.Store
	services *Services

	ctx         context.Context
	mu          sync.Mutex
	startupErr  *store.OpenError
	dirWarning  string // the data directory is open to others (PrepareDataDir)
	dailyErr    string // the daily backup's failure, when it failed
	offline     bool   // the team database cannot be reached (watchChanges)
	emit        func(ctx context.Context, event string, data ...any)
	setTitle    func(title string) // the window's title (nothing before the window)
	releaseLock func()
	cancelOpen  context.CancelFunc // set while the database is opening
	stopDaily   context.CancelFunc // cancels the daily backup
	daily       sync.WaitGroup
	// watching is the goroutine that watches for changes made elsewhere.
	watching sync.WaitGroup

	started chan struct{} // closed once OnStartup has the Wails context
	ready   chan struct{} // closed once OnStartup has finished opening

	window      *windowTracker
	stopTracker context.CancelFunc
	dark        bool // the window's theme at start, for index.html
}

// Run builds the window and blocks until the app quits.
func Run(cfg Config) error {
	// The log goes to the data directory from the first line on; if the
	// directory cannot be made, start-up reports it again in the window.
	if _, err := PrepareDataDir(cfg.DataDir); err == nil {
		defer OpenLog(cfg.DataDir).Close()
	}
	slog.Info("starting", "version", Version, "dataDir", cfg.DataDir)
	s := newShell(cfg)
	s.emit = runtime.EventsEmit
	s.setTitle = func(title string) {
		if s.ctx != nil {
			runtime.WindowSetTitle(s.ctx, title)
		}
	}
	ws := s.window.last
	s.dark = startsDark(ws.Theme, osPrefersDark)
	start := options.Normal
	if ws.Maximised {
		start = options.Maximised
	}
	s.watchSignals()
	startToolkitTheme(s.dark)
	err := wails.Run(&options.App{
		Title:            "Shipdeck",
		Width:            ws.Width,
		Height:           ws.Height,
		MinWidth:         minWidth,
		MinHeight:        minHeight,
		WindowStartState: start,
		AssetServer: &assetserver.Options{
			Assets:     cfg.Assets,
			Middleware: themedIndex(func() bool { return s.dark }),
		},
		BackgroundColour: background(s.dark),
		OnStartup:        s.startup,
		OnBeforeClose:    s.beforeClose,
		OnShutdown:       s.shutdown,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               InstanceID(cfg.DataDir),
			OnSecondInstanceLaunch: s.secondInstance,
		},
		Menu:     s.menu(),
		Bind:     s.services.Bindings(),
		EnumBind: append(release.Enums(), report.FormatEnum()),
		// Copy, Paste and Select All on right-click, where they make sense:
		// Wails shows the browser's menu only in text fields and on
		// selected text (its --default-contextmenu: auto).
		EnableDefaultContextMenu: true,
		ErrorFormatter:           func(err error) any { return problem.Format(err) },
		Linux: &linux.Options{
			Icon:        cfg.Icon,
			ProgramName: "shipdeck",
		},
	})
	if err != nil {
		return fmt.Errorf("run the window: %w", err)
	}
	return nil
}

// newShell builds the shell of one run, with its store still closed and
// its services bound to it.
func newShell(cfg Config) *Shell {
	s := &Shell{cfg: cfg, store: store.New(nil), started: make(chan struct{}), ready: make(chan struct{})}
	s.services = NewServices(s.store, s)
	s.window = &windowTracker{dir: cfg.DataDir, last: LoadWindowState(cfg.DataDir)}
	s.emit = func(context.Context, string, ...any) {}
	s.setTitle = func(string) {}
	return s
}

// InstanceID is the single-instance id of a data directory: a second launch
// on the same directory hands over to the first, while two workspaces run
// side by side.
func InstanceID(dataDir string) string {
	sum := sha256.Sum256([]byte(filepath.Clean(dataDir)))
	return "io.shipdeck.desktop.w" + hex.EncodeToString(sum[:8])
}

// startup opens the database. A failure is kept and shown by the frontend
// (System.Status) instead of a blank window.
func (s *Shell) startup(ctx context.Context) {
	s.ctx = ctx
	close(s.started)
	defer close(s.ready)
	matchToolkitTheme(s.dark)
	trackCtx, stop := context.WithCancel(ctx)
	s.mu.Lock()
	s.stopTracker = stop
	s.mu.Unlock()
	go func() {
		s.placeWindow(ctx)
		s.window.follow(trackCtx, ctx)
	}()
	// A quit during the start-up migration interrupts it: the migration rolls
	// back whole and runs again at the next start, instead of holding the
	// exit for as long as a large database takes to migrate. It is not
	// cancelled after a successful open: the store keeps it as the parent of
	// every query.
	openCtx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancelOpen = cancel
	s.mu.Unlock()
	s.start(openCtx)
	s.mu.Lock()
	s.cancelOpen = nil
	s.mu.Unlock()
}

// start opens the data directory and the database; a failure is kept, as
// one plain sentence with its code, for the start-up screen
// (System.Status), and logged with its cause.
func (s *Shell) start(ctx context.Context) {
	err := s.open(ctx)
	if err == nil {
		return
	}
	oe := startupError(s.cfg.DataDir, err)
	slog.Error("start-up failed", "code", oe.Code, "message", oe.Message, "err", err, "chain", problem.Chain(err))
	s.mu.Lock()
	s.startupErr = oe
	s.mu.Unlock()
	// The page may have loaded and read the status before the open failed
	// (another program holding the file makes it wait): tell it.
	s.emit(s.ctx, EventStartupFailed, oe.Message)
}

// Start-up events for the window: the open failed after the page loaded,
// or a retry or a restore at start-up opened the database.
const (
	EventStartupFailed = "startup:failed"
	EventStartupReady  = "startup:ready"
)

// reopen tries the open again after a start-up failure (the start-up
// screen's "Try again", or after a restore there). It returns the new
// failure, if any, as the start-up screen shows it.
func (s *Shell) reopen() error {
	s.mu.Lock()
	s.startupErr = nil
	s.mu.Unlock()
	s.start(s.ctx)
	if oe := s.StartupError(); oe != nil {
		return oe
	}
	s.emit(s.ctx, EventStartupReady)
	return nil
}

// StartupLocked: another Shipdeck holds the data directory; StartupInternal:
// a failure with no cause an operator can act on (the log has it).
const (
	StartupLocked   store.StartupCode = "locked"
	StartupInternal store.StartupCode = "internal"
	StartupTeam     store.StartupCode = "team" // the team database cannot be reached or opened
)

// startupError is err as the start-up screen shows it.
func startupError(dir string, err error) *store.OpenError {
	var oe *store.OpenError
	switch {
	case errors.As(err, &oe):
		return oe
	case errors.Is(err, errAlreadyRunning):
		return &store.OpenError{Code: StartupLocked, Cause: err,
			Message: fmt.Sprintf("Another Shipdeck is already running with the data directory %s: use its window, or quit it and start Shipdeck again.", dir)}
	}
	return &store.OpenError{Code: StartupInternal, Cause: err,
		Message: fmt.Sprintf("Shipdeck could not open its database in %s. The details are in the log (%s).", dir, filepath.Join(dir, LogFileName))}
}

func (s *Shell) open(ctx context.Context) error {
	warning, err := PrepareDataDir(s.cfg.DataDir)
	if err != nil {
		return store.DataDirError(s.cfg.DataDir, err)
	}
	if warning != "" {
		slog.Warn("data directory", "warning", warning)
	}
	s.mu.Lock()
	s.dirWarning = warning
	s.mu.Unlock()
	unlock, err := acquireLock(filepath.Join(s.cfg.DataDir, "shipdeck.lock"))
	if err != nil {
		return err
	}
	// The lock is held: whatever is half-written in the directory was
	// left by a Shipdeck that was killed, not one still writing.
	for _, f := range append(store.ClearPartials(s.cfg.DataDir), clearWindowTemps(s.cfg.DataDir)...) {
		slog.Info("removed a file a killed Shipdeck left half-written", "path", f)
	}
	team := s.teamURL()
	if team != "" {
		err = s.store.OpenTeam(ctx, team)
	} else {
		err = s.store.Open(ctx, filepath.Join(s.cfg.DataDir, store.FileName))
	}
	if err != nil {
		unlock()
		if team != "" {
			return &store.OpenError{Code: StartupTeam, Cause: err, Message: err.Error() + " Shipdeck tries again when you press Try again; Settings → Workspace can switch back to this computer's workspace."}
		}
		return err
	}
	s.releaseLock = unlock
	if team != "" {
		if err := s.useOperator(); err != nil {
			_ = s.store.Close()
			s.releaseLock = nil
			unlock()
			return &store.OpenError{Code: StartupTeam, Cause: err, Message: "Shipdeck could not list you among the team database's operators: " + problem.For(err).Message}
		}
	} else {
		s.store.SetOperator("")
	}
	s.showWorkspace()
	// Runs a crash cut off are finished (interrupted) before the window
	// can start new ones; what is left of their scripts is ended.
	s.services.Runs.PidFile = filepath.Join(s.cfg.DataDir, "runs.pids")
	if n, err := release.RecoverRuns(s.services.Runs); err != nil {
		slog.Error("recover interrupted runs", "err", err)
	} else if n > 0 {
		slog.Info("runs interrupted by the last stop recorded", "runs", n)
	}
	slog.Info("database open", "path", s.store.Path(), "team", s.store.Team(), "schema", store.SchemaVersion(), "readOnly", s.store.ReadOnlyReason())
	if set, err := s.services.Settings.Get(); err == nil {
		s.themeChanged(set.Theme)
	}
	dailyCtx, stop := context.WithCancel(ctx)
	s.mu.Lock()
	s.stopDaily = stop
	s.mu.Unlock()
	if team == "" { // a team database is backed up by its server
		s.daily.Add(1)
		go func() {
			defer s.daily.Done()
			s.dailyBackup(dailyCtx)
		}()
	}
	// Changes made outside the window (the command line) reach it within
	// a second; the watch ends with the daily work at shutdown.
	s.watching.Add(1)
	go func() {
		defer s.watching.Done()
		s.watchChanges(dailyCtx)
	}()
	return nil
}

// watchSignals quits cleanly on SIGTERM and SIGINT, which runs OnShutdown and
// so closes the database. Wails quits on both itself, but from another thread
// and only once: a signal that arrives before GTK's main loop runs (during
// start-up, say in a long migration) is dropped ("gtk_main_quit: assertion
// 'main_loops != NULL' failed") and the app keeps running. So Shipdeck
// listens from before wails.Run and asks again in a way that cannot be lost
// (quitWhenLoopRuns).
func (s *Shell) watchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
	go func() {
		sig := <-ch
		slog.Info("signal received, quitting", "signal", sig.String())
		<-s.started
		s.quitWhenLoopRuns()
	}()
}

// beforeClose never vetoes: a write in flight is waited for in shutdown
// (store.Close waits for it), so closing the window loses nothing. It takes
// a last look at the window while it still exists.
func (s *Shell) beforeClose(ctx context.Context) bool {
	if n := release.RunningScripts(s.services.Runs); n > 0 {
		answer, err := runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
			Type:          runtime.QuestionDialog,
			Title:         "Steps are running",
			Message:       fmt.Sprintf("%d step%s still running. Quit and cancel %s? Each is recorded as cancelled.", n, map[bool]string{true: " is", false: "s are"}[n == 1], map[bool]string{true: "it", false: "them"}[n == 1]),
			Buttons:       []string{"Quit and cancel", "Keep running"},
			DefaultButton: "Keep running",
			CancelButton:  "Keep running",
		})
		if err == nil && answer != "Quit and cancel" {
			return true // keep the window open
		}
	}
	s.mu.Lock()
	stop := s.stopTracker
	s.mu.Unlock()
	if stop != nil {
		stop()
		s.window.look(ctx)
	}
	return false
}

// themeChanged keeps the window file's theme in step with the settings, so
// the next start opens in it.
func (s *Shell) themeChanged(theme string) {
	s.window.set(func(ws *WindowState) { ws.Theme = theme })
}

func (s *Shell) shutdown(ctx context.Context) {
	s.mu.Lock()
	if s.cancelOpen != nil {
		s.cancelOpen()
	}
	s.mu.Unlock()
	select { // let an interrupted open finish unwinding before closing
	case <-s.started:
		<-s.ready
	default:
	}
	s.stopBackground()
	// Runs still going are cancelled and recorded before the database
	// closes (quitting asked first, in beforeClose).
	release.ShutdownRuns(s.services.Runs)
	s.closeStore()
	slog.Info("shut down cleanly")
}

func (s *Shell) secondInstance(data options.SecondInstanceData) {
	if s.ctx == nil {
		return
	}
	runtime.WindowUnminimise(s.ctx)
	runtime.WindowShow(s.ctx)
	runtime.Show(s.ctx)
}

// StartupError is the error that kept the database from opening, if any.
func (s *Shell) StartupError() *store.OpenError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startupErr
}
