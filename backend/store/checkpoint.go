package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// The WAL's pages are copied into the database file by a checkpoint. SQLite
// runs one on the commit that takes the WAL past 1,000 pages, and a bulk
// action, a reorder or a template edit of a 2,000-customer release writes
// about 2,000 (its rows lie on that many pages): every such commit would
// also copy 8 MB into the file and wait for its sync, a third of the
// action's time. The app's connections never checkpoint on commit
// (appDSN); this goroutine does, once writes pause, so the operator waits
// for the commit alone. Nothing is less safe: a commit is durable in the
// WAL (synchronous=FULL), and SQLite replays the WAL at the next open.
var (
	// checkpointQuiet is the pause in writes after which the WAL is
	// checkpointed (a variable for the tests).
	checkpointQuiet = time.Second
	// checkpointAtMost bounds how long steady writing puts it off.
	checkpointAtMost = 30 * time.Second
)

type checkpointer struct {
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// startCheckpointer starts the checkpointer of the app's store on db.
func (s *Store) startCheckpointer(db *bun.DB) {
	c := &checkpointer{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	s.ckpt.Store(c)
	go func() {
		defer close(c.done)
		for {
			select {
			case <-c.stop:
				return
			case <-c.kick:
			}
			if !c.quiet() {
				return
			}
			var busy, frames, done int
			// PASSIVE: it copies what no reader still needs and never waits
			// for a lock; what is left goes at the next pause or at Close.
			err := db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
			if err != nil {
				s.log.Warn("background checkpoint", "err", err)
			}
		}
	}()
}

// quiet waits until no write came for checkpointQuiet, or checkpointAtMost
// passed; false when the store is closing.
func (c *checkpointer) quiet() bool {
	limit := time.NewTimer(checkpointAtMost)
	defer limit.Stop()
	pause := time.NewTimer(checkpointQuiet)
	defer pause.Stop()
	for {
		select {
		case <-c.stop:
			return false
		case <-limit.C:
			return true
		case <-pause.C:
			return true
		case <-c.kick:
			pause.Reset(checkpointQuiet)
		}
	}
}

// wrote tells the checkpointer a write was committed.
func (s *Store) wrote() {
	if c := s.ckpt.Load(); c != nil {
		select {
		case c.kick <- struct{}{}:
		default:
		}
	}
}

// stopCheckpointer stops it and waits (Close checkpoints by itself).
func (s *Store) stopCheckpointer() {
	if c := s.ckpt.Swap(nil); c != nil {
		close(c.stop)
		<-c.done
	}
}
