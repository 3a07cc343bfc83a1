// Package progress is the one progress formula (docs/design.md, "Progress"):
// every figure on every screen is built by Of, from the counts of SQL
// (scanned into Counts) or of a Counter.
package progress

// Progress counts steps by status. Percent = (done + skipped) / total,
// rounded, and 0 when there are no steps. The steps of customers held back
// in a release are counted apart (HeldSteps, of HeldCustomers customers) and
// are in none of the other figures (docs/design.md, "Holds").
type Progress struct {
	Total         int `json:"total"`
	Done          int `json:"done"`
	Skipped       int `json:"skipped"`
	Reverted      int `json:"reverted"`
	Pending       int `json:"pending"`
	Percent       int `json:"percent"`
	HeldCustomers int `json:"heldCustomers"`
	HeldSteps     int `json:"heldSteps"`
}

// Of builds a Progress from its counts.
func Of(done, skipped, reverted, pending int) Progress {
	p := Progress{Done: done, Skipped: skipped, Reverted: reverted, Pending: pending}
	p.Total = done + skipped + reverted + pending
	p.Percent = Percent(done+skipped, p.Total)
	return p
}

// WithHeld is p with the held figures set.
func (p Progress) WithHeld(customers, steps int) Progress {
	p.HeldCustomers, p.HeldSteps = customers, steps
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
	return Of(p.Done+q.Done, p.Skipped+q.Skipped, p.Reverted+q.Reverted, p.Pending+q.Pending).
		WithHeld(p.HeldCustomers+q.HeldCustomers, p.HeldSteps+q.HeldSteps)
}

// SQL is an aggregate select list over customer_steps cs, named as Counts
// reads it: one pass, no per-status queries. A LEFT JOIN that finds no step
// gives a row of NULLs: it counts as nothing, not as a pending step. It is
// the figures of one customer (held or not: a customer's own steps).
const SQL = `count(*) FILTER (WHERE cs.status = 'done') AS done, count(*) FILTER (WHERE cs.status = 'skipped') AS skipped,
	count(*) FILTER (WHERE cs.status = 'reverted') AS reverted,
	count(*) FILTER (WHERE cs.id IS NOT NULL AND coalesce(cs.status, 'pending') = 'pending') AS pending`

// HeldOnlySQL is SQL over the steps of held customers alone (customer_steps
// cs joined to release_customers rc, where rc.held_at IS NOT NULL), with how
// many customers they are: what Apart takes out of the figures of many
// customers — a release's.
const HeldOnlySQL = SQL + `, count(DISTINCT rc.customer_id) AS held_customers`

// Counts are the columns of SQL or HeldOnlySQL, scanned by name (embed it
// in a row).
type Counts struct {
	Done          int `bun:"done" json:"-"`
	Skipped       int `bun:"skipped" json:"-"`
	Reverted      int `bun:"reverted" json:"-"`
	Pending       int `bun:"pending" json:"-"`
	HeldCustomers int `bun:"held_customers" json:"-"`
	HeldSteps     int `bun:"held_steps" json:"-"`
}

// Apart is the figures of many customers: all their steps (c, counted by
// SQL) with those of held customers (held, counted by HeldOnlySQL) taken
// out and counted apart. Two passes instead of one join per step: the
// first reads an index alone, the second only the held customers' steps.
func (c Counts) Apart(held Counts) Counts {
	return Counts{
		Done: c.Done - held.Done, Skipped: c.Skipped - held.Skipped,
		Reverted: c.Reverted - held.Reverted, Pending: c.Pending - held.Pending,
		HeldCustomers: held.HeldCustomers, HeldSteps: held.Done + held.Skipped + held.Reverted + held.Pending,
	}
}

// Plus sums the status counts of two sets of steps.
func (c Counts) Plus(o Counts) Counts {
	return Counts{Done: c.Done + o.Done, Skipped: c.Skipped + o.Skipped, Reverted: c.Reverted + o.Reverted, Pending: c.Pending + o.Pending,
		HeldCustomers: c.HeldCustomers + o.HeldCustomers, HeldSteps: c.HeldSteps + o.HeldSteps}
}

// Progress is the counts' figures.
func (c Counts) Progress() Progress {
	return Of(c.Done, c.Skipped, c.Reverted, c.Pending).WithHeld(c.HeldCustomers, c.HeldSteps)
}

// Counter counts steps by state as they are read, for figures built in Go
// (the matrix's rows, columns and clusters).
type Counter struct{ done, skipped, reverted, pending, heldCustomers, heldSteps int }

// Held counts n steps of a held customer, apart.
func (c *Counter) Held(n int) { c.heldSteps += n }

// HeldCustomer counts one held customer.
func (c *Counter) HeldCustomer() { c.heldCustomers++ }

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
	c.heldCustomers, c.heldSteps = c.heldCustomers+o.heldCustomers, c.heldSteps+o.heldSteps
}

// Progress is the counter's figures.
func (c Counter) Progress() Progress {
	return Of(c.done, c.skipped, c.reverted, c.pending).WithHeld(c.heldCustomers, c.heldSteps)
}
