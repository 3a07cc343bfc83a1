// Package store owns the SQLite database: opening it with the pragmas every
// connection needs, applying the embedded migrations, the Bun models of its
// tables and the one way to write (Tx).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"shipdeck/backend/problem"
)

// FileName is the database file inside the data directory.
const FileName = "shipdeck.db"

// ErrClosed is returned by every call made before Open or after Close.
var ErrClosed = problem.State("The database is not open.")

// Store is the handle every service holds. It exists before the database is
// opened (Wails needs the bound services before start-up) and is opened once.
type Store struct {
	mu     sync.RWMutex
	db     *bun.DB
	path   string
	ctx    context.Context
	now    func() time.Time
	writes sync.WaitGroup
	// closing refuses new writes once Close has begun waiting for the
	// ones in flight.
	closing bool
	log     *slog.Logger
	// tx, in a store made by Atomic, is the transaction every Tx and Read
	// of the services on it joins.
	tx *bun.Tx
}

// New returns a closed store. now is the clock for every timestamp written
// (nil means time.Now).
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{now: now, ctx: context.Background(), log: slog.Default()}
}

// FileURI is path as a file: URI for the driver. The characters that would
// end or corrupt its path part ('?', '#', '%') are escaped, so a data
// directory named "ops#2" or "50%" opens the file it names, not another.
func FileURI(path string) string {
	return "file:" + uriPath.Replace(path)
}

var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// dsn sets the pragmas on every connection of the pool: foreign keys are off
// by default in SQLite, WAL lets the UI read while a bulk write runs, and
// _txlock=immediate takes the write lock at BEGIN so two writers queue on the
// busy timeout instead of failing with SQLITE_BUSY half-way. A 64 MiB page
// cache per connection (the default is 2 MiB) keeps a release's pages warm:
// a matrix row or a reorder touches thousands of pages scattered over the file.
func dsn(path string) string {
	return FileURI(path) +
		"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=synchronous(FULL)&_pragma=cache_size(-65536)&_txlock=immediate"
}

// Open opens (creating if needed) the database file at path, checks its
// pragmas, and applies pending migrations. ctx becomes the parent of every
// query, so cancelling it at shutdown stops work in flight.
func (s *Store) Open(ctx context.Context, path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return errors.New("store already open")
	}
	s.closing = false
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	existed, err := ensureFile(path)
	if err != nil {
		return err
	}
	sqldb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	if err := checkPragmas(ctx, db); err != nil {
		db.Close()
		return err
	}
	if err := migrate(ctx, db, path, existed, s.now()); err != nil {
		db.Close()
		return err
	}
	s.db, s.path, s.ctx = db, path, ctx
	return nil
}

// ensureFile creates the database file with mode 0600 before SQLite does
// (SQLite would follow the umask); the -wal and -shm files inherit the mode.
func ensureFile(path string) (existed bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("create database %s: %w", path, err)
	}
	return false, f.Close()
}

func checkPragmas(ctx context.Context, db *bun.DB) error {
	// A bad pragma in the DSN is silently ignored by the driver: read them back.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close()
	var fk, sync int
	var journal string
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys pragma: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		return fmt.Errorf("read journal_mode pragma: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous pragma: %w", err)
	}
	if fk != 1 || journal != "wal" || sync < 1 {
		return fmt.Errorf("database pragmas not applied: foreign_keys=%d journal_mode=%s synchronous=%d", fk, journal, sync)
	}
	return nil
}

// Close waits for writes in flight, checkpoints the WAL into the main file and
// closes the pool. Closing a closed store does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	s.writes.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.closing = false }()
	if s.db == nil {
		return nil
	}
	_, cerr := s.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	err := s.db.Close()
	s.db = nil
	if err == nil && cerr != nil {
		err = fmt.Errorf("checkpoint WAL: %w", cerr)
	}
	return err
}

// DB returns the open database for reads.
func (s *Store) DB() (*bun.DB, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return nil, ErrClosed
	}
	return s.db, nil
}

// Path is the database file's path ("" while closed).
func (s *Store) Path() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.path
}

// Context is the parent context of every query.
func (s *Store) Context() context.Context {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ctx
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Tx runs fn in one immediate transaction: all of fn's writes land, or none.
// Close waits for a Tx in flight to finish. Inside Atomic, it runs in a
// savepoint of the outer transaction.
func (s *Store) Tx(fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.tx != nil {
		return s.tx.RunInTx(s.ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx) })
	}
	s.mu.RLock()
	db := s.db
	if s.closing {
		db = nil
	}
	if db != nil {
		s.writes.Add(1)
	}
	s.mu.RUnlock()
	if db == nil {
		return ErrClosed
	}
	defer s.writes.Done()
	ctx := s.Context()
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx) })
}

// Atomic runs fn with a store whose every Tx and Read joins one
// transaction: the services built on it do many things that land together
// or not at all (the sample workspace is one such write).
func (s *Store) Atomic(fn func(st *Store) error) error {
	return s.Tx(func(ctx context.Context, tx bun.Tx) error {
		return fn(&Store{db: s.db, path: s.path, ctx: ctx, now: s.now, log: s.log, tx: &tx})
	})
}

// Read runs fn against the open database. Reads need no transaction: each
// query sees a consistent snapshot, and a read of several queries that
// must agree runs inside a Tx.
func (s *Store) Read(fn func(ctx context.Context, db bun.IDB) error) error {
	if s.tx != nil {
		return fn(s.ctx, *s.tx)
	}
	db, err := s.DB()
	if err != nil {
		return err
	}
	return fn(s.Context(), db)
}
