package release

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Every change of a step's state — one step from its panel or a key, a row,
// a column or a rectangle of the matrix — goes through change: one
// transaction, one INSERT … SELECT for the history rows and one UPDATE for
// the steps, whatever their number (docs/design.md, "Step states" and
// "Bulk actions"). Steps whose state does not allow the action are left as
// they are and counted by state.

// changeArgs are the named arguments of the statements below (Bun reads
// ?name from the bun tags).
type changeArgs struct {
	Action    Action      `bun:"action"`
	To        Status      `bun:"to"`
	From      store.Texts `bun:"from"` // the states the action starts from
	Note      string      `bun:"note"`
	Actor     string      `bun:"actor"`
	Source    string      `bun:"source"`
	Now       int64       `bun:"now"`
	Release   int64       `bun:"release"`
	Steps     store.IDs   `bun:"steps"`
	Templates store.IDs   `bun:"templates"`
	Customers store.IDs   `bun:"customers"`
	// Held lets the change reach customers held back in their release
	// (one step the operator confirmed); bulk actions leave them alone.
	Held bool `bun:"held"`
}

// Selections: which steps a change names, as a WHERE over customer_steps cs.
const (
	selectSteps = `cs.id IN ?steps`
	selectCells = `cs.release_id = ?release AND cs.template_id IN ?templates
		AND cs.customer_id IN ?customers`
)

// canChange keeps the selected steps whose state the action starts from,
// and (unless ?held) whose customer is not held back in the release.
const canChange = `coalesce(cs.status, 'pending') IN ?from
	AND (?held OR NOT EXISTS (SELECT 1 FROM release_customers rc
		WHERE rc.release_id = cs.release_id AND rc.customer_id = cs.customer_id AND rc.held_at IS NOT NULL))`

// sqlChangeHistory writes one history row per step that changes, before the
// UPDATE (it reads the state the step leaves).
const sqlChangeHistory = `
INSERT INTO step_history (step_id, release_id, customer_id, template_id, step_name, action, from_status, to_status, note, rendered, actor, source, created_at)
SELECT cs.id, cs.release_id, cs.customer_id, cs.template_id, cs.name, ?action, coalesce(cs.status, 'pending'), ?to, nullif(?note, ''),
	(SELECT r.text FROM change_rendered r WHERE r.step_id = cs.id), ?actor, ?source, ?now
FROM customer_steps cs WHERE `

// sqlChangeSet is the SET list of a change. done, skip and revert stamp who
// and when; back to pending clears them (the history keeps the record). A
// done or revert note replaces the notes; an empty one keeps them. Back to
// pending, a step that follows its template takes the template's current
// name, type and content: it catches up with the edits made while it was
// skipped or reverted.
const sqlChangeSet = `
	status = ?to,
	executed_at = CASE WHEN ?to = 'pending' THEN NULL ELSE ?now END,
	executed_by = CASE WHEN ?to = 'pending' THEN NULL ELSE ?actor END,
	skip_reason = CASE WHEN ?to = 'skipped' THEN ?note ELSE NULL END,
	notes = CASE WHEN ?to IN ('done', 'reverted') AND ?note <> '' THEN ?note ELSE notes END,
	name = CASE WHEN ?to = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.name FROM step_templates t WHERE t.id = template_id), name) ELSE name END,
	type = CASE WHEN ?to = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.type FROM step_templates t WHERE t.id = template_id), type) ELSE type END,
	content = CASE WHEN ?to = 'pending' AND ` + followsTemplate + ` THEN coalesce((SELECT t.content FROM step_templates t WHERE t.id = template_id), content) ELSE content END,
	updated_at = ?now`

// followsTemplate is true for a step that takes its template's edits while
// pending.
const followsTemplate = `template_id IS NOT NULL AND NOT coalesce(is_overridden, false) AND NOT coalesce(is_custom, false)`

// sqlSelectionStates counts the selected steps by state and hold, and says
// whether any belongs to a release that is not active (naming one).
const sqlSelectionStates = `
SELECT coalesce(cs.status, 'pending') AS status, rc.held_at IS NOT NULL AS held, count(*) AS n,
	max(CASE WHEN coalesce(r.status, 'draft') <> 'active' THEN r.name END) AS inactive
FROM customer_steps cs JOIN releases r ON r.id = cs.release_id
	LEFT JOIN release_customers rc ON rc.release_id = cs.release_id AND rc.customer_id = cs.customer_id WHERE `

