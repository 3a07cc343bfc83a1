package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Holds (docs/design.md, "Holds"): a customer held back in a release keeps
// its steps and its record, but bulk actions and runs leave it alone, and
// the release's and clusters' figures count it apart, until the hold is
// released. Holding and releasing are one statement each for any number of
// customers, with a history row per customer.

// HoldInput holds customers of a release back, with the reason.
type HoldInput struct {
	ReleaseID   int64   `json:"releaseId"`
	CustomerIDs []int64 `json:"customerIds"`
	Reason      string  `json:"reason"`
}

// UnholdInput releases customers' holds.
type UnholdInput struct {
	ReleaseID   int64   `json:"releaseId"`
	CustomerIDs []int64 `json:"customerIds"`
}

// HoldResult says how many customers changed, and why the others did not.
type HoldResult struct {
	Changed   int    `json:"changed"`
	Unchanged int    `json:"unchanged"`
	Why       string `json:"why"` // "2 were on hold already"
}

type holdArgs struct {
	Release   int64     `bun:"release"`
	Customers store.IDs `bun:"customers"`
	Reason    string    `bun:"reason"`
	Actor     string    `bun:"actor"`
	Now       int64     `bun:"now"`
	Action    string    `bun:"action"`
}

// sqlHoldHistory records a hold or its release for each customer that
// changes (before the UPDATE: ?action says which ones).
const sqlHoldHistory = `
INSERT INTO step_history (release_id, customer_id, step_name, action, note, actor, source, created_at)
SELECT rc.release_id, rc.customer_id, cu.name, ?action, nullif(?reason, ''), ?actor, 'app', ?now
FROM release_customers rc JOIN customers cu ON cu.id = rc.customer_id
WHERE rc.release_id = ?release AND rc.customer_id IN ?customers
	AND (rc.held_at IS NULL) = (?action = 'hold')
ORDER BY rc.customer_id`

// Hold holds customers back in an active release; the reason is required.
func (s *Steps) Hold(in HoldInput) (out HoldResult, err error) {
	defer problem.Recover(&err)
	reason, err := validate.Required("reason", "A reason for the hold", in.Reason, validate.MaxNote)
	if err != nil {
		return out, err
	}
	return s.setHold(in.ReleaseID, in.CustomerIDs, EventHold, reason)
}

// Unhold releases customers' holds.
func (s *Steps) Unhold(in UnholdInput) (out HoldResult, err error) {
	defer problem.Recover(&err)
	return s.setHold(in.ReleaseID, in.CustomerIDs, EventUnhold, "")
}

func (s *Steps) setHold(releaseID int64, customerIDs []int64, action, reason string) (out HoldResult, err error) {
	if err := validate.ID("Release", releaseID); err != nil {
		return out, err
	}
	if err := validate.IDs("customer", customerIDs, maxBulk); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, releaseID)
		if err != nil {
			return err
		}
		if err := requireActive(r, "hold customers back"); err != nil {
			return err
		}
		a := holdArgs{Release: releaseID, Customers: customerIDs, Reason: reason, Now: s.st.Now().Unix(), Action: action}
		var covered, held int
		if err := tx.NewRaw(`SELECT count(*), count(*) FILTER (WHERE held_at IS NOT NULL) FROM release_customers
			WHERE release_id = ?release AND customer_id IN ?customers`, a).Scan(ctx, &covered, &held); err != nil {
			return fmt.Errorf("read holds: %w", err)
		}
		if covered != len(customerIDs) {
			return problem.NotFound("%d of the %d customers are not part of release '%s'; reload and try again.", len(customerIDs)-covered, len(customerIDs), r.Name)
		}
		if a.Actor, err = settings.Actor(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.NewRaw(sqlHoldHistory, a).Exec(ctx); err != nil {
			return fmt.Errorf("write %s history: %w", action, err)
		}
		set := `held_at = ?now, held_by = ?actor, hold_reason = ?reason`
		where := `held_at IS NULL`
		if action == EventUnhold {
			set, where = `held_at = NULL, held_by = NULL, hold_reason = NULL`, `held_at IS NOT NULL`
		}
		res, err := tx.NewRaw(`UPDATE release_customers SET `+set+`
			WHERE release_id = ?release AND customer_id IN ?customers AND `+where, a).Exec(ctx)
		if err != nil {
			return fmt.Errorf("%s customers: %w", action, err)
		}
		n, _ := res.RowsAffected()
		out = HoldResult{Changed: int(n), Unchanged: covered - int(n)}
		if out.Unchanged > 0 {
			were := fmt.Sprintf("%d were", out.Unchanged)
			if out.Unchanged == 1 {
				were = "1 was"
			}
			if action == EventHold {
				out.Why = were + " on hold already"
			} else {
				out.Why = were + " not on hold"
			}
		}
		return nil
	})
	return out, err
}

// customerHold reads whether a customer is held back in a release (nil when
// not, or when the customer is not part of it).
func customerHold(ctx context.Context, db bun.IDB, releaseID, customerID int64) (*Hold, error) {
	var rc store.ReleaseCustomer
	err := db.NewSelect().Model(&rc).Where("release_id = ? AND customer_id = ?", releaseID, customerID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hold of customer %d: %w", customerID, err)
	}
	return holdOf(rc.HeldAt, rc.HeldBy, rc.HoldReason), nil
}
