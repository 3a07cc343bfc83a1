package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// A team database (docs/team-mode.md) is PostgreSQL: the same tables under
// the same names, made by migrations of the same versions written for it.

//go:embed pgmigrations/*.sql
var pgMigrationFiles embed.FS

// PostgresMigrations returns the PostgreSQL migrations in version order;
// version N makes the schema migrations/ makes at version N.
func PostgresMigrations() ([]Migration, error) {
	return loadMigrations(pgMigrationFiles, "pgmigrations")
}

// EnvDatabaseURL names a team database to open instead of the data
// directory's file, for the window and the command line alike.
const EnvDatabaseURL = "SHIPDECK_DATABASE_URL"

// IsPostgresURL tells a team database's address from a file's path.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPostgres connects to the team database at url and brings its schema
// up to this binary's version. Its errors are sentences an operator can
// act on; the password in url never appears in them.
func OpenPostgres(ctx context.Context, url string) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, errors.New("the team database's address is not a PostgreSQL URL (postgres://user@host:5432/database)")
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	db := bun.NewDB(stdlib.OpenDB(*cfg), pgdialect.New())
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("cannot reach the team database at %s (%s): is the server running, and is the address right?", where, rootCause(err))
	}
	ms, err := PostgresMigrations()
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := apply(ctx, db, ms, nil, time.Now(), slog.Default()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("team database at %s: %w", where, err)
	}
	return db, nil
}

// OpenTeam opens the team database at url as the store's database (see
// OpenPostgres). Its services then read and write it as they would the
// file; what is the file's own (backups beside it, its checkpoint, the watch
// of its commits) does not apply.
func (s *Store) OpenTeam(ctx context.Context, url string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db != nil {
		return errors.New("store already open")
	}
	db, err := OpenPostgres(ctx, url)
	if err != nil {
		return err
	}
	s.db, s.path, s.ctx, s.team, s.readOnly = db, "", ctx, Redacted(url), ""
	s.readCtx, s.cancelReads = context.WithCancel(ctx)
	return nil
}

// Team is the address of the team database the store has open, its
// password hidden, or "" for a file.
func (s *Store) Team() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.team
}

// Redacted is a workspace's address fit to print: a URL's password is
// replaced by xxxxx.
func Redacted(where string) string {
	u, err := neturl.Parse(where)
	if err != nil || !IsPostgresURL(where) {
		return where
	}
	if _, has := u.User.Password(); has {
		u.User = neturl.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// rootCause is the innermost error of err's first chain: "connection
// refused" rather than each address the driver tried.
func rootCause(err error) string {
	for {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			if es := u.Unwrap(); len(es) > 0 {
				next = es[0]
			}
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		}
		if next == nil {
			msg := err.Error()
			if i := strings.LastIndex(msg, ": "); i >= 0 {
				msg = msg[i+2:]
			}
			return msg
		}
		err = next
	}
}

// Postgres says whether db is a team database: where a statement must be
// written for each engine, the service picks its form by it.
func Postgres(db bun.IDB) bool {
	return db.Dialect().Name() == dialect.PG
}