// selection names the steps of a change: a WHERE over customer_steps cs
// with its arguments, and (want > 0) how many steps it must find.
type selection struct {
	where string
	args  changeArgs
	want  int
}

// changed is what a change did: how many steps changed, the others by the
// state that kept them or (held) because their customer is held back, and
// the history rows it wrote (what an undo names).
type changed struct {
	n        int
	kept     map[Status]int
	held     int
	from, to int64
}

// change applies an action to the steps sel names, in one transaction.
func (s *Steps) change(ctx context.Context, tx bun.Tx, action Action, note string, sel selection) (changed, error) {
	out := changed{kept: map[Status]int{}}
	a := sel.args
	if a.Actor == "" {
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return out, err
		}
		a.Actor = actor
	}
	a.Action, a.To, a.Note, a.Now = action, transitions[action].to, note, s.st.Now().Unix()
	if a.Source == "" {
		a.Source = SourceApp
	}
	a.From = make(store.Texts, len(transitions[action].from))
	for i, st := range transitions[action].from {
		a.From[i] = string(st)
	}

	// Every selected step must exist and belong to an active release.
	var states []struct {
		Status   Status  `bun:"status"`
		Held     bool    `bun:"held"`
		N        int     `bun:"n"`
		Inactive *string `bun:"inactive"`
	}
	if err := tx.NewRaw(sqlSelectionStates+sel.where+` GROUP BY 1, 2`, a).Scan(ctx, &states); err != nil {
		return out, fmt.Errorf("check the selection: %w", err)
	}
	total := 0
	for _, st := range states {
		total += st.N
		if st.Inactive != nil {
			return out, problem.State("Release '%s' is not active: its steps cannot be changed.", *st.Inactive)
		}
		switch {
		case !action.Allows(st.Status):
			out.kept[st.Status] += st.N
		case st.Held && !a.Held:
			out.held += st.N
		}
	}
	if sel.want > 0 && total != sel.want {
		return out, problem.NotFound("%d of the %d selected steps do not exist; reload and try again.", sel.want-total, sel.want)
	}
	if total == 0 {
		return out, problem.NotFound("The selection holds no steps.")
	}
	// The history keeps what was executed: the rendering of each step
	// that uses variables (back to pending executes nothing).
	renderWhere := sel.where + ` AND ` + canChange
	if a.To == Pending {
		renderWhere = "false"
	}
	if err := prepareRendered(ctx, tx, renderWhere, a); err != nil {
		return out, err
	}
	var err error
	out.from, out.to, err = insertHistory(ctx, tx, sqlChangeHistory+sel.where+` AND `+canChange+` ORDER BY cs.id`, a)
	if err != nil {
		return out, fmt.Errorf("write %s history: %w", action, err)
	}
	res, err := tx.NewRaw(`UPDATE customer_steps AS cs SET `+sqlChangeSet+` WHERE `+sel.where+` AND `+canChange, a).Exec(ctx)
	if err != nil {
		return out, fmt.Errorf("%s steps: %w", action, err)
	}
	n, _ := res.RowsAffected()
	out.n = int(n)
	return out, nil
}

// History sources: where a change was made.
const (
	SourceApp = "app"
	SourceCLI = "cli"
)

var statusWords = map[Status]string{Pending: "pending", Done: "done", Skipped: "skipped", Reverted: "reverted"}

var actionVerbs = map[Action]string{ActionDone: "mark as done", ActionSkip: "skip", ActionRevert: "revert", ActionPending: "set back to pending"}

// refusal explains, for one step, a change its state does not allow.
func refusal(action Action, name string, st Status) error {
	return problem.State("Cannot %s '%s': it is %s, and %s.", actionVerbs[action], name, statusWords[st], stateHint(st))
}

// stateHint says what a state allows, in words.
func stateHint(st Status) string {
	var can []string
	for _, a := range Allowed(st) {
		can = append(can, map[Action]string{ActionDone: "marked done", ActionSkip: "skipped", ActionRevert: "reverted", ActionPending: "set back to pending"}[a])
	}
	a := "a " + statusWords[st] + " step"
	switch len(can) {
	case 0:
		return a + " cannot change"
	case 1:
		return a + " can only be " + can[0]
	}
	return a + " can be " + strings.Join(can[:len(can)-1], ", ") + " or " + can[len(can)-1]
}

