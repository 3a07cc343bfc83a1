package release

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/runner"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// Running bash steps (docs/running-steps.md): the script is exactly the
// rendered content the panel shows, run with the cluster's kubeconfig and
// the customer's names in the environment. Each run is a row of step_runs,
// written when it starts (so a crash leaves it "running", and the next
// start marks it interrupted) and completed when it ends, with a history
// row; a run that succeeds marks its step done.

// Run outcomes as stored: runner's, plus running while it goes.
const (
	RunRunning     = "running"
	RunInterrupted = string(runner.Interrupted)
)

// Events the window hears while runs go.
const (
	EventRunUpdate = "run:update" // a job's state changed (RunJob)
	EventRunOutput = "run:output" // output of a run (RunOutputEvent)
	EventStepsRan  = "steps:ran"  // a run ended and changed the record (release id)
)

// RunConfig is how runs are allowed to go (Settings).
type RunConfig struct {
	Enabled  bool
	Timeout  time.Duration
	MarkDone bool
}

// Runs is the bound service that runs bash steps and keeps their record.
type Runs struct {
	st    *store.Store
	steps *Steps
	// Emit sends an event to the window; the shell sets it.
	Emit func(event string, data ...any)
	// Config reads the run settings; the shell sets it (default: enabled,
	// 15 minutes, mark done on success).
	Config func() RunConfig
	// PidFile keeps the process ids of scripts running now, so that the
	// next start can end what a crash left behind ("" keeps none).
	PidFile string
	// bash overrides runner.FindBash (tests).
	bash string

	mu        sync.Mutex
	ctx       context.Context
	cancel    context.CancelFunc
	batches   map[string]*batch
	seq       int
	confirmed map[int64]bool // clusters confirmed since the app started
	pids      map[int64]int  // run id → process (group) id
	wg        sync.WaitGroup
}

// NewRuns returns the run service on st.
func NewRuns(st *store.Store, steps *Steps) *Runs {
	ctx, cancel := context.WithCancel(context.Background())
	return &Runs{
		st: st, steps: steps, ctx: ctx, cancel: cancel,
		Emit:    func(string, ...any) {},
		Config:  func() RunConfig { return RunConfig{Enabled: true, Timeout: 15 * time.Minute, MarkDone: true} },
		batches: map[string]*batch{}, confirmed: map[int64]bool{}, pids: map[int64]int{},
	}
}

// RunTarget is one step a run would reach, with where it runs.
type RunTarget struct {
	StepID     int64  `json:"stepId"`
	StepName   string `json:"stepName"`
	CustomerID int64  `json:"customerId"`
	Customer   string `json:"customer"`
	Namespace  string `json:"namespace"`
	ClusterID  int64  `json:"clusterId"`
	Cluster    string `json:"cluster"`
	Kubeconfig string `json:"kubeconfig"`
	Status     Status `json:"status"`
	script     string
	releaseID  int64
	release    string
}

// RunRefusal is a step a run leaves out, and why.
type RunRefusal struct {
	StepID   int64  `json:"stepId"`
	Customer string `json:"customer"`
	Why      string `json:"why"`
}

// ClusterConfirm is a cluster no step has run against since the app
// started: the operator confirms it first.
type ClusterConfirm struct {
	ClusterID  int64    `json:"clusterId"`
	Cluster    string   `json:"cluster"`
	Kubeconfig string   `json:"kubeconfig"`
	Namespaces []string `json:"namespaces"`
}

// RunCheck says what a run of the given steps would do.
type RunCheck struct {
	Runnable []RunTarget      `json:"runnable"`
	Refused  []RunRefusal     `json:"refused"`
	Confirm  []ClusterConfirm `json:"confirm"`
	// Again counts runnable steps that are done already ("Run again").
	Again int `json:"again"`
}

// RunInput starts runs.
type RunInput struct {
	StepIDs []int64 `json:"stepIds"`
	// Concurrency is how many run at once (1 by default, at most 8).
	Concurrency   int  `json:"concurrency"`
	StopOnFailure bool `json:"stopOnFailure"`
	// Again allows done steps to run again.
	Again bool `json:"again"`
	// Confirmed lists the clusters the operator confirmed for this run.
	Confirmed []int64 `json:"confirmed"`
}

