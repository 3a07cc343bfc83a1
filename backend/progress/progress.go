// Package progress is the one progress formula (docs/design.md, "Progress"):
// every figure on every screen is built by Of, from the counts of SQL
// (scanned into Counts) or of a Counter.
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

// SQL is an aggregate select list over a customer_steps alias cs, named as
// Counts reads it. One pass, no per-status queries. A LEFT JOIN that finds
// no step gives a row of NULLs: it counts as nothing, not as a pending step.
const SQL = `coalesce(sum(cs.status = 'done'), 0) AS done, coalesce(sum(cs.status = 'skipped'), 0) AS skipped,
	coalesce(sum(cs.status = 'reverted'), 0) AS reverted, coalesce(sum(cs.id IS NOT NULL AND coalesce(cs.status, 'pending') = 'pending'), 0) AS pending`

// Counts are the columns of SQL, scanned by name (embed it in a row).
type Counts struct {
	Done     int `bun:"done" json:"-"`
	Skipped  int `bun:"skipped" json:"-"`
	Reverted int `bun:"reverted" json:"-"`
	Pending  int `bun:"pending" json:"-"`
}

// Progress is the counts' figures.
func (c Counts) Progress() Progress { return Of(c.Done, c.Skipped, c.Reverted, c.Pending) }

// Counter counts steps by state as they are read, for figures built in Go
// (the matrix's rows, columns and clusters).
type Counter struct{ done, skipped, reverted, pending int }

// Add counts n steps of a state ("pending", "done", "skipped", "reverted").
func (c *Counter) Add(status string, n int) {
	switch status {
	case "done":
		c.done += n
	case "skipped":
		c.skipped += n
	case "reverted":
		c.reverted += n
	default:
		c.pending += n
	}
}

// Merge adds another counter's counts.
func (c *Counter) Merge(o Counter) {
	c.done, c.skipped, c.reverted, c.pending = c.done+o.done, c.skipped+o.skipped, c.reverted+o.reverted, c.pending+o.pending
}

// Progress is the counter's figures.
func (c Counter) Progress() Progress { return Of(c.done, c.skipped, c.reverted, c.pending) }
