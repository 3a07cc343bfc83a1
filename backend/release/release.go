package release

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"shipdeck/backend/problem"
	"shipdeck/backend/progress"
	"shipdeck/backend/settings"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// List returns every release, newest first, with counts and progress.
func (s *Service) List() (out []Release, err error) {
	defer problem.Recover(&err)
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		out, err = listReleases(ctx, db, "")
		return err
	})
	return out, err
}

// ListByStatus is List restricted to one status (the dashboard's active ones).
func ListByStatus(ctx context.Context, db bun.IDB, status ReleaseStatus) ([]Release, error) {
	return listReleases(ctx, db, status)
}

func listReleases(ctx context.Context, db bun.IDB, status ReleaseStatus) ([]Release, error) {
	var rs []store.Release
	q := db.NewSelect().Model(&rs).OrderExpr("r.created_at DESC, r.id DESC")
	if status != "" {
		q.Where("coalesce(r.status, 'draft') = ?", status)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	return decorate(ctx, db, rs, true)
}

// decorate adds targets, counts and (withProgress) progress to releases
// with one grouped query per kind, whatever the number of releases.
func decorate(ctx context.Context, db bun.IDB, rs []store.Release, withProgress bool) ([]Release, error) {
	out := make([]Release, len(rs))
	idx := make(map[int64]int, len(rs))
	ids := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = toRelease(r)
		idx[r.ID] = i
		ids[i] = r.ID
	}
	if len(rs) == 0 {
		return out, nil
	}
	if withProgress {
		counts, err := releaseCounts(ctx, db, ids)
		if err != nil {
			return nil, err
		}
		for id, c := range counts {
			out[idx[id]].Progress = c.Progress()
		}
	}
	type count struct {
		ReleaseID int64 `bun:"release_id"`
		N         int   `bun:"n"`
	}
	var tc, cc []count
	if err := db.NewRaw(`SELECT release_id, count(*) AS n FROM step_templates WHERE release_id IN ? GROUP BY release_id`, store.IDs(ids)).Scan(ctx, &tc); err != nil {
		return nil, fmt.Errorf("template counts: %w", err)
	}
	for _, c := range tc {
		out[idx[c.ReleaseID]].TemplateCount = c.N
	}
	if err := db.NewRaw(`SELECT release_id, count(*) AS n FROM release_customers WHERE release_id IN ? GROUP BY release_id`, store.IDs(ids)).Scan(ctx, &cc); err != nil {
		return nil, fmt.Errorf("customer counts: %w", err)
	}
	for _, c := range cc {
		out[idx[c.ReleaseID]].CustomerCount = c.N
	}
	var ts []store.ReleaseTarget
	if err := db.NewSelect().Model(&ts).Where("release_id IN ?", store.IDs(ids)).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("release targets: %w", err)
	}
	for _, t := range ts {
		r := &out[idx[t.ReleaseID]]
		r.Targets.Mode = "selected"
		if t.ClusterID != nil {
			r.Targets.ClusterIDs = append(r.Targets.ClusterIDs, *t.ClusterID)
		} else if t.CustomerID != nil {
			r.Targets.CustomerIDs = append(r.Targets.CustomerIDs, *t.CustomerID)
		}
	}
	return out, nil
}

