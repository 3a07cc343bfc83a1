package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// Positions (docs/design.md, "Ordering"). A category's templates sit at
// increasing positions with gaps between them — Gap apart when they are
// renumbered — and every template step of a customer sits exactly at its
// template's position. A customer's steps without a template (custom steps,
// and executed steps kept after their template was deleted) sit between the
// template step they follow — their anchor — and the next template's
// position; those before any template step sit between 0 and the first.
// So moving or adding one template rewrites only that template's rows (and
// the few steps anchored to it), and a full renumber happens only when a
// gap is used up. Screens number steps by rank, never by position.

// Gap is the distance between template positions after a renumber: room for
// that many steps, less one, anchored to one template step.
const Gap = 1024

// maxAnchored bounds the steps without a template that can follow one
// template step of one customer: a renumber spreads them over the gap, so
// there is room between any two of them while they are fewer than half of it.
const maxAnchored = Gap/2 - 1

// unbounded stands for "no template after this one".
const unbounded = math.MaxInt64

// templateAt is one template's id and position.
type templateAt struct {
	ID  int64 `bun:"id"`
	Pos int64 `bun:"order_index"`
}

// categoryTemplates reads a category's templates in order.
func categoryTemplates(ctx context.Context, db bun.IDB, releaseID int64, category Category) ([]templateAt, error) {
	var ts []templateAt
	err := db.NewRaw(`SELECT id, order_index FROM step_templates WHERE release_id = ? AND category = ? ORDER BY order_index, id`,
		releaseID, category).Scan(ctx, &ts)
	if err != nil {
		return nil, fmt.Errorf("read %s templates: %w", category, err)
	}
	return ts, nil
}

// sqlSetTemplatePositions gives the templates listed in ?0 (store.Rows of
// ids, in the new order: all of a category's) the positions Gap, 2·Gap, ….
// The unique index on (release, category, position) is checked row by row
// during an UPDATE, so the positions are first lifted out of the way by a
// constant far beyond any real one (2^40), which cannot collide, then set.
const sqlLiftTemplatePositions = `UPDATE step_templates SET order_index = order_index + 1099511627776 WHERE id IN (SELECT value FROM ?0 AS j)`
const sqlSetTemplatePositions = `UPDATE step_templates SET order_index = (j.key + 1) * ` + gapSQL + `
	FROM ?0 AS j WHERE step_templates.id = j.value`

const gapSQL = "1024"

// sqlPlaceAnchored spreads a category's steps without a template evenly over
// the gap after their anchor's (new) position, in their order, so a later
// insertion between two of them finds room. The anchor is read from the
// customer's current order — the template step right before the step — so
// this runs before the template steps move. Steps before every template
// step spread over the gap below the first template.
const sqlPlaceAnchored = `
WITH anchored AS (
	SELECT cs.id, cs.customer_id, cs.order_index AS old,
		(SELECT a.template_id FROM customer_steps a
			WHERE a.release_id = cs.release_id AND a.customer_id = cs.customer_id AND a.category = cs.category
				AND a.template_id IS NOT NULL AND a.order_index < cs.order_index
			ORDER BY a.order_index DESC LIMIT 1) AS anchor
	FROM customer_steps cs INDEXED BY customer_steps_untemplated_idx
	WHERE cs.template_id IS NULL AND cs.release_id = ?0 AND cs.category = ?1
), placed AS (
	SELECT a.id, coalesce(t.order_index, (SELECT min(order_index) FROM step_templates WHERE release_id = ?0 AND category = ?1) - ` + gapSQL + `, 0)
		+ row_number() OVER w * (` + gapSQL + ` / (count(*) OVER (PARTITION BY a.customer_id, a.anchor) + 1)) AS pos
	FROM anchored a LEFT JOIN step_templates t ON t.id = a.anchor
	WINDOW w AS (PARTITION BY a.customer_id, a.anchor ORDER BY a.old, a.id)
)
UPDATE customer_steps SET order_index = placed.pos
FROM placed WHERE customer_steps.id = placed.id AND customer_steps.order_index <> placed.pos`