// RunJob is one step of a batch as the run board shows it.
type RunJob struct {
	BatchID    string `json:"batchId"`
	Index      int    `json:"index"`
	StepID     int64  `json:"stepId"`
	StepName   string `json:"stepName"`
	ReleaseID  int64  `json:"releaseId"`
	CustomerID int64  `json:"customerId"`
	Customer   string `json:"customer"`
	Cluster    string `json:"cluster"`
	State      string `json:"state"` // runner.State values
	RunID      int64  `json:"runId"` // 0 until it starts
	ExitCode   *int   `json:"exitCode"`
	StartedAt  int64  `json:"startedAt"`  // unix ms, 0 until it starts
	FinishedAt int64  `json:"finishedAt"` // unix ms, 0 until it ends
	Error      string `json:"error"`
}

// Batch is a set of runs started together.
type Batch struct {
	ID        string   `json:"id"`
	ReleaseID int64    `json:"releaseId"`
	StepName  string   `json:"stepName"`
	Jobs      []RunJob `json:"jobs"`
	Done      bool     `json:"done"`
}

type batch struct {
	Batch
	cancel context.CancelFunc
}

// RunOutputEvent carries output of one run to the window.
type RunOutputEvent struct {
	RunID  int64          `json:"runId"`
	Chunks []runner.Chunk `json:"chunks"`
}

// Check says which of the steps can run, which not and why, and which
// clusters need confirming first.
func (r *Runs) Check(stepIDs []int64) (out RunCheck, err error) {
	defer problem.Recover(&err)
	if err := validate.IDs("step", stepIDs, maxBulk); err != nil {
		return out, err
	}
	err = r.st.Read(func(ctx context.Context, db bun.IDB) error {
		out, err = r.check(ctx, db, stepIDs, true)
		return err
	})
	return out, err
}

// runTargetRow is a step with where it would run.
type runTargetRow struct {
	ID         int64   `bun:"id"`
	ReleaseID  int64   `bun:"release_id"`
	Release    string  `bun:"release"`
	RelStatus  string  `bun:"release_status"`
	CustomerID int64   `bun:"customer_id"`
	Customer   string  `bun:"customer"`
	Namespace  string  `bun:"namespace"`
	ClusterID  int64   `bun:"cluster_id"`
	Cluster    string  `bun:"cluster"`
	Kubeconfig *string `bun:"kubeconfig"`
	Name       string  `bun:"name"`
	Type       string  `bun:"type"`
	Content    string  `bun:"content"`
	Status     string  `bun:"status"`
	Held       bool    `bun:"held"`
}

const sqlRunTargets = `SELECT cs.id, cs.release_id, r.name AS release, r.status AS release_status, cs.customer_id,
	cu.name AS customer, cu.namespace, cl.id AS cluster_id, cl.name AS cluster, cl.kubeconfig_path AS kubeconfig,
	cs.name, cs.type, cs.content, coalesce(cs.status, 'pending') AS status,
	EXISTS (SELECT 1 FROM release_customers rc WHERE rc.release_id = cs.release_id AND rc.customer_id = cs.customer_id AND rc.held_at IS NOT NULL) AS held
FROM customer_steps cs JOIN releases r ON r.id = cs.release_id JOIN customers cu ON cu.id = cs.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
WHERE cs.id IN ?
ORDER BY cl.name, cu.name, cs.id`