// A release's figure is read in three passes instead of one join per step
// (a lookup of its release_customers row for each of a million steps): its
// template steps, from an index alone (customer_steps_template_idx on
// SQLite, unique_customer_step on PostgreSQL: both hold the status, so no
// table row is read); its steps without a template, few, from
// their partial index; and the steps of held customers, reached from their
// release_customers rows, which progress.Counts.Apart takes out and counts
// apart. Every step has its release_customers row (coverage is written
// before steps, and only grows), so the first two count the same steps as
// a join would.
const (
	sqlReleaseTemplateCounts = `SELECT t.release_id AS id, ` + progress.SQL + `
		FROM step_templates t JOIN customer_steps cs ON cs.template_id = t.id
		WHERE t.release_id IN ? GROUP BY t.release_id`
	// sqlReleaseTemplateCountsPG is sqlReleaseTemplateCounts for
	// PostgreSQL: an index-only scan of each release's entries in
	// unique_customer_step, which holds the status (pgmigrations/0009). Its
	// indexes hold no row id, so progress.SQL's "cs.id IS NOT NULL" would
	// read every step's row: the counts are spelled out with the same
	// meaning (a step without a status is pending).
	sqlReleaseTemplateCountsPG = `SELECT release_id AS id, count(*) FILTER (WHERE status = 'done') AS done,
			count(*) FILTER (WHERE status = 'skipped') AS skipped, count(*) FILTER (WHERE status = 'reverted') AS reverted,
			count(*) FILTER (WHERE coalesce(status, 'pending') = 'pending') AS pending
		FROM customer_steps WHERE release_id IN ? AND template_id IS NOT NULL GROUP BY release_id`
	sqlReleaseUntemplatedCounts = `SELECT cs.release_id AS id, ` + progress.SQL + `
		FROM customer_steps cs INDEXED BY customer_steps_untemplated_idx
		WHERE cs.template_id IS NULL AND cs.release_id IN ? GROUP BY cs.release_id`
	// CROSS JOIN keeps release_customers the outer loop (SQLite does not
	// reorder it): otherwise the planner walks every step of the release
	// and looks its customer up, 1.6 s at 10,000 customers for no one held.
	sqlReleaseHeldCounts = `SELECT rc.release_id AS id, ` + progress.HeldOnlySQL + `
		FROM release_customers rc CROSS JOIN customer_steps cs ON cs.release_id = rc.release_id AND cs.customer_id = rc.customer_id
		WHERE rc.release_id IN ? AND rc.held_at IS NOT NULL GROUP BY rc.release_id`
)

// releaseCounts is the figures of the releases listed in ids.
func releaseCounts(ctx context.Context, db bun.IDB, ids []int64) (map[int64]progress.Counts, error) {
	type row struct {
		ID int64 `bun:"id"`
		progress.Counts
	}
	read := func(q string) ([]row, error) {
		var rows []row
		if err := db.NewRaw(store.Hinted(db, q), store.IDs(ids)).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("release progress: %w", err)
		}
		return rows, nil
	}
	all := map[int64]progress.Counts{}
	for _, q := range []string{store.Dialect(db, sqlReleaseTemplateCounts, sqlReleaseTemplateCountsPG), sqlReleaseUntemplatedCounts} {
		rows, err := read(q)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			all[r.ID] = all[r.ID].Plus(r.Counts)
		}
	}
	held, err := read(sqlReleaseHeldCounts)
	if err != nil {
		return nil, err
	}
	for _, h := range held {
		all[h.ID] = all[h.ID].Apart(h.Counts)
	}
	return all, nil
}

func toRelease(r store.Release) Release {
	st := ReleaseStatus(r.Status)
	if st == "" {
		st = Draft
	}
	return Release{
		ID: r.ID, Name: r.Name, Type: ReleaseType(r.Type), Status: st,
		VersionNumber: store.TextOf(r.VersionNumber), ReleaseDate: r.ReleaseDate, Description: store.TextOf(r.Description),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Targets:  Targets{Mode: "all", ClusterIDs: []int64{}, CustomerIDs: []int64{}},
		Metadata: vars.FormMetadata(r.Metadata),
	}
}

func getRelease(ctx context.Context, db bun.IDB, id int64) (Release, error) {
	return readRelease(ctx, db, id, true)
}

func readRelease(ctx context.Context, db bun.IDB, id int64, withProgress bool) (Release, error) {
	r, err := loadRelease(ctx, db, id)
	if err != nil {
		return Release{}, err
	}
	out, err := decorate(ctx, db, []store.Release{r}, withProgress)
	if err != nil {
		return Release{}, err
	}
	return out[0], nil
}

