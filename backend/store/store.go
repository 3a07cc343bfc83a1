// Package store owns the SQLite database: opening it with the pragmas every
// connection needs, applying the embedded migrations, the Bun models of its
// tables and the one way to write (Tx).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite" // also registers the pure-Go "sqlite" driver

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
	// readOnly says why the database was opened read-only ("" when it is
	// writable).
	readOnly string
	// wmu queues Shipdeck's own writers (see Tx).
	wmu sync.Mutex
	log *slog.Logger
	// tx, in a store made by Atomic, is the transaction every Tx and Read
	// of the services on it joins.
	tx *bun.Tx
	// secondary: opened by OpenCurrent, beside the app.
	secondary bool
	// team is the team database's address, password hidden ("" for a
	// file): see OpenTeam.
	team string
	// token tells this store's commits on a team database from other
	// operators' (see announce).
	token string
	// operator is the person this store writes as (see operator.go).
	operator string
	// commits counts ended Tx calls, writing those under way (Writes).
	commits atomic.Uint64
	writing atomic.Int64
	// ckpt is the background checkpointer of an app's store (nil otherwise).
	ckpt atomic.Pointer[checkpointer]
	// reads counts Read calls under way; Close cancels readCtx, which
	// interrupts them, and waits for them (see Close).
	reads       sync.WaitGroup
	readCtx     context.Context
	cancelReads context.CancelFunc
}

// New returns a closed store. now is the clock for every timestamp written
// (nil means time.Now).
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{now: now, ctx: context.Background(), log: slog.Default(), token: newToken()}
}

// FileURI is path as a file: URI for the driver. The characters that would
// end or corrupt its path part ('?', '#', '%') are escaped, so a data
// directory named "ops#2" or "50%" opens the file it names, not another.
func FileURI(path string) string {
	return "file:" + uriPath.Replace(path)
}

var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// busyMillis is how long a statement waits for a lock another program
// holds before it gives up with SQLITE_BUSY: long enough to ride out
// another program's short write, short enough that a write blocked by a
// program that keeps its lock says so within three seconds. Shipdeck's own
// writers never wait on it: they queue on Store.wmu.
const busyMillis = "2500"

// dsn sets the pragmas on every connection of the pool: foreign keys are off
// by default in SQLite, WAL lets the UI read while a bulk write runs, and
// _txlock=immediate takes the write lock at BEGIN so a writer that has to
// wait does so before it has done anything. A 64 MiB page cache per
// connection (the default is 2 MiB) keeps a release's pages warm: a matrix
// row or a reorder touches thousands of pages scattered over the file.
// trusted_schema=OFF keeps SQL stored in the file (views, triggers, index
// expressions) from calling any function that is not harmless.
func dsn(path string) string {
	return FileURI(path) +
		"?_pragma=foreign_keys(1)&_pragma=trusted_schema(0)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + busyMillis + ")" +
		"&_pragma=synchronous(FULL)&_pragma=cache_size(-65536)&_txlock=immediate"
}

// appDSN is dsn for the app itself, whose connections never checkpoint the
// WAL on commit: its checkpointer does, in the background (see
// checkpointer). A second program beside it (OpenCurrent) keeps SQLite's
// checkpoint on commit.
func appDSN(path string) string {
	return dsn(path) + "&_pragma=wal_autocheckpoint(0)"
}

// readOnlyDSN opens a database Shipdeck cannot write: no switch to WAL (that
// writes the header), no journal, every statement that would write the
// file refused (mode=ro; query_only would refuse VACUUM INTO too, which a
// backup of a read-only database needs).
// immutable is for a WAL-mode file in a folder Shipdeck cannot write, where
// SQLite cannot create the shared-memory file a WAL reader needs; nothing
// can change such a file while Shipdeck reads it, as no writer could create
// a WAL or a journal beside it either.
func readOnlyDSN(path string, immutable bool) string {
	d := FileURI(path) + "?mode=ro&_pragma=foreign_keys(1)&_pragma=trusted_schema(0)" +
		"&_pragma=busy_timeout(" + busyMillis + ")&_pragma=cache_size(-65536)"
	if immutable {
		d += "&immutable=1"
	}
	return d
}