func (r *Runs) check(ctx context.Context, db bun.IDB, stepIDs []int64, again bool) (RunCheck, error) {
	out := RunCheck{Runnable: []RunTarget{}, Refused: []RunRefusal{}, Confirm: []ClusterConfirm{}}
	var rows []runTargetRow
	if err := db.NewRaw(sqlRunTargets, store.IDs(stepIDs)).Scan(ctx, &rows); err != nil {
		return out, fmt.Errorf("read the steps to run: %w", err)
	}
	if len(rows) != len(stepIDs) {
		return out, problem.NotFound("%d of the %d steps do not exist; reload and try again.", len(stepIDs)-len(rows), len(stepIDs))
	}
	cfg := r.Config()
	_, bashErr := r.findBash()
	// One context read per release and customer set.
	byRelease := map[int64][]int64{}
	for _, row := range rows {
		byRelease[row.ReleaseID] = append(byRelease[row.ReleaseID], row.CustomerID)
	}
	scripts := map[int64]vars.Result{}
	for rel, ids := range byRelease {
		cs, _, err := contexts(ctx, db, rel, ids)
		if err != nil {
			return out, err
		}
		for _, row := range rows {
			if row.ReleaseID == rel {
				scripts[row.ID] = renderStep(cs[row.CustomerID], row.Name, StepType(row.Type), row.Content)
			}
		}
	}
	r.mu.Lock()
	confirmed := make(map[int64]bool, len(r.confirmed))
	for k := range r.confirmed {
		confirmed[k] = true
	}
	running := map[int64]bool{}
	for _, b := range r.batches {
		for _, j := range b.Jobs {
			if !runner.State(j.State).Final() {
				running[j.StepID] = true
			}
		}
	}
	r.mu.Unlock()
	confirm := map[int64]*ClusterConfirm{}
	var order []int64
	for _, row := range rows {
		refuse := func(why string) {
			out.Refused = append(out.Refused, RunRefusal{StepID: row.ID, Customer: row.Customer, Why: why})
		}
		switch st := Status(row.Status); {
		case !cfg.Enabled:
			refuse("Running steps is turned off in Settings.")
		case bashErr != nil:
			refuse(bashErr.Error())
		case ReleaseStatus(row.RelStatus) != Active:
			refuse(fmt.Sprintf("Release '%s' is %s: its steps do not run.", row.Release, row.RelStatus))
		case StepType(row.Type) != Bash:
			refuse(fmt.Sprintf("'%s' is a %s step: only bash steps run. Copy it instead.", row.Name, strings.ToUpper(row.Type)))
		case row.Held:
			refuse(fmt.Sprintf("%s is on hold in this release.", row.Customer))
		case running[row.ID]:
			refuse(fmt.Sprintf("'%s' is running for %s already.", row.Name, row.Customer))
		case st == Skipped:
			refuse(fmt.Sprintf("'%s' was skipped for %s: set it back to pending to run it.", row.Name, row.Customer))
		case st == Done && !again:
			refuse(fmt.Sprintf("'%s' is done for %s already.", row.Name, row.Customer))
		case len(scripts[row.ID].Missing) > 0:
			// The script would run with the variable as written: never.
			refuse(fmt.Sprintf("'%s' cannot run for %s: %s", row.Name, row.Customer, scripts[row.ID].Missing[0].Message))
		default:
			if st == Done {
				out.Again++
			}
			t := RunTarget{StepID: row.ID, StepName: row.Name, CustomerID: row.CustomerID, Customer: row.Customer, Namespace: row.Namespace,
				ClusterID: row.ClusterID, Cluster: row.Cluster, Status: st, script: scripts[row.ID].Text, releaseID: row.ReleaseID, release: row.Release}
			if row.Kubeconfig != nil {
				t.Kubeconfig = *row.Kubeconfig
			}
			out.Runnable = append(out.Runnable, t)
			if !confirmed[row.ClusterID] {
				c, ok := confirm[row.ClusterID]
				if !ok {
					c = &ClusterConfirm{ClusterID: row.ClusterID, Cluster: row.Cluster, Kubeconfig: t.Kubeconfig, Namespaces: []string{}}
					confirm[row.ClusterID] = c
					order = append(order, row.ClusterID)
				}
				if len(c.Namespaces) < 20 {
					c.Namespaces = append(c.Namespaces, row.Namespace)
				}
			}
		}
	}
	for _, id := range order {
		out.Confirm = append(out.Confirm, *confirm[id])
	}
	return out, nil
}

func (r *Runs) findBash() (string, error) {
	if r.bash != "" {
		return r.bash, nil
	}
	return runner.FindBash()
}

