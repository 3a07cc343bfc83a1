// Package app is the Wails shell: window options, lifecycle, the data
// directory and the list of bound services. Nothing else in Shipdeck imports
// the Wails runtime.
package app

import (
	"context"
	"embed"
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
	"shipdeck/backend/store"
)

// Version is stamped at build time: -ldflags "-X shipdeck/app.Version=1.2.3".
var Version = "0.1.0-dev"

var errAlreadyRunning = errors.New("another Shipdeck is already running with this data directory")

// Config is what main hands over.
type Config struct {
	DataDir string // resolved, absolute
	Assets  embed.FS
	Icon    []byte
}

// Shell owns the lifecycle of one running app.
type Shell struct {
	cfg      Config
	store    *store.Store
	services *Services

	ctx         context.Context
	mu          sync.Mutex
	startupErr  error
	releaseLock func()
	cancelOpen  context.CancelFunc // set while the database is opening
	stopDaily   context.CancelFunc // cancels the daily backup
	daily       sync.WaitGroup

	started chan struct{} // closed once OnStartup has the Wails context
	ready   chan struct{} // closed once OnStartup has finished opening
}

// Run builds the window and blocks until the app quits.
func Run(cfg Config) error {
	st := store.New(nil)
	s := &Shell{cfg: cfg, store: st, started: make(chan struct{}), ready: make(chan struct{})}
	s.services = NewServices(st, s)
	s.watchSignals()
	return wails.Run(&options.App{
		Title:     "Shipdeck",
		Width:     1360,
		Height:    860,
		MinWidth:  1024,
		MinHeight: 640,
		AssetServer: &assetserver.Options{
			Assets: cfg.Assets,
		},
		BackgroundColour: &options.RGBA{R: 250, G: 250, B: 250, A: 255},
		OnStartup:        s.startup,
		OnBeforeClose:    s.beforeClose,
		OnShutdown:       s.shutdown,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               "io.shipdeck.desktop",
			OnSecondInstanceLaunch: s.secondInstance,
		},
		Menu:           s.menu(),
		Bind:           s.services.Bindings(),
		ErrorFormatter: func(err error) any { return problem.For(err) },
		Linux: &linux.Options{
			Icon:        cfg.Icon,
			ProgramName: "shipdeck",
		},
	})
}

// startup opens the database. A failure is kept and shown by the frontend
// (System.Status) instead of a blank window.
func (s *Shell) startup(ctx context.Context) {
	s.ctx = ctx
	close(s.started)
	defer close(s.ready)
	// A quit during the start-up migration interrupts it: the migration rolls
	// back whole and runs again at the next start, instead of holding the
	// exit for as long as a large database takes to migrate. It is not
	// cancelled after a successful open: the store keeps it as the parent of
	// every query.
	openCtx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancelOpen = cancel
	s.mu.Unlock()
	err := s.open(openCtx)
	s.mu.Lock()
	s.cancelOpen = nil
	s.mu.Unlock()
	if err != nil {
		slog.Error("start-up failed", "err", err)
		s.mu.Lock()
		s.startupErr = err
		s.mu.Unlock()
	}
}

func (s *Shell) open(ctx context.Context) error {
	if err := PrepareDataDir(s.cfg.DataDir); err != nil {
		return fmt.Errorf("create data directory %s: %w", s.cfg.DataDir, err)
	}
	release, err := acquireLock(filepath.Join(s.cfg.DataDir, "shipdeck.lock"))
	if err != nil {
		return err
	}
	if err := s.store.Open(ctx, filepath.Join(s.cfg.DataDir, store.FileName)); err != nil {
		release()
		return fmt.Errorf("open database: %w", err)
	}
	s.releaseLock = release
	slog.Info("database open", "path", s.store.Path(), "schema", store.SchemaVersion())
	dailyCtx, stop := context.WithCancel(ctx)
	s.mu.Lock()
	s.stopDaily = stop
	s.mu.Unlock()
	s.daily.Add(1)
	go func() {
		defer s.daily.Done()
		s.dailyBackup(dailyCtx)
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
// (store.Close waits for it), so closing the window loses nothing.
func (s *Shell) beforeClose(ctx context.Context) bool { return false }

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
	s.mu.Lock()
	if s.stopDaily != nil {
		s.stopDaily()
	}
	s.mu.Unlock()
	s.daily.Wait()
	if err := s.store.Close(); err != nil {
		slog.Error("close database", "err", err)
	}
	if s.releaseLock != nil {
		s.releaseLock()
	}
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
func (s *Shell) StartupError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startupErr
}