// Open opens (creating if needed) the database file at path, checks its
// pragmas, and applies pending migrations. ctx becomes the parent of every
// query, so cancelling it at shutdown stops work in flight.
//
// Before any connection that could write, the file is read (read-only) and
// refused unless it is empty, Shipdeck's own, or the specification's app's,
// holding only the schema objects those create: a file that is refused stays
// byte for byte as it was. A file or folder Shipdeck cannot write is opened
// read-only (ReadOnly), if it needs no migration. Every refusal is an
// *OpenError with a plain sentence.
func (s *Store) Open(ctx context.Context, path string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return errors.New("store already open")
	}
	s.closing = false
	s.readOnly = ""
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return dirError(dir, err)
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return &OpenError{Code: StartupFolder, Cause: errors.New("database path is a directory"),
			Message: fmt.Sprintf("%s is a folder, not a database file. Nothing was changed: move that folder away or choose another data directory.", path)}
	case err == nil && !fi.Mode().IsRegular():
		return &OpenError{Code: StartupNotShipdeck, Cause: fmt.Errorf("database path is a %v", fi.Mode().Type()),
			Message: fmt.Sprintf("%s is not a regular file. Nothing was changed: move it away or choose another data directory.", path)}
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return dirError(dir, err)
	}
	present := err == nil
	existed := present && fi.Size() > 0 // an empty file is a new database
	var in Inspection
	if existed {
		if in, err = InspectFile(ctx, path); err != nil {
			return openFailure(path, "read", err)
		}
		if err := refusal(path, in); err != nil {
			return err
		}
	}
	if why := notWritable(dir, path, present); why != "" {
		return s.openReadOnly(ctx, path, in, existed, why)
	}
	existed, err = ensureFile(path)
	if err != nil {
		return openFailure(path, "create", err)
	}
	sqldb, err := sql.Open("sqlite", appDSN(path))
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	if err := checkPragmas(ctx, db, true); err != nil {
		db.Close()
		return openFailure(path, "open", err)
	}
	if err := migrate(ctx, db, path, existed, s.now()); err != nil {
		db.Close()
		return openFailure(path, "migrate", err)
	}
	s.db, s.path, s.ctx = db, path, ctx
	s.readCtx, s.cancelReads = context.WithCancel(ctx)
	s.startCheckpointer(db)
	return nil
}

// openReadOnly opens a database Shipdeck cannot write, if it is complete:
// a file that would need a migration (or is new) is refused, since nothing
// can be written.
func (s *Store) openReadOnly(ctx context.Context, path string, in Inspection, existed bool, why string) error {
	if !existed {
		return &OpenError{Code: StartupNotWritable, Cause: errors.New(why),
			Message: fmt.Sprintf("Shipdeck cannot create its database: %s. Nothing was changed: choose another data directory, or make that one writable.", why)}
	}
	if in.Kind != Shipdeck || in.Version < SchemaVersion() {
		return &OpenError{Code: StartupReadOnlyUpgrade, Cause: errors.New(why),
			Message: fmt.Sprintf("%s needs an upgrade to this version of Shipdeck, but it cannot be written: %s. Nothing was changed: make it writable and start Shipdeck again.", path, why)}
	}
	db, err := openReadOnlyDB(ctx, path)
	if err != nil {
		return openFailure(path, "open", err)
	}
	slog.Warn("database opened read-only", "path", path, "why", why)
	s.db, s.path, s.ctx, s.readOnly = db, path, ctx, why
	s.readCtx, s.cancelReads = context.WithCancel(ctx)
	return nil
}

// openReadOnlyDB opens path read-only; if SQLite cannot open it so (a
// WAL-mode file whose shared-memory file cannot be created), as immutable —
// unless a WAL with frames is beside it, whose commits immutable would
// silently leave out.
func openReadOnlyDB(ctx context.Context, path string) (*bun.DB, error) {
	var last error
	for _, immutable := range []bool{false, true} {
		sqldb, err := sql.Open("sqlite", readOnlyDSN(path, immutable))
		if err != nil {
			return nil, fmt.Errorf("open read-only database: %w", err)
		}
		db := bun.NewDB(sqldb, sqlitedialect.New())
		if last = checkPragmas(ctx, db, false); last == nil {
			return db, nil
		}
		db.Close()
		var se *sqlite.Error
		if !errors.As(last, &se) || se.Code()&0xff != codeCantOpen {
			break
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			break
		}
	}
	return nil, last
}

// notWritable says why Shipdeck cannot write the database at path (or
// create it in dir), or "" when it can. It tries, rather than reading
// permission bits: root, ACLs and read-only mounts all answer for
// themselves. Nothing is left behind.
func notWritable(dir, path string, exists bool) string {
	probe, err := os.CreateTemp(dir, PartialPrefix+"probe-*")
	if err == nil {
		probe.Close()
		os.Remove(probe.Name())
	}
	if err != nil {
		return writeRefusal(dir, "in "+dir, err)
	}
	if exists {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return writeRefusal(dir, path, err)
		}
		f.Close()
	}
	return ""
}