// Start runs the steps that can run, one after the other or up to 8 at
// once; a step that cannot run is refused with the reason, and nothing
// starts until every cluster it reaches for the first time is confirmed.
func (r *Runs) Start(in RunInput) (out Batch, err error) {
	defer problem.Recover(&err)
	if err := validate.IDs("step", in.StepIDs, maxBulk); err != nil {
		return out, err
	}
	var chk RunCheck
	var actor string
	err = r.st.Read(func(ctx context.Context, db bun.IDB) error {
		if chk, err = r.check(ctx, db, in.StepIDs, in.Again); err != nil {
			return err
		}
		actor, err = settings.Actor(ctx, db)
		return err
	})
	if err != nil {
		return out, err
	}
	if len(chk.Runnable) == 0 {
		if len(chk.Refused) > 0 {
			return out, problem.State("%s", chk.Refused[0].Why)
		}
		return out, problem.State("There is no step to run.")
	}
	ok := map[int64]bool{}
	for _, id := range in.Confirmed {
		ok[id] = true
	}
	for _, c := range chk.Confirm {
		if !ok[c.ClusterID] {
			return out, problem.State("Confirm cluster %s first: no step has run against it since Shipdeck started.", c.Cluster)
		}
	}
	bash, err := r.findBash()
	if err != nil {
		return out, problem.State("%s", err.Error())
	}
	cfg := r.Config()

	r.mu.Lock()
	if r.ctx.Err() != nil {
		r.mu.Unlock()
		return out, problem.State("Shipdeck is quitting: nothing new runs.")
	}
	for _, c := range chk.Confirm {
		r.confirmed[c.ClusterID] = true
	}
	r.seq++
	ctx, cancel := context.WithCancel(r.ctx)
	b := &batch{Batch: Batch{ID: fmt.Sprintf("b%d", r.seq), ReleaseID: chk.Runnable[0].releaseID, StepName: chk.Runnable[0].StepName}, cancel: cancel}
	if len(chk.Runnable) > 1 && chk.Runnable[0].StepName != chk.Runnable[len(chk.Runnable)-1].StepName {
		b.StepName = fmt.Sprintf("%d steps", len(chk.Runnable))
	}
	for i, t := range chk.Runnable {
		b.Jobs = append(b.Jobs, RunJob{BatchID: b.ID, Index: i, StepID: t.StepID, StepName: t.StepName, ReleaseID: t.releaseID,
			CustomerID: t.CustomerID, Customer: t.Customer, Cluster: t.Cluster, State: string(runner.StateQueued)})
	}
	r.batches[b.ID] = b
	out = snapshot(b)
	r.wg.Add(1)
	r.mu.Unlock()

	go r.runBatch(ctx, b, chk.Runnable, bash, actor, cfg, in)
	return out, nil
}

func snapshot(b *batch) Batch {
	out := b.Batch
	out.Jobs = append([]RunJob(nil), b.Jobs...)
	return out
}

// runBatch runs a batch's jobs and records each as it starts and ends.
func (r *Runs) runBatch(ctx context.Context, b *batch, targets []RunTarget, bash, actor string, cfg RunConfig, in RunInput) {
	defer r.wg.Done()
	defer b.cancel()
	runIDs := make([]int64, len(targets))
	jobs := make([]runner.Job, len(targets))
	for i, t := range targets {
		jobs[i] = runner.Job{
			Spec: runner.Spec{
				Script:  t.script,
				Env:     runEnv(t),
				Timeout: cfg.Timeout,
				Bash:    bash,
				OnStart: func(pid int) { r.keepPid(runIDs[i], pid) },
			},
			OnChunk: func(c runner.Chunk) {
				r.Emit(EventRunOutput, RunOutputEvent{RunID: runIDs[i], Chunks: []runner.Chunk{c}})
			},
		}
	}
	// Ends are recorded by a flusher, a few at a time in one transaction
	// with set-based statements: a row of 2,000 quick runs is not 2,000
	// transactions in a row, and a slow write never holds the next start.
	ends := make(chan ended, len(targets))
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		r.flushEnds(b, ends, targets, actor, cfg)
	}()
	started := make([]time.Time, len(targets))
	opt := runner.ManyOptions{
		Concurrency:   in.Concurrency,
		StopOnFailure: in.StopOnFailure,
		OnUpdate: func(u runner.Update) {
			t := targets[u.Index]
			if u.State == runner.StateRunning {
				// The run's row is written before the script starts, so a
				// crash leaves it running and the next start finds it.
				started[u.Index] = time.Now()
				id, err := r.recordStart(t, actor, started[u.Index])
				if err != nil {
					slog.Error("record a run's start", "step", t.StepID, "err", err)
				}
				runIDs[u.Index] = id
			}
			r.mu.Lock()
			j := &b.Jobs[u.Index]
			j.RunID = runIDs[u.Index]
			if !started[u.Index].IsZero() {
				j.StartedAt = started[u.Index].UnixMilli()
			}
			if u.State.Final() {
				j.FinishedAt = time.Now().UnixMilli()
				if u.Result != nil {
					code := u.Result.ExitCode
					j.ExitCode = &code
				}
				if u.Err != nil {
					j.Error = u.Err.Error()
				}
			}
			if !u.State.Final() || runIDs[u.Index] == 0 {
				// Queued, running, or never started: nothing to record.
				j.State = string(u.State)
				job := *j
				r.mu.Unlock()
				r.Emit(EventRunUpdate, job)
				return
			}
			r.mu.Unlock()
			ends <- ended{index: u.Index, runID: runIDs[u.Index], update: u}
		},
	}
	runner.RunMany(ctx, jobs, opt)
	close(ends)
	<-flushed
	r.mu.Lock()
	b.Done = true
	r.mu.Unlock()
}