// noteFor validates the note of an action: a skip needs its reason.
func noteFor(action Action, note string) (string, error) {
	if _, err := validate.OneOf("action", "Action", string(action), "done", "skip", "revert", "pending"); err != nil {
		return "", err
	}
	if action == ActionSkip {
		return validate.Required("note", "A reason for skipping", note, validate.MaxNote)
	}
	return validate.Optional("note", "The note", note, validate.MaxNote, true)
}

// transition applies one action to one step, through change.
func (s *Steps) transition(action Action, in TransitionInput) (out Step, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Step", in.StepID); err != nil {
		return out, err
	}
	note, err := noteFor(action, in.Note)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		st, err := loadStep(ctx, tx, in.StepID)
		if err != nil {
			return err
		}
		r, err := loadRelease(ctx, tx, st.ReleaseID)
		if err != nil {
			return err
		}
		if err := requireActive(r, "work on its steps"); err != nil {
			return err
		}
		// The panel asks before it changes a held customer's step: the
		// change reaches it.
		res, err := s.change(ctx, tx, action, note, selection{where: selectSteps, args: changeArgs{Steps: store.IDs{in.StepID}, Held: true}, want: 1})
		if err != nil {
			return err
		}
		if res.n == 0 {
			return refusal(action, st.Name, Status(st.Status))
		}
		st, err = loadStep(ctx, tx, st.ID)
		out = toStep(st)
		out.Change = res.from
		return err
	})
	return out, err
}

// MarkDone records a step as executed, with an optional note.
func (s *Steps) MarkDone(in TransitionInput) (Step, error) { return s.transition(ActionDone, in) }

// Skip records that a step was deliberately not run; the reason is required.
func (s *Steps) Skip(in TransitionInput) (Step, error) { return s.transition(ActionSkip, in) }

// Revert records that a done step was undone, with an optional reason.
func (s *Steps) Revert(in TransitionInput) (Step, error) { return s.transition(ActionRevert, in) }

// SetPending puts a skipped or reverted step back to pending.
func (s *Steps) SetPending(in TransitionInput) (Step, error) { return s.transition(ActionPending, in) }

// maxBulk bounds one bulk action: a whole release at fleet size.
const maxBulk = 1_000_000

// BulkCells applies one action to a matrix selection: the steps of the given
// templates (rows) for the given customers (columns) of one release.
func (s *Steps) BulkCells(in BulkCellsInput) (out BulkResult, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if err := validate.IDs("step template", in.TemplateIDs, 10000); err != nil {
		return out, err
	}
	if err := validate.IDs("customer", in.CustomerIDs, maxBulk); err != nil {
		return out, err
	}
	note, err := noteFor(in.Action, in.Note)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		res, err := s.change(ctx, tx, in.Action, note, selection{where: selectCells,
			args: changeArgs{Release: in.ReleaseID, Templates: in.TemplateIDs, Customers: in.CustomerIDs, Held: in.IncludeHeld}})
		if err != nil {
			return err
		}
		out = bulkResult(in.Action, res)
		return nil
	})
	return out, err
}

// StepIDs are the steps of matrix cells, in one read (cells without a
// step are left out): a run of a matrix selection checks and starts steps
// by id.
func (s *Steps) StepIDs(in CellsInput) (out []int64, err error) {
	defer problem.Recover(&err)
	out = []int64{}
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if err := validate.IDs("step template", in.TemplateIDs, 10000); err != nil {
		return out, err
	}
	if err := validate.IDs("customer", in.CustomerIDs, maxBulk); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		return db.NewRaw(`SELECT cs.id FROM customer_steps cs WHERE `+selectCells+` ORDER BY cs.customer_id, cs.id`,
			changeArgs{Release: in.ReleaseID, Templates: in.TemplateIDs, Customers: in.CustomerIDs}).Scan(ctx, &out)
	})
	return out, err
}

// ChangeSteps applies one action to steps named by id, as a bulk action
// does. It is not bound to the window (the matrix names cells, not steps):
// the fleet generator uses it to give a generated release its mix of states.
func ChangeSteps(st *store.Store, ids []int64, action Action, note string) (out BulkResult, err error) {
	return ChangeStepsBy(st, ids, action, note, Author{})
}

// Author says who makes a change and from where, when it is not the
// operator in the window: the command line records its source, and an
// actor given on it.
type Author struct {
	Name   string // "" is the operator name of the settings
	Source string // SourceApp or SourceCLI ("" is SourceApp)
}

