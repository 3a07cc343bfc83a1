package app

import (
	"context"
	"log/slog"
	"time"

	"shipdeck/backend/release"
)

// EventDBChanged tells the window that the record changed outside it (the
// command line, another program, a file put in place): which releases and
// steps, or All when it cannot tell.
const EventDBChanged = "db:changed"

// DBChange is EventDBChanged's payload.
type DBChange struct {
	All      bool    `json:"all"`
	Releases []int64 `json:"releases"`
	Steps    []int64 `json:"steps"`
}

// watchEvery is how often the file's change counter is read: a change made
// elsewhere shows within this (well under a second), at near-zero cost.
const watchEvery = 300 * time.Millisecond

// watchChanges tells the window of commits it did not make. The store
// counts its own; a commit it did not count, or history rows another
// source wrote (the command line), is a change from outside.
func (s *Shell) watchChanges(ctx context.Context) {
	lastCommits, _ := s.store.Writes()
	lastHistory := s.maxHistoryID(ctx)
	team := s.store.Team() != ""
	err := s.store.WatchOnline(ctx, watchEvery, func() {
		commits, writing := s.store.Writes()
		// A team database's watch reports other stores' commits only.
		ours := !team && (writing || commits != lastCommits)
		lastCommits = commits
		var rows []struct {
			ID        int64  `bun:"id"`
			ReleaseID int64  `bun:"release_id"`
			StepID    *int64 `bun:"step_id"`
			Source    string `bun:"source"`
		}
		db, err := s.store.DB()
		if err != nil {
			return
		}
		if err := db.NewRaw(`SELECT id, release_id, step_id, source FROM step_history WHERE id > ? ORDER BY id`, lastHistory).Scan(ctx, &rows); err != nil {
			slog.Warn("read new history", "err", err)
		}
		change := DBChange{All: !ours, Releases: []int64{}, Steps: []int64{}}
		seen := map[int64]bool{}
		for _, r := range rows {
			lastHistory = r.ID
			if r.Source == release.SourceApp {
				continue
			}
			if !seen[r.ReleaseID] {
				seen[r.ReleaseID] = true
				change.Releases = append(change.Releases, r.ReleaseID)
			}
			if r.StepID != nil {
				change.Steps = append(change.Steps, *r.StepID)
			}
		}
		if change.All || len(change.Releases) > 0 {
			s.emit(s.ctx, EventDBChanged, change)
		}
	}, func(online bool) {
		s.mu.Lock()
		s.offline = !online
		s.mu.Unlock()
		slog.Info("team database", "reachable", online)
		s.emit(s.ctx, EventWorkspaceOnline, online)
	})
	if err != nil {
		slog.Warn("watch the database for changes made elsewhere", "err", err)
	}
}

// EventWorkspaceOnline tells the window whether the team database can be
// reached (its payload: true or false), as that changes.
const EventWorkspaceOnline = "workspace:online"

func (s *Shell) maxHistoryID(ctx context.Context) int64 {
	db, err := s.store.DB()
	if err != nil {
		return 0
	}
	var id int64
	_ = db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM step_history`).Scan(&id) // 0: everything counts as new once
	return id
}