// ended is a run that ended, waiting to be recorded.
type ended struct {
	index  int
	runID  int64
	update runner.Update
}

// flushEnds records ended runs as they come, in groups: what has arrived
// within flushEvery, at most flushMax at once. A job's final state reaches
// the window once it is recorded.
func (r *Runs) flushEnds(b *batch, ends <-chan ended, targets []RunTarget, actor string, cfg RunConfig) {
	const flushEvery, flushMax = 50 * time.Millisecond, 200
	var group []ended
	flush := func() {
		if len(group) == 0 {
			return
		}
		if err := r.recordEnds(group, targets, actor, cfg); err != nil {
			slog.Error("record ended runs", "runs", len(group), "err", err)
		}
		r.mu.Lock()
		jobs := make([]RunJob, 0, len(group))
		for _, e := range group {
			j := &b.Jobs[e.index]
			j.State = string(e.update.State)
			jobs = append(jobs, *j)
		}
		r.mu.Unlock()
		for _, e := range group {
			r.dropPid(e.runID)
		}
		for _, j := range jobs {
			r.Emit(EventRunUpdate, j)
		}
		r.Emit(EventStepsRan, targets[group[0].index].releaseID)
		group = group[:0]
	}
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-ends:
			if !ok {
				flush()
				return
			}
			group = append(group, e)
			if len(group) >= flushMax {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// runEnv is the environment a step runs with, on top of the operator's.
func runEnv(t RunTarget) []string {
	env := []string{
		"SHIPDECK_CUSTOMER=" + t.Customer,
		"SHIPDECK_NAMESPACE=" + t.Namespace,
		"SHIPDECK_CLUSTER=" + t.Cluster,
		"SHIPDECK_RELEASE=" + t.release,
		"SHIPDECK_STEP=" + t.StepName,
	}
	if t.Kubeconfig != "" {
		env = append(env, "KUBECONFIG="+t.Kubeconfig)
	}
	return env
}

// recordStart writes the run's row as running, before the script starts.
// The pid file lists the run before the row is committed (with no process
// yet): a crash at any point leaves no "running" row that this machine's
// recovery does not know for its own, which on a team database is all it
// may mark interrupted (RecoverRuns).
func (r *Runs) recordStart(t RunTarget, actor string, at time.Time) (int64, error) {
	run := store.StepRun{StepID: &t.StepID, ReleaseID: t.releaseID, CustomerID: t.CustomerID, StepName: t.StepName,
		Script: t.script, StartedAt: at.Unix(), Outcome: RunRunning, Actor: actor}
	err := r.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&run).Exec(ctx); err != nil {
			return fmt.Errorf("record run start: %w", err)
		}
		r.keepPid(run.ID, 0)
		return nil
	})
	if err != nil {
		if run.ID != 0 {
			r.dropPid(run.ID)
		}
		return 0, fmt.Errorf("record run of step %d: %w", t.StepID, err)
	}
	return run.ID, nil
}

// runNote is the history's sentence for a run that ended.
func runNote(outcome runner.Outcome, secs int64, code int) string {
	d := (time.Duration(secs) * time.Second).String()
	switch outcome {
	case runner.Succeeded:
		return fmt.Sprintf("Ran in %s, exit 0", d)
	case runner.Failed:
		return fmt.Sprintf("Failed after %s, exit %d", d, code)
	case runner.TimedOut:
		return fmt.Sprintf("Timed out after %s", d)
	case runner.Cancelled:
		return fmt.Sprintf("Cancelled after %s", d)
	}
	return fmt.Sprintf("Interrupted after %s", d)
}