// sqlFollowTemplates puts every template step of a category at its
// template's position (one UPDATE … FROM; rows already there are skipped).
const sqlFollowTemplates = `
UPDATE customer_steps SET order_index = t.order_index
FROM step_templates t
WHERE t.id = customer_steps.template_id
	AND customer_steps.release_id = ?0 AND customer_steps.category = ?1
	AND customer_steps.order_index <> t.order_index`

// renumber gives a category's templates the order of ids (all of them) at
// Gap spacing, and every customer's steps the positions that follow from it.
func renumber(ctx context.Context, db bun.IDB, releaseID int64, category Category, ids []int64) error {
	for _, q := range []string{sqlLiftTemplatePositions, sqlSetTemplatePositions} {
		if _, err := db.ExecContext(ctx, q, store.Rows(ids)); err != nil {
			return fmt.Errorf("renumber %s templates: %w", category, err)
		}
	}
	if _, err := db.ExecContext(ctx, store.Hinted(db, sqlPlaceAnchored), releaseID, category); err != nil {
		return fmt.Errorf("place %s steps without a template: %w", category, err)
	}
	if _, err := db.ExecContext(ctx, sqlFollowTemplates, releaseID, category); err != nil {
		return fmt.Errorf("place %s template steps: %w", category, err)
	}
	return nil
}

// renumberAsIs renumbers a category keeping its current order.
func renumberAsIs(ctx context.Context, db bun.IDB, releaseID int64, category Category) ([]templateAt, error) {
	ts, err := categoryTemplates(ctx, db, releaseID, category)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	if err := renumber(ctx, db, releaseID, category, ids); err != nil {
		return nil, err
	}
	return categoryTemplates(ctx, db, releaseID, category)
}

// slot finds a free position for a template going between the templates at
// prev and next (nil for the ends), with room after it for `following`
// steps anchored to it. The steps anchored to prev (at the top: the steps
// before every template) stay before it. ok is false when the gap is used
// up. Positions may go below zero: only their order counts.
func slot(ctx context.Context, db bun.IDB, releaseID int64, category Category, prev, next *templateAt, following int64) (pos int64, ok bool, err error) {
	lo, hi := int64(-unbounded), int64(unbounded)
	if prev != nil {
		lo = prev.Pos
	}
	if next != nil {
		hi = next.Pos
	}
	// The last step anchored to prev (or, at the top, the last one before
	// every template): the new template goes after it.
	var last sql.NullInt64
	if err := db.QueryRowContext(ctx, sqlLastUntemplated, releaseID, category, lo, hi).Scan(&last); err != nil {
		return 0, false, fmt.Errorf("find room for a %s step: %w", category, err)
	}
	floor := lo
	if last.Valid && last.Int64 > floor {
		floor = last.Int64
	}
	bottom := floor == -unbounded // nothing before it: no template, no step
	switch {
	case hi == unbounded && bottom: // an empty category
		return Gap, true, nil
	case hi == unbounded: // after the last
		return floor + Gap, true, nil
	case bottom: // first, with nothing before it
		return hi - Gap - following, true, nil
	}
	// floor < pos, and pos + following < hi: take the middle of the room.
	room := hi - floor - 1 - following
	if room < 1 {
		return 0, false, nil
	}
	return floor + 1 + (room-1)/2, true, nil
}

// sqlMoveAnchored moves the steps anchored to a template (those between its
// old position ?2 and the next template's ?3) to follow its new position ?4,
// in their order.
const sqlMoveAnchored = `
WITH moving AS (
	SELECT id, ?4 + row_number() OVER (PARTITION BY customer_id ORDER BY order_index, id) AS pos
	FROM customer_steps
	WHERE template_id IS NULL AND release_id = ?0 AND category = ?1 AND order_index > ?2 AND order_index < ?3
)
UPDATE customer_steps SET order_index = moving.pos FROM moving WHERE customer_steps.id = moving.id`

