// Package report writes a release's record as a file: Markdown for
// tickets, a self-contained HTML page for printing, CSV for spreadsheets
// and JSON for programs. docs/export-format.md describes every format;
// docs/export-format.schema.json defines the JSON one.
//
// Reports are streamed: the customers of the selection are read once (a few
// thousand rows at most), then their steps one customer at a time, so a
// release of 200,000 steps never sits in memory. Everything is read inside
// one read transaction, so the summary and the steps agree even while the
// app keeps writing.
package report

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/internal/sticky"
	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
)

// Format is a report's file format.
type Format string

// The formats of a report.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
	CSV      Format = "csv"
	JSON     Format = "json"
)

// Formats lists every format, in the order a menu offers them.
var Formats = []Format{Markdown, HTML, CSV, JSON}

// Extension is the file name extension of the format, with its dot.
func (f Format) Extension() string {
	switch f {
	case Markdown:
		return ".md"
	case HTML:
		return ".html"
	case CSV:
		return ".csv"
	case JSON:
		return ".json"
	}
	return ""
}

// Schema is the value of the JSON report's "schema" field.
const Schema = "shipdeck.release-report/1"

// Selection is the part of a release a report covers: the whole release
// (ClusterID 0, no CustomerIDs), one cluster, a list of customers (the
// matrix's current filter) or one customer (a list of one). A cluster and
// a list together cover the listed customers of that cluster.
type Selection struct {
	ReleaseID   int64   `json:"releaseId"`
	ClusterID   int64   `json:"clusterId"`
	CustomerIDs []int64 `json:"customerIds"`
}

// Kind names the selection: "release", "cluster", "customers" or
// "customer".
func (s Selection) Kind() string {
	switch {
	case len(s.CustomerIDs) == 1:
		return "customer"
	case len(s.CustomerIDs) > 1:
		return "customers"
	case s.ClusterID != 0:
		return "cluster"
	}
	return "release"
}

// Options are the settings of one Write.
type Options struct {
	// Now is the clock of generated_at; nil means time.Now.
	Now func() time.Time
	// Location is the time zone of every timestamp; nil means time.Local.
	Location *time.Location
	// Progress, when set, is called now and then with the number of steps
	// written so far and the number the report holds; last with done ==
	// total.
	Progress func(done, total int)
}

// progressEvery is how many steps are written between Progress calls.
const progressEvery = 2000

// MaxCustomers bounds a selection's customer list (a fleet is thousands).
const MaxCustomers = 100000