// writeRefusal says why Shipdeck cannot write what (a file, or "in" a
// folder), as the end of a sentence.
func writeRefusal(dir, what string, err error) string {
	switch {
	case errors.Is(err, syscall.EROFS):
		return "the disk holding " + dir + " is read-only"
	case errors.Is(err, fs.ErrPermission):
		return "Shipdeck is not allowed to write " + what
	case errors.Is(err, syscall.ENOSPC):
		return "" // a full disk is reported when the write fails, as such
	}
	return "Shipdeck cannot write " + what + " (" + plainOSError(err) + ")"
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
	if err := f.Close(); err != nil {
		return false, fmt.Errorf("create database %s: %w", path, err)
	}
	return false, nil
}

func checkPragmas(ctx context.Context, db *bun.DB, writable bool) error {
	// A bad pragma in the DSN is silently ignored by the driver: read them back.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close()
	var fk, sync, trusted int
	var journal string
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("read foreign_keys pragma: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA trusted_schema").Scan(&trusted); err != nil {
		return fmt.Errorf("read trusted_schema pragma: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		return fmt.Errorf("read journal_mode pragma: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("read synchronous pragma: %w", err)
	}
	// The schema is read (and so checked to parse) by the first query
	// that touches it.
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	if fk != 1 || trusted != 0 || (writable && (journal != "wal" || sync < 1)) {
		return fmt.Errorf("database pragmas not applied: foreign_keys=%d trusted_schema=%d journal_mode=%s synchronous=%d", fk, trusted, journal, sync)
	}
	return nil
}

// closeBusyMillis is how long the last checkpoint waits for another
// program's read: quitting never waits on another program for long.
const closeBusyMillis = 200

// Close waits for writes in flight, checkpoints the WAL into the main file
// and closes the pool. If another program is reading the database the
// checkpoint gives up after a moment and the WAL stays beside the file:
// nothing is lost, SQLite replays it at the next open. Closing a closed
// store does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closing = true
	cancelReads := s.cancelReads
	s.mu.Unlock()
	s.writes.Wait()
	s.stopCheckpointer()
	// A read still under way (a page's query on a large release) holds a
	// read lock that keeps the checkpoint below from truncating the WAL:
	// interrupt it, since nothing will show its answer any more.
	if cancelReads != nil {
		cancelReads()
	}
	s.reads.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { s.closing = false }()
	if s.db == nil {
		return nil
	}
	// A second program (OpenCurrent) leaves the checkpoint to the app; a
	// team database has none to do.
	if s.readOnly == "" && !s.secondary && s.team == "" {
		s.checkpoint()
	}
	err := s.db.Close()
	s.db = nil
	s.readOnly, s.team = "", ""
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

func (s *Store) checkpoint() {
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		s.log.Warn("checkpoint at close", "err", err)
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", closeBusyMillis)); err != nil {
		s.log.Warn("checkpoint at close", "err", err)
		return
	}
	var busy, frames, done int
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	switch {
	case err != nil:
		s.log.Warn("checkpoint at close: the WAL stays beside the database and is replayed at the next open", "err", err)
	case busy != 0:
		s.log.Info("another program is using the database: the WAL stays beside it and is replayed at the next open", "frames", frames, "checkpointed", done)
	}
}

// ReadOnly says whether the database was opened read-only (Shipdeck cannot
// write the file or its folder); every write is then refused.
func (s *Store) ReadOnly() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.readOnly != ""
}

// ReadOnlyReason says why the database is read-only ("" when it is not).
func (s *Store) ReadOnlyReason() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.readOnly
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
// Close waits for a Tx in flight to finish. Shipdeck's own writers queue
// here, one at a time, so only another program can make a write wait on
// SQLite's lock (and only for busyMillis). A failure whose cause the
// operator can act on (another program, a full or read-only disk, a
// damaged file) comes back as a plain sentence, its cause kept for the log.
// Inside Atomic, it runs in a savepoint of the outer transaction.
func (s *Store) Tx(fn func(ctx context.Context, tx bun.Tx) error) error {
	if s.tx != nil {
		// fn's error is ours, and Atomic's own Tx says what a failure means.
		return s.tx.RunInTx(s.ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx) }) //nolint:wrapcheck

	}
	s.mu.RLock()
	db, readOnly := s.db, s.readOnly
	if s.closing {
		db = nil
	}
	if db != nil && readOnly == "" {
		s.writes.Add(1)
	}
	s.mu.RUnlock()
	if db == nil {
		return ErrClosed
	}
	if readOnly != "" {
		return problem.State("This database is open read-only (%s): nothing can be changed.", readOnly)
	}
	defer s.writes.Done()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	ctx := s.withOperator(s.Context())
	// A watch of the file tells our commits from others' (Writes): a
	// transaction is "writing" from before its commit until it is counted.
	s.writing.Add(1)
	defer func() {
		s.commits.Add(1)
		s.writing.Add(-1)
	}()
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if !Postgres(tx) {
			return fn(ctx, tx)
		}
		if err := beginTeamWrite(ctx, tx); err != nil {
			return err
		}
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return s.announce(ctx, tx)
	})
	if err == nil {
		s.wrote()
	}
	return s.writeError(err)
}