// The steps without a template are few: these read them through
// customer_steps_untemplated_idx, a partial index of just them by release,
// category and position (checked by EXPLAIN QUERY PLAN in the tests, with
// and without statistics; where the planner would otherwise pick an index
// on release_id and walk every step of the release, the query names it).
const (
	// sqlLastUntemplated is the last one in [?2, ?3).
	sqlLastUntemplated = `SELECT max(order_index) FROM customer_steps
		WHERE template_id IS NULL AND release_id = ?0 AND category = ?1 AND order_index >= ?2 AND order_index < ?3`
	// sqlMostAnchored is the most any customer has in (?2, ?3).
	sqlMostAnchored = `SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM customer_steps
		WHERE template_id IS NULL AND release_id = ?0 AND category = ?1 AND order_index > ?2 AND order_index < ?3 GROUP BY customer_id) AS per_customer`
)

// anchoredCount is the largest number of steps any one customer has
// anchored to the template at pos (next is the following template's).
func anchoredCount(ctx context.Context, db bun.IDB, releaseID int64, category Category, pos, next int64) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, sqlMostAnchored, releaseID, category, pos, next).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count anchored steps: %w", err)
	}
	return n, nil
}

// moveTemplate moves one template (with its customers' steps and the steps
// anchored to them) between the templates at prev and next. It reports false
// when there is no room there, and changes nothing then.
func moveTemplate(ctx context.Context, db bun.IDB, releaseID int64, category Category, ts []templateAt, i int, prev, next *templateAt) (bool, error) {
	x := ts[i]
	oldNext := int64(unbounded)
	if i+1 < len(ts) {
		oldNext = ts[i+1].Pos
	}
	following, err := anchoredCount(ctx, db, releaseID, category, x.Pos, oldNext)
	if err != nil {
		return false, err
	}
	pos, ok, err := slot(ctx, db, releaseID, category, prev, next, following)
	if err != nil || !ok {
		return false, err
	}
	if following > 0 {
		if _, err := db.ExecContext(ctx, sqlMoveAnchored, releaseID, category, x.Pos, oldNext, pos); err != nil {
			return false, fmt.Errorf("move the steps that follow a template: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, `UPDATE step_templates SET order_index = ? WHERE id = ?`, pos, x.ID); err != nil {
		return false, fmt.Errorf("move template %d: %w", x.ID, err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE customer_steps SET order_index = ?0 WHERE `+ofTemplate(db, "?1", "?2"), pos, releaseID, x.ID); err != nil {
		return false, fmt.Errorf("move the steps of template %d: %w", x.ID, err)
	}
	return true, nil
}

// singleMove tells whether want is ts with one template taken out and put
// back elsewhere, and which: its index in ts and its new neighbours.
func singleMove(ts []templateAt, want []int64) (from int, prev, next *templateAt, ok bool) {
	n := len(ts)
	if n != len(want) || n < 2 {
		return 0, nil, nil, false
	}
	// Skip the common prefix and suffix; what is left must be one element
	// rotated from one end of the window to the other.
	a := 0
	for a < n && ts[a].ID == want[a] {
		a++
	}
	if a == n {
		return 0, nil, nil, false // same order
	}
	b := n - 1
	for b > a && ts[b].ID == want[b] {
		b--
	}
	byID := make(map[int64]templateAt, n)
	for _, t := range ts {
		byID[t.ID] = t
	}
	rotatedRight := true // ts[b] moved up to a
	for k := a; k < b; k++ {
		if ts[k].ID != want[k+1] {
			rotatedRight = false
			break
		}
	}
	if rotatedRight && ts[b].ID == want[a] {
		from = b
	} else {
		for k := a + 1; k <= b; k++ {
			if ts[k].ID != want[k-1] {
				return 0, nil, nil, false
			}
		}
		if ts[a].ID != want[b] {
			return 0, nil, nil, false
		}
		from = a
	}
	at := a
	if from == a {
		at = b
	}
	if at > 0 {
		p := byID[want[at-1]]
		prev = &p
	}
	if at+1 < n {
		q := byID[want[at+1]]
		next = &q
	}
	return from, prev, next, true
}

// reorder gives a category the order of ids: one template moved goes to a
// free position between its new neighbours; anything else, or a move with
// no room, renumbers the category.
func reorder(ctx context.Context, db bun.IDB, releaseID int64, category Category, ids []int64) error {
	ts, err := categoryTemplates(ctx, db, releaseID, category)
	if err != nil {
		return err
	}
	if i, prev, next, ok := singleMove(ts, ids); ok {
		moved, err := moveTemplate(ctx, db, releaseID, category, ts, i, prev, next)
		if err != nil || moved {
			return err
		}
	} else if sameOrder(ts, ids) {
		return nil
	}
	return renumber(ctx, db, releaseID, category, ids)
}

func sameOrder(ts []templateAt, ids []int64) bool {
	if len(ts) != len(ids) {
		return false
	}
	for i := range ts {
		if ts[i].ID != ids[i] {
			return false
		}
	}
	return true
}

// templateSlot finds the position for a new template at rank (0 = first)
// of its category, with room after it for `following` steps anchored to
// it, renumbering the category first when the gap there is used up.
func templateSlot(ctx context.Context, db bun.IDB, releaseID int64, category Category, rank int, following int64) (int64, error) {
	ts, err := categoryTemplates(ctx, db, releaseID, category)
	if err != nil {
		return 0, err
	}
	for attempt := 0; attempt < 2; attempt++ {
		var prev, next *templateAt
		if rank > 0 {
			prev = &ts[rank-1]
		}
		if rank < len(ts) {
			next = &ts[rank]
		}
		pos, ok, err := slot(ctx, db, releaseID, category, prev, next, following)
		if err != nil || ok {
			return pos, err
		}
		if ts, err = renumberAsIs(ctx, db, releaseID, category); err != nil {
			return 0, err
		}
	}
	return 0, errors.New("no room for a template after renumbering")
}

// stepSlot finds the position for a new step without a template at rank of
// one customer's category, renumbering the category when the gap between
// its neighbours is used up. A step there is anchored to the template step
// before it, which may be followed by at most maxAnchored such steps.
func stepSlot(ctx context.Context, db bun.IDB, releaseID, customerID int64, category Category, rank int) (int64, error) {
	for attempt := 0; attempt < 2; attempt++ {
		var pos []struct {
			Pos      int64 `bun:"order_index"`
			Template bool  `bun:"has_template"`
		}
		if err := db.NewRaw(`SELECT order_index, template_id IS NOT NULL AS has_template FROM customer_steps
			WHERE release_id = ? AND customer_id = ? AND category = ? ORDER BY order_index, id`,
			releaseID, customerID, category).Scan(ctx, &pos); err != nil {
			return 0, fmt.Errorf("read the customer's %s steps: %w", category, err)
		}
		// Steps already anchored where this one goes.
		anchored := 0
		for k := rank - 1; k >= 0 && !pos[k].Template; k-- {
			anchored++
		}
		for k := rank; k < len(pos) && !pos[k].Template; k++ {
			anchored++
		}
		if anchored >= maxAnchored {
			return 0, problem.State("At most %d custom steps can follow one step: add this one elsewhere.", maxAnchored)
		}
		switch {
		case len(pos) == 0:
			return Gap / 2, nil
		case rank == 0: // before everything: any position below the first
			return pos[0].Pos - Gap/2, nil
		case rank == len(pos): // after everything
			return pos[rank-1].Pos + Gap/2, nil
		}
		if lo, hi := pos[rank-1].Pos, pos[rank].Pos; hi-lo >= 2 {
			return lo + (hi-lo)/2, nil
		}
		if _, err := renumberAsIs(ctx, db, releaseID, category); err != nil {
			return 0, err
		}
	}
	return 0, errors.New("no room for a step after renumbering")
}