// Write streams the report of sel in format f to w. Cancelling ctx stops it
// promptly with ctx.Err(); w then holds a partial report. A selection that
// names a release, cluster or customer that does not exist, or a customer
// the release does not cover, is refused with a problem error before
// anything is written.
func Write(ctx context.Context, db bun.IDB, f Format, sel Selection, w io.Writer, opt Options) (err error) {
	if _, err := validate.OneOf("format", "Report format", string(f), "markdown", "html", "csv", "json"); err != nil {
		return err
	}
	if err := validate.ID("Release", sel.ReleaseID); err != nil {
		return err
	}
	if sel.ClusterID < 0 {
		return problem.Invalid("clusterId", "Cluster id must not be negative.")
	}
	if len(sel.CustomerIDs) > MaxCustomers {
		return problem.Invalid("customerIds", "A report can list at most %d customers (got %d).", MaxCustomers, len(sel.CustomerIDs))
	}
	for _, id := range sel.CustomerIDs {
		if err := validate.ID("Customer", id); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	rdb, end, err := snapshot(ctx, db)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := end(); err == nil && cerr != nil {
			err = cerr
		}
	}()

	r := &run{ctx: ctx, db: rdb, sel: sel, opt: opt}
	if r.opt.Now == nil {
		r.opt.Now = time.Now
	}
	r.loc = opt.Location
	if r.loc == nil {
		r.loc = time.Local
	}
	r.now = r.opt.Now().In(r.loc)
	if err := r.load(); err != nil {
		return r.fail(err)
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	// The writers write through out and check it where stopping early
	// pays; its first failure (a full disk) is the one to report.
	out := sticky.NewWriter(bw)
	switch f {
	case Markdown:
		err = writeMarkdown(r, out)
	case HTML:
		err = writeHTML(r, out)
	case CSV:
		err = writeCSV(r, out)
	case JSON:
		err = writeJSON(r, out)
	}
	if werr := out.Err(); werr != nil {
		err = fmt.Errorf("write report: %w", werr)
	}
	if err != nil {
		return r.fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	r.report(true)
	return nil
}

// snapshot returns a view of db in which every query sees the same state:
// db itself when it is already a transaction or connection of the caller's,
// otherwise one connection of the pool in a read transaction (deferred, so
// it takes no write lock; in WAL mode writers go on while it reads).
func snapshot(ctx context.Context, db bun.IDB) (bun.IDB, func() error, error) {
	pool, ok := db.(*bun.DB)
	if !ok {
		return db, func() error { return nil }, nil
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("report connection: %w", err)
	}
	// PostgreSQL's statements each see their own snapshot unless the
	// transaction is REPEATABLE READ: then all see the first one's.
	if _, err := conn.ExecContext(ctx, store.Dialect(pool, "BEGIN DEFERRED", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("begin report read: %w", err)
	}
	return conn, func() error {
		// Not ctx: a cancelled report must still end its transaction
		// before the connection goes back to the pool.
		_, rerr := conn.ExecContext(context.Background(), "ROLLBACK")
		cerr := conn.Close()
		return errors.Join(rerr, cerr)
	}, nil
}

// run is the state of one Write.
type run struct {
	ctx context.Context
	db  bun.IDB
	sel Selection
	opt Options
	loc *time.Location
	now time.Time

	rel       releaseInfo
	deployN   int // templates per category
	verifyN   int
	clusters  []*clusterInfo
	customers []*customerInfo
	byID      map[int64]*customerInfo
	scope     store.IDs // the selected customers

	// Totals of the customers not on hold, and of those on hold.
	counted, held progress.Progress
	heldCount     int

	total, done, reported int
}

type releaseInfo struct {
	ID          int64
	Name        string
	Type        string
	Status      string
	Version     string
	ReleaseDate *int64
	Description string
	Metadata    json.RawMessage // nil when the release has none
	CreatedAt   int64
	UpdatedAt   int64
}

type clusterInfo struct {
	ID        int64
	Name      string
	Customers int
	Held      int
	Progress  progress.Progress // of its customers not on hold
}

type customerInfo struct {
	ID          int64             `bun:"id"`
	Name        string            `bun:"name"`
	Namespace   string            `bun:"namespace"`
	ClusterID   int64             `bun:"cluster_id"`
	Cluster     string            `bun:"cluster"`
	Active      bool              `bun:"active"`
	AddedAt     int64             `bun:"added_at"`
	Hold        *holdInfo         `bun:"-"`
	Progress    progress.Progress `bun:"-"`
	clusterInfo *clusterInfo
}

type holdInfo struct {
	At     int64
	By     string
	Reason string
}

// fail turns a failure into what Write returns: ctx.Err() once the context
// is done (the driver reports it in words of its own), the error otherwise.
func (r *run) fail(err error) error {
	if cerr := r.ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}

// step counts one written step and reports progress now and then. It
// returns ctx.Err() once the context is done, so loops stop promptly.
func (r *run) step() error {
	r.done++
	if r.done-r.reported >= progressEvery {
		r.report(false)
		return r.ctx.Err()
	}
	return nil
}

func (r *run) report(final bool) {
	if final {
		r.done = r.total
	}
	r.reported = r.done
	if r.opt.Progress != nil {
		r.opt.Progress(r.done, r.total)
	}
}

// load reads the release, the selected customers with their counts and
// holds, and the template counts.
func (r *run) load() error {
	ctx, db := r.ctx, r.db
	var meta sql.NullString
	err := db.QueryRowContext(ctx, `SELECT id, name, type, coalesce(status, 'draft'), coalesce(version_number, ''), release_date,
		coalesce(description, ''), metadata, coalesce(created_at, 0), coalesce(updated_at, 0) FROM releases WHERE id = ?`, r.sel.ReleaseID).
		Scan(&r.rel.ID, &r.rel.Name, &r.rel.Type, &r.rel.Status, &r.rel.Version, &r.rel.ReleaseDate, &r.rel.Description, &meta,
			&r.rel.CreatedAt, &r.rel.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return problem.NotFound("Release %d does not exist.", r.sel.ReleaseID)
	}
	if err != nil {
		return fmt.Errorf("read release: %w", err)
	}
	r.rel.Metadata = metadataJSON(meta)

	if r.sel.ClusterID != 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM clusters WHERE id = ?`, r.sel.ClusterID).Scan(&n); err != nil {
			return fmt.Errorf("read cluster: %w", err)
		}
		if n == 0 {
			return problem.NotFound("Cluster %d does not exist.", r.sel.ClusterID)
		}
	}

	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE category = 'deploy'), count(*) FILTER (WHERE category = 'verify')
		FROM step_templates WHERE release_id = ?`, r.rel.ID).Scan(&r.deployN, &r.verifyN); err != nil {
		return fmt.Errorf("count templates: %w", err)
	}

	// A release's customers are a few thousand rows: Bun scans them by name.
	var listedRows []struct {
		customerInfo
		HeldAt     *int64 `bun:"held_at"`
		HeldBy     string `bun:"held_by"`
		HoldReason string `bun:"hold_reason"`
	}
	if err := db.NewRaw(`
		SELECT cu.id, cu.name, cu.namespace, cl.id AS cluster_id, cl.name AS cluster, coalesce(cu.is_active, true) AS active, rc.added_at,
			rc.held_at, coalesce(rc.held_by, '') AS held_by, coalesce(rc.hold_reason, '') AS hold_reason
		FROM release_customers rc JOIN customers cu ON cu.id = rc.customer_id JOIN clusters cl ON cl.id = cu.cluster_id
		WHERE rc.release_id = ?0 AND (?1 = 0 OR cu.cluster_id = ?1)
			AND (?2 OR rc.customer_id IN ?3)
		ORDER BY cl.name, cl.id, cu.name, cu.id`, r.rel.ID, r.sel.ClusterID, len(r.sel.CustomerIDs) == 0, store.IDs(r.sel.CustomerIDs)).Scan(ctx, &listedRows); err != nil {
		return fmt.Errorf("read customers: %w", err)
	}
	r.byID = map[int64]*customerInfo{}
	ids := make([]int64, 0, len(listedRows))
	for i := range listedRows {
		lr := &listedRows[i]
		c := &lr.customerInfo
		if lr.HeldAt != nil {
			c.Hold = &holdInfo{At: *lr.HeldAt, By: lr.HeldBy, Reason: lr.HoldReason}
		}
		if n := len(r.clusters); n == 0 || r.clusters[n-1].ID != c.ClusterID {
			r.clusters = append(r.clusters, &clusterInfo{ID: c.ClusterID, Name: c.Cluster})
		}
		c.clusterInfo = r.clusters[len(r.clusters)-1]
		r.customers = append(r.customers, c)
		r.byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	for _, id := range r.sel.CustomerIDs {
		if _, ok := r.byID[id]; !ok {
			return r.notCovered(id)
		}
	}
	r.scope = ids

	// Counts per customer, in one pass over the selection's steps.
	var counts []struct {
		CustomerID int64 `bun:"customer_id"`
		progress.Counts
	}
	if err := db.NewRaw(`SELECT cs.customer_id, `+progress.SQL+`
		FROM customer_steps cs WHERE cs.release_id = ? AND cs.customer_id IN ?
		GROUP BY cs.customer_id`, r.rel.ID, r.scope).Scan(ctx, &counts); err != nil {
		return fmt.Errorf("count steps: %w", err)
	}
	for _, n := range counts {
		if c, ok := r.byID[n.CustomerID]; ok {
			c.Progress = n.Progress()
		}
	}
	for _, c := range r.customers {
		cl := c.clusterInfo
		cl.Customers++
		r.total += c.Progress.Total
		if c.Hold != nil {
			cl.Held++
			r.heldCount++
			r.held = r.held.Add(c.Progress)
			continue
		}
		cl.Progress = cl.Progress.Add(c.Progress)
		r.counted = r.counted.Add(c.Progress)
	}
	r.report(false)
	return nil
}

// notCovered explains why a listed customer cannot be reported on.
func (r *run) notCovered(id int64) error {
	var name string
	var cluster int64
	err := r.db.QueryRowContext(r.ctx, `SELECT name, cluster_id FROM customers WHERE id = ?`, id).Scan(&name, &cluster)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return problem.NotFound("Customer %d does not exist.", id)
	case err != nil:
		return fmt.Errorf("read customer: %w", err)
	case r.sel.ClusterID != 0 && cluster != r.sel.ClusterID:
		return problem.Invalid("customerIds", "Customer '%s' is not on the selected cluster.", name)
	}
	return problem.Invalid("customerIds", "Customer '%s' is not part of release '%s'.", name, r.rel.Name)
}

// metadataJSON keeps a metadata column that holds a JSON object; anything
// else (Drizzle stored whatever it was given) is kept under "value".
func metadataJSON(s sql.NullString) json.RawMessage {
	if !s.Valid || s.String == "" {
		return nil
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(s.String), &obj); err == nil {
		if len(obj) == 0 {
			return nil
		}
		return json.RawMessage(s.String)
	}
	var v any
	if json.Unmarshal([]byte(s.String), &v) != nil {
		v = s.String
	}
	b, _ := json.Marshal(map[string]any{"value": v})
	return b
}

// scopeText says in words what the report covers.
func (r *run) scopeText() string {
	n := len(r.customers)
	switch r.sel.Kind() {
	case "customer":
		if n == 1 {
			c := r.customers[0]
			return fmt.Sprintf("one customer: %s (%s on %s)", c.Name, c.Namespace, c.Cluster)
		}
	case "customers":
		return fmt.Sprintf("%s chosen in the matrix, on %s", plural(n, "customer"), plural(len(r.clusters), "cluster"))
	case "cluster":
		name := ""
		if len(r.clusters) == 1 {
			name = r.clusters[0].Name + ", "
		}
		return fmt.Sprintf("one cluster: %s%s", name, plural(n, "customer"))
	}
	return fmt.Sprintf("the whole release: %s on %s", plural(n, "customer"), plural(len(r.clusters), "cluster"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// timestamp formats unix seconds for people, in the report's time zone.
func (r *run) timestamp(unix int64) string {
	return time.Unix(unix, 0).In(r.loc).Format("2006-01-02 15:04:05")
}

// iso formats unix seconds as ISO 8601 with the zone's offset.
func (r *run) iso(unix int64) string {
	return time.Unix(unix, 0).In(r.loc).Format(time.RFC3339)
}

// zoneText names the report's time zone for the facts table.
func (r *run) zoneText() string {
	name := r.loc.String()
	off := r.now.Format("-07:00")
	if name == "UTC" {
		return "UTC"
	}
	if name == "Local" || name == "" {
		return "UTC" + off
	}
	return fmt.Sprintf("%s (UTC%s when generated)", name, off)
}

// categoryTitle is a category as a heading word.
func categoryTitle(c string) string {
	switch c {
	case "deploy":
		return "Deploy"
	case "verify":
		return "Verify"
	}
	return c
}

func timeUTC(unix int64) time.Time { return time.Unix(unix, 0).UTC() }

// FormatEnum is Format for the frontend's generated enum (Wails' EnumBind).
func FormatEnum() []FormatValue {
	return []FormatValue{{Markdown, "MARKDOWN"}, {HTML, "HTML"}, {CSV, "CSV"}, {JSON, "JSON"}}
}

// FormatValue is one member of FormatEnum.
type FormatValue struct {
	Value  Format
	TSName string
}