// Get returns a release with its templates and progress per cluster and
// customer.
func (s *Service) Get(id int64) (out Detail, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", id); err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		if out.Release, err = readRelease(ctx, db, id, false); err != nil {
			return err
		}
		if out.Deploy, out.Verify, err = listTemplates(ctx, db, id); err != nil {
			return err
		}
		// Every figure of the page — by template, cluster and customer, and
		// the release's — comes from one pass over the steps: the matrix's.
		m, err := buildMatrix(ctx, db, id, 0)
		if err != nil {
			return err
		}
		byTemplate := make(map[int64]progress.Progress, len(m.Rows))
		for i, row := range m.Rows {
			byTemplate[row.TemplateID] = m.RowCounts[i]
		}
		for _, ts := range [][]Template{out.Deploy, out.Verify} {
			for i := range ts {
				ts[i].Progress = byTemplate[ts[i].ID]
			}
		}
		out.Clusters = clustersOf(m)
		out.Release.Progress = m.Total
		return nil
	})
	return out, err
}

// clustersOf is a release's figures by cluster and customer, from its
// matrix: each customer its own steps, each cluster the sum of its
// customers not held, the held ones counted apart (docs/design.md, "Holds").
func clustersOf(m Matrix) []ClusterProgress {
	out := make([]ClusterProgress, 0, len(m.Clusters))
	for _, cl := range m.Clusters {
		cp := ClusterProgress{ID: cl.ID, Name: cl.Name, Progress: cl.Counts, Customers: make([]CustomerProgress, 0, cl.Count)}
		for c := cl.First; c < cl.First+cl.Count; c++ {
			cu := m.Customers[c]
			cp.Customers = append(cp.Customers, CustomerProgress{ID: cu.ID, Name: cu.Name, Namespace: cu.Namespace, IsActive: cu.IsActive,
				Progress: m.ColCounts[c], Hold: holdOf(cu.HeldAt, &cu.HeldBy, &cu.HoldReason)})
		}
		out = append(out, cp)
	}
	return out
}

type releaseFields struct {
	name, version, description string
	typ                        ReleaseType
	date                       *int64
}

func validRelease(name string, typ ReleaseType, version, description string, date *int64) (releaseFields, error) {
	var f releaseFields
	var err error
	if f.name, err = validate.Name("name", "Release name", name); err != nil {
		return f, err
	}
	if f.typ, err = oneOf("type", "Release type", typ, ReleaseTypes...); err != nil {
		return f, err
	}
	if f.version, err = validate.Optional("versionNumber", "Version", version, 50, false); err != nil {
		return f, err
	}
	if f.description, err = validate.Optional("description", "Description", description, validate.MaxDescription, true); err != nil {
		return f, err
	}
	if date != nil && (*date < 0 || *date > 253402300799) {
		return f, problem.Invalid("releaseDate", "Release date is not a valid date.")
	}
	f.date = date
	return f, nil
}

func validTargets(t Targets) (Targets, error) {
	switch t.Mode {
	case "", "all":
		return Targets{Mode: "all"}, nil
	case "selected":
		if len(t.ClusterIDs) == 0 && len(t.CustomerIDs) == 0 {
			return t, problem.Invalid("targets", "Choose at least one cluster or customer, or target all active customers.")
		}
		if len(t.ClusterIDs) > 0 {
			if err := validate.IDs("cluster", t.ClusterIDs, 10000); err != nil {
				return t, err
			}
		}
		if len(t.CustomerIDs) > 0 {
			if err := validate.IDs("customer", t.CustomerIDs, 100000); err != nil {
				return t, err
			}
		}
		return t, nil
	default:
		return t, problem.Invalid("targets", "Targets must be 'all' or 'selected' (got '%s').", t.Mode)
	}
}