// sqlEndRuns completes the rows of ended runs and writes their history
// rows: ?0 is a JSON array of {id, fin, code, outcome, output, bytes,
// note}. Two statements for any number of runs. Both engines read a JSON
// field with ->> (SQLite takes 'fin' as '$.fin'); the array becomes rows
// of j.value through each one's function, and the history's detail is
// built by each one's JSON object function.
const (
	sqlEndRuns = `UPDATE step_runs SET finished_at = CAST(j.value ->> 'fin' AS BIGINT), exit_code = CAST(j.value ->> 'code' AS INTEGER),
	outcome = j.value ->> 'outcome', output = j.value ->> 'output', output_bytes = CAST(j.value ->> 'bytes' AS BIGINT)
FROM json_each(?0) AS j WHERE step_runs.id = CAST(j.value ->> 'id' AS BIGINT)`
	sqlEndRunsHistory = `INSERT INTO step_history (step_id, release_id, customer_id, template_id, step_name, action, note, rendered, detail, actor, source, created_at)
SELECT run.step_id, run.release_id, run.customer_id, cs.template_id, run.step_name, ?1, j.value ->> 'note', run.script,
	CAST(json_object('runId', run.id, 'outcome', run.outcome, 'exitCode', run.exit_code) AS TEXT), ?2, ?3, run.finished_at
FROM json_each(?0) AS j JOIN step_runs run ON run.id = CAST(j.value ->> 'id' AS BIGINT) LEFT JOIN customer_steps cs ON cs.id = run.step_id
ORDER BY run.id`
)

// The ended runs' statements for PostgreSQL, written once.
var (
	runsPG              = strings.NewReplacer("json_each(?0) AS j", "(SELECT value FROM jsonb_array_elements(?0::jsonb) AS value) AS j", "json_object(", "jsonb_build_object(")
	sqlEndRunsPG        = runsPG.Replace(sqlEndRuns)
	sqlEndRunsHistoryPG = runsPG.Replace(sqlEndRunsHistory)
)

