package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// updateLog records RunMany's updates and fails the test if two calls
// overlap.
type updateLog struct {
	t       *testing.T
	mu      sync.Mutex
	updates []Update
	inside  atomic.Int32
}

func (l *updateLog) add(u Update) {
	if l.inside.Add(1) > 1 {
		l.t.Error("OnUpdate was called from two goroutines at once")
	}
	defer l.inside.Add(-1)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.updates = append(l.updates, u)
}

// check verifies the order of the updates: every job queued before anything
// else, then running before its final state, and the final state the one
// RunMany returned.
func (l *updateLog) check(jobs int, final []Update) {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := make([][]State, jobs)
	for i, u := range l.updates {
		if (i < jobs) != (u.State == StateQueued) {
			l.t.Errorf("update %d is %+v: all queued updates must come first", i, u)
		}
		seen[u.Index] = append(seen[u.Index], u.State)
	}
	for i, states := range seen {
		want := []State{StateQueued, StateRunning, final[i].State}
		if final[i].Result == nil && final[i].Err == nil {
			want = []State{StateQueued, final[i].State}
		}
		if !reflect.DeepEqual(states, want) {
			l.t.Errorf("job %d went through %v, want %v", i, states, want)
		}
	}
}

func states(updates []Update) []State {
	var s []State
	for _, u := range updates {
		s = append(s, u.State)
	}
	return s
}

func TestRunManyRespectsConcurrency(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			dir := t.TempDir()
			running, counts := filepath.Join(dir, "running"), filepath.Join(dir, "counts")
			for _, d := range []string{running, counts} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			// Each job counts the jobs running with it, half a second
			// after it started: any job started meanwhile would be seen.
			script := `touch "$RUNNING/$JOB"
sleep 0.5
ls "$RUNNING" | wc -l | tr -d ' ' > "$COUNTS/$JOB"
rm "$RUNNING/$JOB"`
			var jobs []Job
			for i := range 7 {
				jobs = append(jobs, Job{Spec: Spec{Script: script, Env: []string{
					"RUNNING=" + running, "COUNTS=" + counts, "JOB=" + strconv.Itoa(i),
				}}})
			}
			log := &updateLog{t: t}
			final := RunMany(testContext(t), jobs, ManyOptions{Concurrency: n, OnUpdate: log.add})
			log.check(len(jobs), final)

			var startOrder []int
			for _, u := range log.updates {
				if u.State == StateRunning {
					startOrder = append(startOrder, u.Index)
				}
			}
			if want := []int{0, 1, 2, 3, 4, 5, 6}; !reflect.DeepEqual(startOrder, want) {
				t.Errorf("jobs started in the order %v", startOrder)
			}
			most := 0
			for i, u := range final {
				if u.State != StateSucceeded {
					t.Errorf("job %d: %+v", i, u)
				}
				b, err := os.ReadFile(filepath.Join(counts, strconv.Itoa(i)))
				if err != nil {
					t.Fatal(err)
				}
				c, err := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil {
					t.Fatal(err)
				}
				most = max(most, c)
			}
			if most != n {
				t.Errorf("at most %d jobs ran at once, want %d", most, n)
			}
		})
	}
}

func TestRunManyStopOnFailure(t *testing.T) {
	ok := Spec{Script: "true"}
	fail := Spec{Script: "exit 2"}
	tests := []struct {
		name        string
		concurrency int
		stop        bool
		jobs        []Spec
		want        []State
	}{
		{"first failure stops", 1, true, []Spec{ok, fail, ok, ok}, []State{StateSucceeded, StateFailed, StateSkipped, StateSkipped}},
		{"running jobs finish", 2, true,
			[]Spec{{Script: "sleep 0.3; exit 1"}, {Script: "sleep 1"}, ok, ok},
			[]State{StateFailed, StateSucceeded, StateSkipped, StateSkipped}},
		{"a timeout is a failure", 1, true,
			[]Spec{{Script: "sleep 300", Timeout: 200 * time.Millisecond}, ok},
			[]State{StateTimedOut, StateSkipped}},
		{"a job that cannot start is a failure", 1, true,
			[]Spec{{Script: "true", Bash: "/nonexistent/bash"}, ok},
			[]State{StateFailed, StateSkipped}},
		{"without StopOnFailure all run", 1, false, []Spec{ok, fail, ok}, []State{StateSucceeded, StateFailed, StateSucceeded}},
		{"no jobs", 2, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := t.TempDir()
			var jobs []Job
			for i, spec := range tt.jobs {
				spec.Script = `touch "$RAN/` + strconv.Itoa(i) + `"` + "\n" + spec.Script
				spec.Env = []string{"RAN=" + ran}
				jobs = append(jobs, Job{Spec: spec})
			}
			log := &updateLog{t: t}
			final := RunMany(testContext(t), jobs, ManyOptions{Concurrency: tt.concurrency, StopOnFailure: tt.stop, OnUpdate: log.add})
			if got := states(final); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("final states %v, want %v", got, tt.want)
			}
			log.check(len(jobs), final)
			for i, u := range final {
				_, err := os.Stat(filepath.Join(ran, strconv.Itoa(i)))
				didRun := err == nil
				if didRun != (u.Result != nil) {
					t.Errorf("job %d: ran %v, result %v", i, didRun, u.Result)
				}
				if (u.Err != nil) != (u.State == StateFailed && u.Result == nil) {
					t.Errorf("job %d: %+v", i, u)
				}
			}
		})
	}
}

func TestRunManyCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	started := make(chan int, 4)
	var jobs []Job
	for i := range 4 {
		var once sync.Once
		jobs = append(jobs, Job{
			Spec:    Spec{Script: "echo started\nsleep 300"},
			OnChunk: func(Chunk) { once.Do(func() { started <- i }) },
		})
	}
	go func() {
		<-started
		<-started
		cancel()
	}()
	begin := time.Now()
	log := &updateLog{t: t}
	final := RunMany(ctx, jobs, ManyOptions{Concurrency: 2, OnUpdate: log.add})
	if took := time.Since(begin); took > 20*time.Second {
		t.Errorf("RunMany returned after %v", took)
	}
	log.check(len(jobs), final)
	for i, u := range final {
		if u.State != StateCancelled || (u.Result != nil) != (i < 2) {
			t.Errorf("job %d: %+v", i, u)
		}
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("ctx: %v", ctx.Err())
	}
}

func TestRunManyClampsConcurrency(t *testing.T) {
	var jobs []Job
	for range 3 {
		jobs = append(jobs, Job{Spec: Spec{Script: "true"}})
	}
	for _, n := range []int{-1, 0, 100} {
		final := RunMany(testContext(t), jobs, ManyOptions{Concurrency: n})
		if got := states(final); !reflect.DeepEqual(got, []State{StateSucceeded, StateSucceeded, StateSucceeded}) {
			t.Errorf("concurrency %d: %v", n, got)
		}
	}
}