// Writes tells a watch of the file (Watch) about this store's own writes:
// how many transactions ended, and whether one is under way. A change of
// the file seen while one is under way, or since the count last read, may
// be ours.
func (s *Store) Writes() (ended uint64, underWay bool) {
	return s.commits.Load(), s.writing.Load() > 0
}

// Watch calls onChange when a commit reached the database file since the
// last look, whoever made it: SQLite's data_version, read on a connection
// of its own every interval (a read of one page header, no table is
// polled). It blocks until ctx ends.
func (s *Store) Watch(ctx context.Context, every time.Duration, onChange func()) error {
	return s.WatchOnline(ctx, every, onChange, nil)
}

// WatchOnline is Watch that also reports, for a team database, whether its
// server can be reached (online false: it cannot, and the watch retries
// every second; true: it is back, and onChange was called as well). On a
// team database onChange is called for other stores' commits only.
func (s *Store) WatchOnline(ctx context.Context, every time.Duration, onChange func(), online func(bool)) error {
	db, err := s.DB()
	if err != nil {
		return err
	}
	if Postgres(db) {
		return s.watchTeam(ctx, db, onChange, online)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("watch connection: %w", err)
	}
	defer conn.Close()
	// Prepared once: the poll runs a few times a second for as long as the
	// window is open, and must cost next to nothing.
	stmt, err := conn.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		return fmt.Errorf("watch statement: %w", err)
	}
	defer stmt.Close()
	var last int64 = -1
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		var v int64
		if err := stmt.QueryRowContext(ctx).Scan(&v); err == nil {
			if last >= 0 && v != last {
				onChange()
			}
			last = v
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
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
	s.mu.RLock()
	db, ctx := s.db, s.readCtx
	if s.closing {
		db = nil
	}
	if db != nil {
		s.reads.Add(1)
	}
	s.mu.RUnlock()
	if db == nil {
		return ErrClosed
	}
	defer s.reads.Done()
	err := fn(s.withOperator(ctx), db)
	if err != nil && ctx.Err() != nil {
		return ErrClosed // interrupted by Close
	}
	return s.readError(err)
}

// dir is the folder of the database file ("" while closed).
func (s *Store) dir() string {
	if p := s.Path(); p != "" {
		return filepath.Dir(p)
	}
	return ""
}

// OpenCurrent opens an existing Shipdeck database that needs no migration,
// for a second program beside the app (the command line): it never creates
// the file, never migrates it, and refuses in a plain sentence a file of
// another schema version or another application.
func (s *Store) OpenCurrent(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		return &OpenError{Code: StartupDataDir, Cause: err,
			Message: fmt.Sprintf("There is no Shipdeck database at %s: start the app once, or give --data-dir.", path)}
	}
	in, err := InspectFile(ctx, path)
	if err != nil {
		return openFailure(path, "read", err)
	}
	if err := refusal(path, in); err != nil {
		return err
	}
	switch v := SchemaVersion(); {
	case in.Kind != Shipdeck:
		return &OpenError{Code: StartupNotShipdeck, Message: fmt.Sprintf("%s was made by the specification's app and has not been opened by Shipdeck yet: open it in the app once.", path)}
	case in.Version < v:
		return &OpenError{Code: StartupNewer, Message: fmt.Sprintf("%s was written by an older Shipdeck (schema %d, this one is %d): open it in the app once to upgrade it.", path, in.Version, v)}
	case in.Version > v:
		return &OpenError{Code: StartupNewer, Message: fmt.Sprintf("%s was written by a newer Shipdeck (schema %d, this one knows %d): use that version's command line.", path, in.Version, v)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return errors.New("store already open")
	}
	sqldb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	if err := checkPragmas(ctx, db, true); err != nil {
		db.Close()
		return openFailure(path, "open", err)
	}
	s.db, s.path, s.ctx, s.readOnly, s.closing, s.secondary = db, path, ctx, "", false, true
	s.readCtx, s.cancelReads = context.WithCancel(ctx)
	return nil
}