// ChangeStepsBy is ChangeSteps made by author.
func ChangeStepsBy(st *store.Store, ids []int64, action Action, note string, author Author) (out BulkResult, err error) {
	defer problem.Recover(&err)
	if err := validate.IDs("step", ids, maxBulk); err != nil {
		return out, err
	}
	note, err = noteFor(action, note)
	if err != nil {
		return out, err
	}
	if author.Name != "" {
		if author.Name, err = validate.Name("actor", "Actor", author.Name); err != nil {
			return out, err
		}
	}
	s := NewSteps(st)
	err = st.Tx(func(ctx context.Context, tx bun.Tx) error {
		res, err := s.change(ctx, tx, action, note, selection{where: selectSteps, args: changeArgs{Steps: ids, Held: true, Actor: author.Name, Source: author.Source}, want: len(ids)})
		out = bulkResult(action, res)
		return err
	})
	return out, err
}

// bulkResult says what a bulk action did, and why the rest stayed.
func bulkResult(action Action, res changed) BulkResult {
	out := BulkResult{Changed: res.n, Kept: []KeptSteps{}, HistoryFrom: res.from, HistoryTo: res.to, Held: res.held}
	for _, st := range Statuses {
		if n := res.kept[st]; n > 0 {
			out.Unchanged += n
			out.Kept = append(out.Kept, KeptSteps{Status: st, Count: n, Why: keptWhy(action, st, n)})
		}
	}
	if res.held > 0 {
		out.Unchanged += res.held
		are := "steps are"
		if res.held == 1 {
			are = "step is"
		}
		out.Kept = append(out.Kept, KeptSteps{Count: res.held, Why: fmt.Sprintf("%d %s of customers on hold: left as they are", res.held, are)})
	}
	return out
}

// keptWhy is why n steps in state st did not take the action: "7 are done:
// revert them first".
func keptWhy(action Action, st Status, n int) string {
	are := "are"
	if n == 1 {
		are = "is"
	}
	head := fmt.Sprintf("%d %s %s", n, are, statusWords[st])
	if transitions[action].to == st {
		return head + " already"
	}
	// The action that leads from st to a state this action accepts.
	for _, a := range Allowed(st) {
		if action.Allows(transitions[a].to) {
			verb := map[Action]string{ActionDone: "mark them done", ActionSkip: "skip them", ActionRevert: "revert them", ActionPending: "set them back to pending"}[a]
			return fmt.Sprintf("%s: %s first", head, verb)
		}
	}
	return fmt.Sprintf("%s: %s", head, stateHint(st))
}