// saveTargets replaces a release's targets, checking that every named
// cluster and customer exists and is active.
func saveTargets(ctx context.Context, tx bun.Tx, releaseID int64, t Targets) error {
	if _, err := tx.NewDelete().Model((*store.ReleaseTarget)(nil)).Where("release_id = ?", releaseID).Exec(ctx); err != nil {
		return fmt.Errorf("clear targets: %w", err)
	}
	if t.Mode != "selected" {
		return nil
	}
	if err := allActive(ctx, tx, "clusters", "cluster", t.ClusterIDs); err != nil {
		return err
	}
	if err := allActive(ctx, tx, "customers", "customer", t.CustomerIDs); err != nil {
		return err
	}
	rows := make([]store.ReleaseTarget, 0, len(t.ClusterIDs)+len(t.CustomerIDs))
	for _, id := range t.ClusterIDs {
		rows = append(rows, store.ReleaseTarget{ReleaseID: releaseID, ClusterID: &id})
	}
	for _, id := range t.CustomerIDs {
		rows = append(rows, store.ReleaseTarget{ReleaseID: releaseID, CustomerID: &id})
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("save targets: %w", err)
	}
	return nil
}

func allActive(ctx context.Context, db bun.IDB, table, label string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var missing, archived int64
	err := db.QueryRowContext(ctx, `SELECT
		coalesce((SELECT j.value FROM ?0 AS j WHERE NOT EXISTS (SELECT 1 FROM `+table+` x WHERE x.id = j.value) LIMIT 1), 0),
		coalesce((SELECT x.id FROM `+table+` x WHERE x.id IN ?1 AND NOT coalesce(x.is_active, true) LIMIT 1), 0)`,
		store.Rows(ids), store.IDs(ids)).Scan(&missing, &archived)
	if err != nil {
		return fmt.Errorf("check targets exist: %w", err)
	}
	if missing != 0 {
		return problem.NotFound("The %s with id %d does not exist.", label, missing)
	}
	if archived != 0 {
		return problem.State("The %s with id %d is archived: restore it before targeting it.", label, archived)
	}
	return nil
}

// Create makes a draft release with its targets and templates.
func (s *Service) Create(in Input) (out Release, err error) {
	defer problem.Recover(&err)
	f, err := validRelease(in.Name, in.Type, in.VersionNumber, in.Description, in.ReleaseDate)
	if err != nil {
		return out, err
	}
	targets, err := validTargets(in.Targets)
	if err != nil {
		return out, err
	}
	tpls, err := validTemplates(in.Templates)
	if err != nil {
		return out, err
	}
	if in.CopyTemplatesFrom < 0 {
		return out, problem.Invalid("copyTemplatesFrom", "The release to copy steps from is not valid.")
	}
	meta, err := vars.Metadata("metadata", in.Metadata)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		now := s.st.Now().Unix()
		r := store.Release{
			Name: f.name, Type: string(f.typ), Status: string(Draft), VersionNumber: store.Text(f.version), ReleaseDate: f.date,
			Description: store.Text(f.description), Metadata: vars.MergeMetadata(nil, meta), CreatedAt: now, UpdatedAt: now,
		}
		if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
			return fmt.Errorf("insert release: %w", err)
		}
		if err := saveTargets(ctx, tx, r.ID, targets); err != nil {
			return err
		}
		if in.CopyTemplatesFrom > 0 {
			if _, err := loadRelease(ctx, tx, in.CopyTemplatesFrom); err != nil {
				return err
			}
			if err := copyTemplates(ctx, tx, in.CopyTemplatesFrom, r.ID, now); err != nil {
				return err
			}
		}
		if err := appendTemplates(ctx, tx, r.ID, tpls, now); err != nil {
			return err
		}
		out, err = getRelease(ctx, tx, r.ID)
		return err
	})
	return out, err
}

func validTemplates(in []TemplateInput) ([]TemplateInput, error) {
	if len(in) > 1000 {
		return nil, problem.Invalid("templates", "A release can have at most 1000 steps.")
	}
	out := make([]TemplateInput, len(in))
	for i, t := range in {
		v, err := validTemplate(t.Name, t.Category, t.Type, t.Content, t.Description)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i+1, err)
		}
		out[i] = v
	}
	return out, nil
}

