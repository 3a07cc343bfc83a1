package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"modernc.org/sqlite"

	"shipdeck/backend/problem"
)

// SQLite's primary result codes that an operator can do something about.
// An extended code carries its primary code in the low byte
// (SQLITE_IOERR_SHMSIZE is 4874 = 10 | 19<<8).
const (
	codeBusy     = 5
	codeLocked   = 6
	codeReadOnly = 8
	codeIOErr    = 10
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeNotADB   = 26
)

// cause is what went wrong underneath, in the terms an operator can act on.
type cause int

const (
	causeOther       cause = iota
	causeBusy              // another program holds a lock
	causeFull              // no space left on the disk
	causeReadOnly          // the file, its folder or its disk cannot be written
	causeDisk              // the disk reported an I/O error
	causeDamaged           // the file is not (or no longer) a sound database
	causeUnreachable       // the team database's server cannot be reached
)

// classify reads the cause of err: SQLite's result code when the driver gave
// one, else the operating system's error. dir is the folder written to: an
// I/O error on a disk with no space left is a full disk (SQLite reports a
// failed -shm allocation on a full disk as SQLITE_IOERR_SHMSIZE, not
// SQLITE_FULL).
func classify(err error, dir string) cause {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case codeBusy, codeLocked:
			return causeBusy
		case codeFull:
			return causeFull
		case codeReadOnly:
			return causeReadOnly
		case codeIOErr, codeCantOpen:
			if dir != "" && diskFull(dir) {
				return causeFull
			}
			if se.Code()&0xff == codeCantOpen {
				return causeOther
			}
			return causeDisk
		case codeCorrupt, codeNotADB:
			return causeDamaged
		}
		return causeOther
	}
	if unreachable(err) {
		return causeUnreachable
	}
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return causeFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, fs.ErrPermission):
		return causeReadOnly
	case errors.Is(err, syscall.EIO):
		return causeDisk
	}
	return causeOther
}

// writeError is the sentence for a transaction that failed: every cause here
// rolled the transaction back, so "nothing was changed" is true. Errors that
// are already plain, and those without a known cause, are returned as they
// are (the latter become "Something went wrong" with the cause in the log).
func (s *Store) writeError(err error) error {
	if err == nil || isPlain(err) || errors.Is(err, context.Canceled) {
		return err
	}
	switch classify(err, s.dir()) {
	case causeBusy:
		return problem.Wrap(problem.CodeState, err, "Another program is using Shipdeck's database, so nothing was changed: close it (or wait) and try again.")
	case causeFull:
		return problem.Wrap(problem.CodeState, err, "The disk holding Shipdeck's data is full: nothing was changed. Free some space and try again.")
	case causeReadOnly:
		return problem.Wrap(problem.CodeState, err, "Shipdeck's database cannot be written (the file, its folder or its disk is read-only): nothing was changed.")
	case causeDisk:
		return problem.Wrap(problem.CodeState, err, "The disk holding Shipdeck's data reported an error, so nothing was changed: check the disk and try again.")
	case causeDamaged:
		return problem.Wrap(problem.CodeState, err, "Shipdeck's database file is damaged, so nothing was changed: restore a backup (File → Restore from backup…).")
	case causeUnreachable:
		return problem.Wrap(problem.CodeState, err, "The team database cannot be reached, so nothing was changed. Shipdeck reconnects by itself: try again once it is back.")
	}
	return err
}

// readError is writeError for reads, which change nothing anyway.
func (s *Store) readError(err error) error {
	if err == nil || isPlain(err) || errors.Is(err, context.Canceled) {
		return err
	}
	switch classify(err, s.dir()) {
	case causeBusy:
		return problem.Wrap(problem.CodeState, err, "Another program is using Shipdeck's database: close it (or wait) and try again.")
	case causeFull:
		return problem.Wrap(problem.CodeState, err, "The disk holding Shipdeck's data is full: free some space and try again.")
	case causeDisk:
		return problem.Wrap(problem.CodeState, err, "The disk holding Shipdeck's data reported an error while reading: check the disk and try again.")
	case causeDamaged:
		return problem.Wrap(problem.CodeState, err, "Shipdeck's database file is damaged: restore a backup (File → Restore from backup…).")
	case causeUnreachable:
		return problem.Wrap(problem.CodeState, err, "The team database cannot be reached: Shipdeck reconnects by itself, and shows it again once it is back.")
	}
	return err
}

// copyError is the sentence for a copy of the database (a backup) that
// could not be written into dir. The copy is written under a temporary name
// and removed when it fails, so no backup was written.
func copyError(err error, dir string) error {
	if err == nil || isPlain(err) || errors.Is(err, context.Canceled) {
		return err
	}
	switch classify(err, dir) {
	case causeFull:
		return problem.Wrap(problem.CodeState, err, "The disk holding %s is full: no backup was written. Free some space and try again.", dir)
	case causeReadOnly:
		return problem.Wrap(problem.CodeState, err, "Shipdeck cannot write in %s: no backup was written.", dir)
	case causeDisk:
		return problem.Wrap(problem.CodeState, err, "The disk holding %s reported an error: no backup was written.", dir)
	case causeBusy:
		return problem.Wrap(problem.CodeState, err, "Another program is using Shipdeck's database: no backup was written. Try again in a moment.")
	case causeDamaged:
		return problem.Wrap(problem.CodeState, err, "Shipdeck's database file is damaged, so no backup could be made of it: restore an earlier backup.")
	}
	return fmt.Errorf("write backup in %s: %w", dir, err)
}

func isPlain(err error) bool {
	var pe *problem.Error
	return errors.As(err, &pe)
}
