package store

import (
	"context"
	"database/sql/driver"
	"io"
	"net"
	"strings"
	"syscall"

	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// Writes to a team database are made one at a time, as SQLite makes them
// (docs/team-mode.md, "Concurrency"). Every Tx takes one transaction-level
// advisory lock before its first statement: a second operator's change
// waits for the first one's commit, then reads what it left. Two
// operators acting on the same cell therefore never half-apply a change:
// the second finds the step done already and is told so in the words a
// refusal uses ("Cannot mark as done 'Deploy': it is done, …"). A bulk
// action, an activation or a reorder is one transaction under the lock,
// whole or not at all. The lock costs a round trip per write; an operator
// writes a few times a minute.
const writeLock = 7_304_935_101

// changesChannel is the LISTEN/NOTIFY channel a team database's commits
// are announced on; the payload is the writing store's token, so a store
// can tell its own commits from other operators'.
const changesChannel = "shipdeck_changes"

// beginTeamWrite takes the write lock of a team database.
func beginTeamWrite(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, writeLock); err != nil {
		return fmt.Errorf("wait for the other operators' changes: %w", err)
	}
	return nil
}

// announce tells every window on the team database that this
// transaction's changes are there: PostgreSQL delivers the notification
// when (and only if) the transaction commits.
func (s *Store) announce(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, changesChannel, s.token); err != nil {
		return fmt.Errorf("announce the change: %w", err)
	}
	return nil
}

func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// watchTeam is Watch for a team database: it LISTENs on a connection of
// its own and calls onChange for every commit another store announced, and
// once after it reconnects (what changed while it was away is not known).
// online reports whether the server can be reached, as it changes.
func (s *Store) watchTeam(ctx context.Context, db *bun.DB, onChange func(), online func(bool)) error {
	up := true
	setUp := func(v bool) {
		if v != up {
			up = v
			if online != nil {
				online(v)
			}
		}
	}
	for ctx.Err() == nil {
		err := s.listen(ctx, db, func() {
			if !up {
				setUp(true)
				onChange()
			}
		}, onChange)
		if ctx.Err() != nil {
			return nil
		}
		if up { // once per outage, not every second of it
			s.log.Warn("team database: out of reach; retrying every second", "err", err)
		}
		setUp(false)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
	return nil
}

// listen holds one connection LISTENing until it fails or ctx ends.
// listening is called once the LISTEN is in place.
func (s *Store) listen(ctx context.Context, db *bun.DB, listening, onChange func()) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("watch connection: %w", err)
	}
	defer conn.Close()
	//nolint:wrapcheck // the driver's errors are wrapped below
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("the team database's driver cannot LISTEN")
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+changesChannel); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		listening()
		for {
			// A ping every few seconds finds a server gone quiet (a
			// cable pulled sends nothing) well before TCP would.
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			n, err := pc.WaitForNotification(wctx)
			cancel()
			switch {
			case err == nil:
				if n.Payload != s.token {
					onChange()
				}
			case ctx.Err() != nil:
				return nil
			case errors.Is(err, context.DeadlineExceeded):
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				err := pc.Ping(pctx)
				cancel()
				if err != nil {
					return fmt.Errorf("ping: %w", err)
				}
			default:
				return fmt.Errorf("wait for changes: %w", err)
			}
		}
	})
}

// unreachable tells a team database's server going away (refused, reset,
// timed out, shut down) from an error of the statement.
func unreachable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-03: the server is shutting
		// down or cannot take connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// Settle has a team database vacuum table in the background after a write
// that added many rows to it (activation, customers added to a release):
// VACUUM marks the new rows' pages all-visible, so the matrix, which every
// window reads again after every change, reads a new release's steps from
// its index alone (86 ms at 2,000 × 100) instead of visiting each of them
// in the table too (250 ms); ANALYZE tells the planner they are there.
// Autovacuum would do the same, but only minutes later. A file needs
// nothing. The channel closes when it is over; Close interrupts it.
func (s *Store) Settle(table string) <-chan struct{} {
	done := make(chan struct{})
	s.mu.RLock()
	db, ctx, team := s.db, s.readCtx, s.team != "" && s.tx == nil && !s.closing
	if team && db != nil {
		s.reads.Add(1)
	}
	s.mu.RUnlock()
	if !team || db == nil {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		defer s.reads.Done()
		if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE) "+table); err != nil && ctx.Err() == nil {
			s.log.Info("vacuum after a large write failed: autovacuum will do it", "table", table, "err", err)
		}
	}()
	return done
}