func validTemplate(name string, category Category, typ StepType, content, description string) (TemplateInput, error) {
	var t TemplateInput
	var err error
	if t.Name, err = validate.Name("name", "Step name", name); err != nil {
		return t, err
	}
	if t.Category, err = oneOf("category", "Category", category, Categories...); err != nil {
		return t, err
	}
	if t.Type, err = oneOf("type", "Step type", typ, StepTypes...); err != nil {
		return t, err
	}
	if t.Content, err = validate.Content(content); err != nil {
		return t, err
	}
	if t.Description, err = validate.Optional("description", "Description", description, validate.MaxDescription, true); err != nil {
		return t, err
	}
	return t, nil
}

// appendTemplates adds templates after the existing ones of their category.
func appendTemplates(ctx context.Context, tx bun.Tx, releaseID int64, tpls []TemplateInput, now int64) error {
	if len(tpls) == 0 {
		return nil
	}
	// Each goes Gap after the last one of its category (docs/design.md,
	// "Ordering").
	next := map[Category]int{}
	for _, c := range Categories {
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(order_index), 0) FROM step_templates WHERE release_id = ? AND category = ?`, releaseID, c).Scan(&last); err != nil {
			return fmt.Errorf("last %s position: %w", c, err)
		}
		next[c] = last + Gap
	}
	rows := make([]store.StepTemplate, len(tpls))
	for i, t := range tpls {
		rows[i] = store.StepTemplate{
			ReleaseID: releaseID, Name: t.Name, Category: string(t.Category), Type: string(t.Type), Content: t.Content,
			OrderIndex: next[t.Category], Description: store.Text(t.Description), CreatedAt: now,
		}
		next[t.Category] += Gap
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("insert templates: %w", err)
	}
	return nil
}

func copyTemplates(ctx context.Context, tx bun.Tx, from, to int64, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO step_templates (release_id, name, category, type, content, order_index, description, created_at)
		SELECT ?, name, category, type, content, order_index, description, ? FROM step_templates WHERE release_id = ? ORDER BY category, order_index`, to, now, from)
	if err != nil {
		return fmt.Errorf("copy templates from release %d: %w", from, err)
	}
	return nil
}

// Update edits a release's details; targets change only on drafts.
func (s *Service) Update(in UpdateInput) (out Release, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ID); err != nil {
		return out, err
	}
	f, err := validRelease(in.Name, in.Type, in.VersionNumber, in.Description, in.ReleaseDate)
	if err != nil {
		return out, err
	}
	var targets Targets
	if in.Targets != nil {
		if targets, err = validTargets(*in.Targets); err != nil {
			return out, err
		}
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		if err := editable(r); err != nil {
			return err
		}
		if in.Targets != nil {
			if ReleaseStatus(r.Status) != Draft {
				return problem.State("Release '%s' is already active: its customers can only be extended with \"Add customers\".", r.Name)
			}
			if err := saveTargets(ctx, tx, r.ID, targets); err != nil {
				return err
			}
		}
		changes := map[string][2]any{}
		note := func(field string, before, after any) {
			if before != after {
				changes[field] = [2]any{before, after}
			}
		}
		note("name", r.Name, f.name)
		note("type", r.Type, string(f.typ))
		note("version", store.TextOf(r.VersionNumber), f.version)
		note("releaseDate", dateOf(r.ReleaseDate), dateOf(f.date))
		note("description", store.TextOf(r.Description), f.description)
		if in.Targets != nil {
			changes["targets"] = [2]any{nil, targets}
		}
		columns := []string{"name", "type", "version_number", "release_date", "description", "updated_at"}
		if in.Metadata != nil {
			meta, err := vars.EditMetadata("metadata", r.Metadata, in.Metadata)
			if err != nil {
				return err
			}
			if before, after, changed := metadataChange(r.Metadata, meta); changed {
				changes["metadata"] = [2]any{before, after}
			}
			r.Metadata = meta
			columns = append(columns, "metadata")
		}
		r.Name, r.Type, r.VersionNumber, r.ReleaseDate, r.Description = f.name, string(f.typ), store.Text(f.version), f.date, store.Text(f.description)
		now := s.st.Now().Unix()
		r.UpdatedAt = now
		if _, err := tx.NewUpdate().Model(&r).Column(columns...).WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update release %d: %w", r.ID, err)
		}
		if len(changes) > 0 {
			actor, err := settings.Actor(ctx, tx)
			if err != nil {
				return err
			}
			if err := recordEvent(ctx, tx, r.ID, event{action: EventReleaseEdit, subject: r.Name, detail: changes}, actor, now); err != nil {
				return err
			}
		}
		out, err = getRelease(ctx, tx, r.ID)
		return err
	})
	return out, err
}

