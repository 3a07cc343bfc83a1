package runner

import (
	"context"
	"sync"
	"sync/atomic"
)

// MaxConcurrency is the most jobs RunMany runs at once.
const MaxConcurrency = 8

// State is where a job of RunMany stands. The final states of a job that ran
// are its Outcome's values.
type State string

// The states of a job, in the order a job goes through them.
const (
	StateQueued    State = "queued"
	StateRunning   State = "running"
	StateSucceeded State = State(Succeeded)
	StateFailed    State = State(Failed)
	StateCancelled State = State(Cancelled)
	StateTimedOut  State = State(TimedOut)
	// StateSkipped is a job that never started because an earlier one
	// failed under StopOnFailure.
	StateSkipped State = "skipped"
)

// Final reports whether a job in state s is done.
func (s State) Final() bool { return s != StateQueued && s != StateRunning }

// Job is one run of RunMany, for example the same step for one customer.
type Job struct {
	Spec Spec
	// OnChunk receives the job's live output, as Run's onChunk; nil
	// discards it.
	OnChunk func(Chunk)
}

// Update is a job's new state.
type Update struct {
	// Index is the job's position in the jobs given to RunMany.
	Index int
	State State
	// Result is the run's result once it ended; nil while queued or
	// running, and for a job that never started (skipped, or cancelled
	// while queued).
	Result *Result
	// Err is why the job could not start, as Run's error; State is then
	// StateFailed and Result nil.
	Err error
}

// ManyOptions tunes RunMany.
type ManyOptions struct {
	// Concurrency is how many jobs run at once, 1..MaxConcurrency; values
	// outside are moved to the nearest bound.
	Concurrency int
	// StopOnFailure starts no new job once one has failed, timed out or
	// could not start; the running ones finish, the queued ones are
	// skipped.
	StopOnFailure bool
	// OnUpdate, if not nil, hears every state change: all jobs queued
	// first, then running and a final state for each. It is called from one
	// goroutine at a time, and a slow OnUpdate delays the start of the next
	// job.
	OnUpdate func(Update)
}

// RunMany runs the jobs in order, at most opt.Concurrency at once, and
// returns each job's final Update, by index. Cancelling ctx cancels the
// running jobs and the queued ones (StateCancelled, without a Result).
func RunMany(ctx context.Context, jobs []Job, opt ManyOptions) []Update {
	n := min(max(opt.Concurrency, 1), MaxConcurrency)
	final := make([]Update, len(jobs))
	var mu sync.Mutex
	report := func(u Update) {
		mu.Lock()
		defer mu.Unlock()
		if u.State.Final() {
			final[u.Index] = u
		}
		if opt.OnUpdate != nil {
			opt.OnUpdate(u)
		}
	}
	for i := range jobs {
		report(Update{Index: i, State: StateQueued})
	}

	var failed atomic.Bool
	slots := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, job := range jobs {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		// Checked after the select: a free slot and a cancel can be ready
		// at the same time, and a failing job sets failed before it frees
		// its slot.
		if ctx.Err() != nil || (opt.StopOnFailure && failed.Load()) {
			state := StateSkipped
			if ctx.Err() != nil {
				state = StateCancelled
			}
			for j := i; j < len(jobs); j++ {
				report(Update{Index: j, State: state})
			}
			break
		}
		report(Update{Index: i, State: StateRunning})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			u := Update{Index: i}
			res, err := Run(ctx, job.Spec, job.OnChunk)
			if err != nil {
				u.State, u.Err = StateFailed, err
			} else {
				u.State, u.Result = State(res.Outcome), &res
			}
			if u.State == StateFailed || u.State == StateTimedOut {
				failed.Store(true)
			}
			report(u)
		}()
	}
	wg.Wait()
	return final
}
