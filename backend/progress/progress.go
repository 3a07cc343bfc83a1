// Package progress is the one progress formula of DECISIONS.md 9.
package progress

// Progress counts steps by status. Percent = (done + skipped) / total,
// rounded, and 0 when there are no steps.
type Progress struct {
	Total    int `json:"total"`
	Done     int `json:"done"`
	Skipped  int `json:"skipped"`
	Reverted int `json:"reverted"`
	Pending  int `json:"pending"`
	Percent  int `json:"percent"`
}

// Of builds a Progress from its counts.
func Of(done, skipped, reverted, pending int) Progress {
	p := Progress{Done: done, Skipped: skipped, Reverted: reverted, Pending: pending}
	p.Total = done + skipped + reverted + pending
	p.Percent = Percent(done+skipped, p.Total)
	return p
}

// Percent rounds part/total to a whole percent, half up; 0 when total is 0.
func Percent(part, total int) int {
	if total <= 0 {
		return 0
	}
	return (part*200 + total) / (total * 2)
}

// Add sums two progresses.
func (p Progress) Add(q Progress) Progress {
	return Of(p.Done+q.Done, p.Skipped+q.Skipped, p.Reverted+q.Reverted, p.Pending+q.Pending)
}

// SQL is the aggregate select list that a Scan into Counts expects, over a
// customer_steps alias cs. One pass, no per-status queries.
const SQL = `coalesce(sum(cs.status = 'done'), 0), coalesce(sum(cs.status = 'skipped'), 0),
	coalesce(sum(cs.status = 'reverted'), 0), coalesce(sum(coalesce(cs.status, 'pending') = 'pending'), 0)`