// recordEnds completes ended runs, writes their history rows and marks the
// steps of those that succeeded done — in one transaction.
func (r *Runs) recordEnds(group []ended, targets []RunTarget, actor string, cfg RunConfig) error {
	type endRow struct {
		ID      int64  `json:"id"`
		Fin     int64  `json:"fin"`
		Code    int    `json:"code"`
		Outcome string `json:"outcome"`
		Output  string `json:"output"`
		Bytes   int64  `json:"bytes"`
		Note    string `json:"note"`
	}
	now := r.st.Now()
	rows := make([]endRow, 0, len(group))
	done := map[string][]int64{} // note → steps that succeeded
	for _, e := range group {
		u := e.update
		res := runner.Result{Outcome: runner.Failed, ExitCode: -1, Finished: now}
		if u.Result != nil {
			res = *u.Result
		} else if u.State == runner.StateCancelled {
			res.Outcome = runner.Cancelled
		}
		output := res.Output
		if u.Err != nil {
			output = u.Err.Error()
		}
		fin, start := now.Unix(), now.Unix()
		if !res.Finished.IsZero() {
			fin = res.Finished.Unix()
		}
		if !res.Started.IsZero() {
			start = res.Started.Unix()
		}
		note := runNote(res.Outcome, max(fin-start, 0), res.ExitCode)
		rows = append(rows, endRow{ID: e.runID, Fin: fin, Code: res.ExitCode, Outcome: string(res.Outcome), Output: output, Bytes: res.OutputBytes, Note: note})
		if res.Outcome == runner.Succeeded && cfg.MarkDone {
			done[note] = append(done[note], targets[e.index].StepID)
		}
	}
	js, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("encode ended runs: %w", err)
	}
	return r.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, store.Dialect(tx, sqlEndRuns, sqlEndRunsPG), string(js)); err != nil {
			return fmt.Errorf("complete %d runs: %w", len(rows), err)
		}
		if _, err := tx.ExecContext(ctx, store.Dialect(tx, sqlEndRunsHistory, sqlEndRunsHistoryPG), string(js), EventRun, actor, SourceApp); err != nil {
			return fmt.Errorf("write run history: %w", err)
		}
		// One change per note (runs of the same length share it). A step
		// changed meanwhile (set back, skipped) is left as it is.
		for note, steps := range done {
			// A step deleted or a release archived while it ran keeps its
			// run in the record, but there is nothing left to mark.
			var live []int64
			if err := tx.NewRaw(`SELECT cs.id FROM customer_steps cs JOIN releases r ON r.id = cs.release_id
				WHERE cs.id IN ? AND r.status = 'active'`, store.IDs(steps)).Scan(ctx, &live); err != nil {
				return fmt.Errorf("read the steps that ran: %w", err)
			}
			if len(live) == 0 {
				continue
			}
			if _, err := r.steps.change(ctx, tx, ActionDone, note, selection{where: selectSteps, args: changeArgs{Steps: live, Held: true}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordRun writes a run's history row: what ran (rendered), how it ended.
func recordRun(ctx context.Context, tx bun.IDB, run store.StepRun, note, actor string, at int64) error {
	detail, _ := json.Marshal(map[string]any{"runId": run.ID, "outcome": run.Outcome, "exitCode": run.ExitCode})
	h := store.StepHistory{StepID: run.StepID, ReleaseID: run.ReleaseID, CustomerID: &run.CustomerID, StepName: run.StepName, Action: EventRun,
		Note: store.Text(note), Rendered: store.Text(run.Script), Detail: store.Text(string(detail)), Actor: actor, Source: SourceApp, CreatedAt: at}
	if run.StepID != nil {
		var tid *int64
		if err := tx.NewRaw(`SELECT template_id FROM customer_steps WHERE id = ?`, *run.StepID).Scan(ctx, &tid); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read step %d: %w", *run.StepID, err)
		}
		h.TemplateID = tid
	}
	if _, err := tx.NewInsert().Model(&h).Exec(ctx); err != nil {
		return fmt.Errorf("write run history: %w", err)
	}
	return nil
}

// Cancel stops a batch: running scripts get SIGTERM (SIGKILL 5 s later),
// queued ones never start.
func (r *Runs) Cancel(batchID string) (err error) {
	defer problem.Recover(&err)
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.batches[batchID]
	if !ok {
		return problem.NotFound("There is no such run.")
	}
	b.cancel()
	return nil
}

// RunsBusy says whether a batch of this session is still running. It is a
// function, not a method: the methods of Runs are bound to the window.
func RunsBusy(r *Runs) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.batches {
		if !b.Done {
			return true
		}
	}
	return false
}

// Batches returns the batches of this session, newest first, as the run
// board shows them.
func (r *Runs) Batches() (out []Batch, err error) {
	defer problem.Recover(&err)
	r.mu.Lock()
	defer r.mu.Unlock()
	out = []Batch{}
	for _, b := range r.batches {
		out = append(out, snapshot(b))
	}
	// Newest first: ids are b1, b2, …
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && batchSeq(out[j].ID) > batchSeq(out[j-1].ID); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

func batchSeq(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "b"))
	return n
}

// RunningScripts tells how many scripts r runs now (quitting asks first).
// Functions, not methods: Wails binds every method of Runs.
func RunningScripts(r *Runs) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.batches {
		for _, j := range b.Jobs {
			if j.State == string(runner.StateRunning) {
				n++
			}
		}
	}
	return n
}

// RunSummary is one run of a step, for its panel.
type RunSummary struct {
	ID          int64  `json:"id"`
	StepID      int64  `json:"stepId"`
	StartedAt   int64  `json:"startedAt"`
	FinishedAt  *int64 `json:"finishedAt"`
	ExitCode    *int   `json:"exitCode"`
	Outcome     string `json:"outcome"`
	OutputBytes int64  `json:"outputBytes"`
	Actor       string `json:"actor"`
}

// RunDetail is one run with what it ran and printed.
type RunDetail struct {
	RunSummary
	Script string         `json:"script"`
	Chunks []runner.Chunk `json:"chunks"`
	// Truncated: the output kept is the last part of it.
	Truncated bool `json:"truncated"`
}

// StepRuns lists a step's runs, newest first.
func (r *Runs) StepRuns(stepID int64) (out []RunSummary, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", stepID); err != nil {
		return out, err
	}
	out = []RunSummary{}
	err = r.st.Read(func(ctx context.Context, db bun.IDB) error {
		return db.NewRaw(`SELECT id, step_id, started_at, finished_at, exit_code, outcome, output_bytes, actor
			FROM step_runs WHERE step_id = ? ORDER BY id DESC LIMIT 100`, stepID).Scan(ctx, &out)
	})
	return out, err
}