// UndoInput names a change to undo: the history rows it wrote, From to To.
type UndoInput struct {
	ReleaseID int64 `json:"releaseId"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
}

// sqlUndoable are the rows of a change that can still be undone: state
// changes whose step has not changed state since.
const sqlUndoable = `
SELECT h.id FROM step_history h JOIN customer_steps cs ON cs.id = h.step_id
WHERE h.release_id = ?release AND h.id BETWEEN ?from AND ?to AND h.to_status IS NOT NULL AND h.action <> 'undo'
	AND coalesce(cs.status, 'pending') = h.to_status
	AND h.id = (SELECT max(h2.id) FROM step_history h2 WHERE h2.step_id = h.step_id AND h2.to_status IS NOT NULL)`

// sqlUndoHistory records each undo as a change of its own.
const sqlUndoHistory = `
INSERT INTO step_history (step_id, release_id, customer_id, template_id, step_name, action, from_status, to_status, note, actor, source, created_at)
SELECT h.step_id, h.release_id, h.customer_id, h.template_id, h.step_name, 'undo', h.to_status, h.from_status,
	'Undid "' || h.action || '" of ' || datetime(h.created_at, 'unixepoch') || ' UTC', ?actor, ?source, ?now
FROM step_history h WHERE h.id IN ?ids ORDER BY h.id`

// sqlUndoHistoryPG is sqlUndoHistory with PostgreSQL's way of writing a
// time in UTC.
var sqlUndoHistoryPG = strings.Replace(sqlUndoHistory, `datetime(h.created_at, 'unixepoch')`,
	`to_char(to_timestamp(h.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`, 1)

// sqlUndo puts each step back in the state it left, with who and when of
// the change that had put it there (the state row before the undone one).
const sqlUndo = `
WITH u AS (
	SELECT h.step_id, h.from_status AS back,
		(SELECT p.id FROM step_history p WHERE p.step_id = h.step_id AND p.to_status IS NOT NULL AND p.id < h.id ORDER BY p.id DESC LIMIT 1) AS prev
	FROM step_history h WHERE h.id IN ?ids
)
UPDATE customer_steps SET
	status = u.back,
	executed_at = CASE WHEN u.back = 'pending' THEN NULL ELSE (SELECT p.created_at FROM step_history p WHERE p.id = u.prev) END,
	executed_by = CASE WHEN u.back = 'pending' THEN NULL ELSE (SELECT p.actor FROM step_history p WHERE p.id = u.prev) END,
	skip_reason = CASE WHEN u.back = 'skipped' THEN (SELECT p.note FROM step_history p WHERE p.id = u.prev) ELSE NULL END,
	updated_at = ?now
FROM u WHERE customer_steps.id = u.step_id`

type undoArgs struct {
	Release int64     `bun:"release"`
	From    int64     `bun:"from"`
	To      int64     `bun:"to"`
	IDs     store.IDs `bun:"ids"`
	Actor   string    `bun:"actor"`
	Source  string    `bun:"source"`
	Now     int64     `bun:"now"`
}

// Undo takes back a change of state just made — a quick action or a bulk
// one — putting each of its steps back in the state it left, as long as
// the step has not changed since. The undo is a change of its own in the
// history; nothing is deleted from it. (An undone "done" goes back to
// pending, which the state machine does not otherwise allow: undo corrects
// a slip, it does not record that a step was rolled back.)
func (s *Steps) Undo(in UndoInput) (out BulkResult, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ReleaseID); err != nil {
		return out, err
	}
	if in.From <= 0 || in.To < in.From || in.To-in.From >= maxBulk {
		return out, problem.Invalid("", "There is no change to undo.")
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ReleaseID)
		if err != nil {
			return err
		}
		if err := requireActive(r, "work on its steps"); err != nil {
			return err
		}
		a := undoArgs{Release: in.ReleaseID, From: in.From, To: in.To, Source: SourceApp, Now: s.st.Now().Unix()}
		var ids []int64
		if err := tx.NewRaw(sqlUndoable, a).Scan(ctx, &ids); err != nil {
			return fmt.Errorf("find what can be undone: %w", err)
		}
		var rows int
		if err := tx.NewRaw(`SELECT count(*) FROM step_history WHERE release_id = ?release AND id BETWEEN ?from AND ?to AND to_status IS NOT NULL`, a).Scan(ctx, &rows); err != nil {
			return fmt.Errorf("count the change: %w", err)
		}
		if rows == 0 {
			return problem.NotFound("There is no change to undo.")
		}
		out = BulkResult{Changed: len(ids), Unchanged: rows - len(ids), Kept: []KeptSteps{}}
		if out.Unchanged > 0 {
			out.Kept = append(out.Kept, KeptSteps{Count: out.Unchanged, Why: fmt.Sprintf("%d changed again since: left as they are", out.Unchanged)})
		}
		if len(ids) == 0 {
			return nil
		}
		a.IDs = ids
		if a.Actor, err = settings.Actor(ctx, tx); err != nil {
			return err
		}
		out.HistoryFrom, out.HistoryTo, err = insertHistory(ctx, tx, store.Dialect(tx, sqlUndoHistory, sqlUndoHistoryPG), a)
		if err != nil {
			return fmt.Errorf("write undo history: %w", err)
		}
		if _, err := tx.NewRaw(sqlUndo, a).Exec(ctx); err != nil {
			return fmt.Errorf("undo: %w", err)
		}
		return nil
	})
	return out, err
}

// insertHistory runs an INSERT … SELECT of history rows and returns the
// ids it gave them, first to last (what an undo names). Writes are made one
// at a time on both engines (Store.Tx: SQLite's write lock, a team
// database's advisory lock), so no other change's rows fall between. SQLite
// says the last id (AUTOINCREMENT); PostgreSQL's driver does not, so there
// the statement returns its ids.
func insertHistory(ctx context.Context, tx bun.Tx, q string, a any) (from, to int64, err error) {
	if store.Postgres(tx) {
		var ids []int64
		if err := tx.NewRaw(q+` RETURNING id`, a).Scan(ctx, &ids); err != nil {
			return 0, 0, fmt.Errorf("insert history: %w", err)
		}
		if len(ids) == 0 {
			return 0, 0, nil
		}
		return slices.Min(ids), slices.Max(ids), nil
	}
	res, err := tx.NewRaw(q, a).Exec(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("insert history: %w", err)
	}
	n, _ := res.RowsAffected()
	last, _ := res.LastInsertId()
	if n == 0 {
		return 0, 0, nil
	}
	return last - n + 1, last, nil
}