// Archive makes a release read-only.
func (s *Service) Archive(id int64) (out Release, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", id); err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		r, err := loadRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		if ReleaseStatus(r.Status) == Archived {
			return problem.State("Release '%s' is already archived.", r.Name)
		}
		before, err := getRelease(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.st.Now().Unix()
		r.Status, r.UpdatedAt = string(Archived), now
		if _, err := tx.NewUpdate().Model(&r).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("archive release %d: %w", id, err)
		}
		actor, err := settings.Actor(ctx, tx)
		if err != nil {
			return err
		}
		if err := recordEvent(ctx, tx, id, event{action: EventArchive, subject: r.Name, detail: before.Progress}, actor, now); err != nil {
			return err
		}
		out, err = getRelease(ctx, tx, id)
		return err
	})
	return out, err
}

// CloneInput names the new draft a clone becomes (a clone is the next
// release: it needs its own name and version).
type CloneInput struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	VersionNumber string `json:"versionNumber"`
}

// Clone makes a new draft with the same type, date, description, metadata,
// templates and targets, under the name and version given.
func (s *Service) Clone(in CloneInput) (out Release, err error) {
	defer problem.Recover(&err)
	if err := validate.ID("Release", in.ID); err != nil {
		return out, err
	}
	name, err := validate.Name("name", "Release name", in.Name)
	if err != nil {
		return out, err
	}
	version, err := validate.Optional("versionNumber", "Version", in.VersionNumber, 50, false)
	if err != nil {
		return out, err
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		src, err := loadRelease(ctx, tx, in.ID)
		if err != nil {
			return err
		}
		id := src.ID
		now := s.st.Now().Unix()
		r := store.Release{
			Name: name, Type: src.Type, Status: string(Draft), VersionNumber: store.Text(version), ReleaseDate: src.ReleaseDate,
			Description: src.Description, Metadata: src.Metadata, CreatedAt: now, UpdatedAt: now,
		}
		if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
			return fmt.Errorf("insert the clone of release %d: %w", id, err)
		}
		if err := copyTemplates(ctx, tx, src.ID, r.ID, now); err != nil {
			return err
		}
		// Targets come along as they are, archived ones too: dropping them
		// could turn "these customers" into "everyone". Activation skips
		// archived customers anyway.
		if _, err := tx.ExecContext(ctx, `INSERT INTO release_targets (release_id, cluster_id, customer_id)
			SELECT ?, cluster_id, customer_id FROM release_targets WHERE release_id = ? ORDER BY id`, r.ID, src.ID); err != nil {
			return fmt.Errorf("copy targets: %w", err)
		}
		out, err = getRelease(ctx, tx, r.ID)
		return err
	})
	return out, err
}

// dateOf is a release date as the history shows it (YYYY-MM-DD, UTC).
func dateOf(d *int64) string {
	if d == nil {
		return ""
	}
	return time.Unix(*d, 0).UTC().Format("2006-01-02")
}