// RunOutput returns one run's script and output.
func (r *Runs) RunOutput(runID int64) (out RunDetail, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Run", runID); err != nil {
		return out, err
	}
	err = r.st.Read(func(ctx context.Context, db bun.IDB) error {
		var run store.StepRun
		if err := db.NewSelect().Model(&run).Where("id = ?", runID).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return problem.NotFound("This run does not exist.")
			}
			return fmt.Errorf("read run %d: %w", runID, err)
		}
		out.RunSummary = RunSummary{ID: run.ID, StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, ExitCode: run.ExitCode, Outcome: run.Outcome, OutputBytes: run.OutputBytes, Actor: run.Actor}
		if run.StepID != nil {
			out.StepID = *run.StepID
		}
		out.Script, out.Chunks = run.Script, runner.DecodeOutput(run.Output)
		// The stored output is encoded (stream marks), so compare what the
		// script wrote with the text kept, not with the stored length.
		var kept int64
		for _, c := range out.Chunks {
			kept += int64(len(c.Text))
		}
		out.Truncated = run.OutputBytes > kept
		return nil
	})
	return out, err
}

// RecoverRuns marks the runs a crash cut off as interrupted, with a history
// row each, and ends what is left of their scripts. The shell calls it once
// the database is open, before the window can start new runs.
func RecoverRuns(r *Runs) (n int, err error) {
	ours := r.killLeftovers()
	// On a team database the runs still "running" may be other operators',
	// going on on their machines: only those this machine's pid file lists
	// were ours.
	team := r.st.Team() != ""
	if team && len(ours) == 0 {
		return 0, nil
	}
	err = r.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		var runs []store.StepRun
		q := tx.NewSelect().Model(&runs).Where("outcome = ?", RunRunning)
		if team {
			q = q.Where("id IN ?", store.IDs(ours))
		}
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("find interrupted runs: %w", err)
		}
		now := r.st.Now().Unix()
		for _, run := range runs {
			run.Outcome, run.FinishedAt = RunInterrupted, &now
			if _, err := tx.NewUpdate().Model(&run).Column("outcome", "finished_at").WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("mark run %d interrupted: %w", run.ID, err)
			}
			if err := recordRun(ctx, tx, run, "Interrupted: Shipdeck stopped while it ran", run.Actor, now); err != nil {
				return err
			}
		}
		n = len(runs)
		return nil
	})
	return n, err
}

// ShutdownRuns cancels every run and waits until each is recorded.
func ShutdownRuns(r *Runs) {
	r.mu.Lock()
	r.cancel()
	r.mu.Unlock()
	r.wg.Wait()
}

// The pid file: "boot-id\nrun pid\n…", rewritten on every start and end.

func (r *Runs) keepPid(runID int64, pid int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pids[runID] = pid
	r.writePids()
}

func (r *Runs) dropPid(runID int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pids, runID)
	r.writePids()
}

func (r *Runs) writePids() {
	if r.PidFile == "" {
		return
	}
	var b strings.Builder
	b.WriteString(runner.BootID() + "\n")
	for run, pid := range r.pids {
		fmt.Fprintf(&b, "%d %d\n", run, pid)
	}
	tmp := r.PidFile + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		slog.Warn("keep running scripts' ids", "err", err)
		return
	}
	if err := os.Rename(tmp, r.PidFile); err != nil {
		slog.Warn("keep running scripts' ids", "err", err)
	}
}

// killLeftovers ends the process groups a crashed Shipdeck left running
// (same boot only: after a restart the ids mean other processes).
func (r *Runs) killLeftovers() (runs []int64) {
	if r.PidFile == "" {
		return nil
	}
	data, err := os.ReadFile(r.PidFile)
	if err != nil {
		return nil
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	// Another boot's pids name no process of ours now; its runs were
	// still ours.
	thisBoot := len(lines) > 0 && lines[0] != "" && lines[0] == runner.BootID()
	for _, l := range lines[1:] {
		var run int64
		var pid int
		if _, err := fmt.Sscanf(l, "%d %d", &run, &pid); err != nil {
			continue
		}
		runs = append(runs, run)
		if thisBoot && runner.KillGroup(pid) {
			slog.Info("ended a script a crashed Shipdeck left running", "run", run, "pgid", pid)
		}
	}
	_ = os.Remove(r.PidFile)
	_ = os.Remove(filepath.Clean(r.PidFile + ".tmp"))
	return runs
}
