package customer

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"shipdeck/backend/fleetcsv"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
	"shipdeck/backend/validate"
	"shipdeck/backend/vars"
)

// The fleet from a spreadsheet: ImportPreview says what a customers file
// (backend/fleetcsv) would do, Import does it in one transaction, Export
// writes the file back. Customers have no step history, so an import
// records nothing there; it follows the same rules as Create and Update
// (names in NFC, a namespace once per cluster, archived records refused).

// MaxImportBytes is the largest customers file Import reads: about a
// hundred times a fleet of 2,000 customers, small enough that a wrong file
// chosen by mistake is refused at once.
const MaxImportBytes = 20 << 20

// ImportInput is a customers file and how to treat what it names.
type ImportInput struct {
	// CSV is the file's text (UTF-8, with or without a byte order mark).
	CSV string `json:"csv"`
	// CreateClusters creates the clusters the file names that do not
	// exist; without it their rows are problems.
	CreateClusters bool `json:"createClusters"`
	// Update lets a row for a namespace that already exists on its cluster
	// change that customer: its name, and every description and meta.KEY
	// cell that is not empty (an empty cell leaves what is stored; metadata
	// keys without a column are kept). Without it such a row is a problem,
	// unless it matches the customer already.
	Update bool `json:"update"`
}

// ImportAction is what an import does with one row.
type ImportAction string

// The actions of an import row.
const (
	ImportCreate    ImportAction = "create"    // a new customer
	ImportUpdate    ImportAction = "update"    // changes an existing customer
	ImportUnchanged ImportAction = "unchanged" // the customer already is as the row says
	ImportInvalid   ImportAction = "invalid"   // the row has a problem; nothing can be imported
)

// ImportRow is one row of the file and what importing it does.
type ImportRow struct {
	Line      int          `json:"line"`
	Cluster   string       `json:"cluster"`
	Namespace string       `json:"namespace"`
	Name      string       `json:"name"`
	Action    ImportAction `json:"action"`
	// Changes names what an update changes: "name", "description",
	// "meta.KEY".
	Changes []string `json:"changes"`
	// NewCluster says the row's cluster does not exist and will be created.
	NewCluster bool `json:"newCluster"`
	// CustomerID is the existing customer an update or unchanged row is.
	CustomerID int64 `json:"customerId"`
}

// ImportPreview is what Import would do with the file, row by row, and
// every problem (line, column, message) that stops it. Import only when
// Problems is empty.
type ImportPreview struct {
	Rows        []ImportRow        `json:"rows"`
	Problems    []fleetcsv.Problem `json:"problems"`
	Create      int                `json:"create"`
	Update      int                `json:"update"`
	Unchanged   int                `json:"unchanged"`
	NewClusters []string           `json:"newClusters"`
}

// ImportResult says what an import wrote.
type ImportResult struct {
	Created         int      `json:"created"`
	Updated         int      `json:"updated"`
	Unchanged       int      `json:"unchanged"`
	ClustersCreated []string `json:"clustersCreated"`
}

// ImportPreview reads a customers file and says what importing it would
// do, writing nothing.
func (s *Service) ImportPreview(in ImportInput) (out ImportPreview, err error) {
	defer problem.Recover(&err)
	rows, problems, err := parseImport(in)
	if err != nil {
		return out, err
	}
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		p, err := plan(ctx, db, in, rows, problems)
		out = p.preview
		return err
	})
	return out, err
}

// Import reads a customers file again, checks it again against the
// database as it is now, and writes all of it in one transaction, or
// nothing when any row has a problem.
func (s *Service) Import(in ImportInput) (out ImportResult, err error) {
	defer problem.Recover(&err)
	rows, problems, err := parseImport(in)
	if err != nil {
		return out, err
	}
	if len(rows) == 0 && len(problems) == 0 {
		return out, problem.Invalid("csv", "The file names no customers: it has only its header line.")
	}
	err = s.st.Tx(func(ctx context.Context, tx bun.Tx) error {
		p, err := plan(ctx, tx, in, rows, problems)
		if err != nil {
			return err
		}
		if n := len(p.preview.Problems); n > 0 {
			first := p.preview.Problems[0]
			where := ""
			if first.Line > 0 {
				where = fmt.Sprintf("line %d: ", first.Line)
			}
			if n == 1 {
				return problem.Invalid("csv", "The file has a problem, so nothing was imported: %s%s", where, first.Message)
			}
			return problem.Invalid("csv", "The file has %d problems, so nothing was imported. The first, %s%s", n, where, first.Message)
		}
		out, err = p.write(ctx, tx, s.st.Now().Unix())
		return err
	})
	return out, err
}

// Export writes every active customer, with its metadata, as a customers
// file that ImportPreview reads back (a metadata value that is not a
// string is written as its JSON text, which an update with the file keeps
// as it is).
func (s *Service) Export() (out string, err error) {
	defer problem.Recover(&err)
	var rows []fleetcsv.Row
	err = s.st.Read(func(ctx context.Context, db bun.IDB) error {
		var list []struct {
			Cluster     string         `bun:"cluster"`
			Namespace   string         `bun:"namespace"`
			Name        string         `bun:"name"`
			Description string         `bun:"description"`
			Metadata    store.Metadata `bun:"metadata"`
		}
		if err := db.NewRaw(`SELECT cl.name AS cluster, cu.namespace, cu.name, coalesce(cu.description, '') AS description, cu.metadata
			FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id
			WHERE coalesce(cu.is_active, true)
			ORDER BY cl.name, cl.id, cu.namespace, cu.id`).Scan(ctx, &list); err != nil {
			return fmt.Errorf("export customers: %w", err)
		}
		rows = make([]fleetcsv.Row, len(list))
		for i, c := range list {
			rows[i] = fleetcsv.Row{Cluster: c.Cluster, Namespace: c.Namespace, Name: c.Name, Description: c.Description}
			if len(c.Metadata) > 0 {
				rows[i].Meta = vars.FormMetadata(c.Metadata)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := fleetcsv.Write(&b, rows); err != nil {
		return "", err
	}
	return b.String(), nil
}

// parseImport refuses a file too large to be a customers file, then reads
// it.
func parseImport(in ImportInput) ([]fleetcsv.Row, []fleetcsv.Problem, error) {
	if len(in.CSV) > MaxImportBytes {
		return nil, nil, problem.Invalid("csv", "The file has %d MB, far more than a customers file holds (at most %d MB): check that it is the right file.",
			(len(in.CSV)+(1<<20)-1)>>20, MaxImportBytes>>20)
	}
	if strings.TrimSpace(strings.TrimPrefix(in.CSV, "\ufeff")) == "" {
		return nil, nil, problem.Invalid("csv", "The file is empty: its first line must name the columns cluster, namespace and name.")
	}
	return fleetcsv.Parse(strings.NewReader(in.CSV))
}

// existingCustomer is a stored customer a row may name.
type existingCustomer struct {
	ID          int64          `bun:"id"`
	ClusterID   int64          `bun:"cluster_id"`
	Namespace   string         `bun:"namespace"`
	Name        string         `bun:"name"`
	Description *string        `bun:"description"`
	IsActive    bool           `bun:"is_active"`
	Metadata    store.Metadata `bun:"metadata"`
}

// importPlan is a checked file: the preview, and what to write.
type importPlan struct {
	preview     ImportPreview
	newClusters []string // NFC names, in file order
	creates     []newCustomer
	updates     []customerUpdate
}

type newCustomer struct {
	clusterID   int64  // 0: the new cluster named clusterName
	clusterName string // NFC
	namespace   string
	name        string
	description string
	metadata    store.Metadata
}

type customerUpdate struct {
	ID int64 `json:"id"`
	// Name is always set (an unchanged name is the same text).
	Name string `json:"n"`
	// Description is nil when stored one stays.
	Description *string `json:"d"`
	// Set holds the metadata keys to set (nil when metadata stays); Whole
	// is the complete object to store when the stored text is not a JSON
	// object SQLite can patch.
	Set   map[string]string `json:"set"`
	Whole *string           `json:"whole"`
}

// plan checks parsed rows against the database: clusters that exist or
// may be created, customers that exist (and whether the row changes them),
// metadata within its limits. It adds its problems to the file's.
func plan(ctx context.Context, db bun.IDB, in ImportInput, rows []fleetcsv.Row, problems []fleetcsv.Problem) (importPlan, error) {
	p := importPlan{preview: ImportPreview{Rows: make([]ImportRow, 0, len(rows)), NewClusters: []string{}}}
	bad := map[int]bool{}
	for _, pr := range problems {
		bad[pr.Line] = true
	}
	add := func(line int, column, format string, args ...any) {
		problems = append(problems, fleetcsv.Problem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
		bad[line] = true
	}

	clusters, err := loadClusters(ctx, db)
	if err != nil {
		return p, err
	}
	existing, err := loadCustomers(ctx, db, rows)
	if err != nil {
		return p, err
	}
	newCluster := map[string]bool{}

	for _, r := range rows {
		row := ImportRow{Line: r.Line, Cluster: r.Cluster, Namespace: r.Namespace, Name: r.Name, Changes: []string{}}
		if bad[r.Line] {
			row.Action = ImportInvalid
			p.preview.Rows = append(p.preview.Rows, row)
			continue
		}
		key := validate.NameKey(r.Cluster)
		cl, found := clusters[key]
		switch {
		case found && !bool(cl.IsActive):
			add(r.Line, "cluster", "Cluster '%s' is archived: restore it before importing customers onto it.", cl.Name)
		case !found && !in.CreateClusters:
			add(r.Line, "cluster", "Cluster '%s' does not exist: create it first, or choose to create missing clusters.", r.Cluster)
		case !found:
			row.NewCluster = true
			if !newCluster[key] {
				newCluster[key] = true
				p.newClusters = append(p.newClusters, r.Cluster)
			}
		}
		var cur *existingCustomer
		if found {
			cur = existing[clusterNamespace{cl.ID, r.Namespace}]
		}
		switch {
		case bad[r.Line]:
		case cur == nil:
			meta, err := vars.Metadata("meta", r.Meta)
			if err != nil {
				add(r.Line, "", "%s", err.Error())
				break
			}
			row.Action = ImportCreate
			p.creates = append(p.creates, newCustomer{clusterID: cl.ID, clusterName: r.Cluster, namespace: r.Namespace, name: r.Name,
				description: r.Description, metadata: vars.MergeMetadata(nil, meta)})
		case !cur.IsActive:
			add(r.Line, "namespace", "A customer with namespace '%s' already exists on cluster '%s' (archived: '%s'): restore it before importing it.", r.Namespace, cl.Name, cur.Name)
		default:
			row.CustomerID = cur.ID
			u, changes, err := change(cur, r)
			if err != nil {
				add(r.Line, "", "%s", err.Error())
				break
			}
			switch {
			case len(changes) == 0:
				row.Action = ImportUnchanged
			case !in.Update:
				add(r.Line, "namespace", "A customer with namespace '%s' already exists on cluster '%s' ('%s'): choose to update existing customers to change it.", r.Namespace, cl.Name, cur.Name)
			default:
				row.Action, row.Changes = ImportUpdate, changes
				p.updates = append(p.updates, u)
			}
		}
		if bad[r.Line] {
			row.Action = ImportInvalid
		}
		p.preview.Rows = append(p.preview.Rows, row)
	}

	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	p.preview.Problems = problems
	if p.preview.Problems == nil {
		p.preview.Problems = []fleetcsv.Problem{}
	}
	for _, r := range p.preview.Rows {
		switch r.Action {
		case ImportCreate:
			p.preview.Create++
		case ImportUpdate:
			p.preview.Update++
		case ImportUnchanged:
			p.preview.Unchanged++
		}
	}
	p.preview.NewClusters = append(p.preview.NewClusters, p.newClusters...)
	return p, nil
}

// change is what a row changes on an existing customer: its name, its
// description when the cell is not empty, the metadata keys of its
// non-empty meta cells (checked as a form edit is: a value sent as the
// customer shows it is kept as stored).
func change(cur *existingCustomer, r fleetcsv.Row) (customerUpdate, []string, error) {
	u := customerUpdate{ID: cur.ID, Name: r.Name}
	var changes []string
	if r.Name != cur.Name {
		changes = append(changes, "name")
	}
	if r.Description != "" && r.Description != store.TextOf(cur.Description) {
		d := r.Description
		u.Description = &d
		changes = append(changes, "description")
	}
	if len(r.Meta) == 0 {
		return u, changes, nil
	}
	shown := vars.FormMetadata(cur.Metadata)
	edited := make(map[string]string, len(shown)+len(r.Meta))
	for k, v := range shown {
		edited[k] = v
	}
	set := map[string]string{}
	for _, k := range sortedKeys(r.Meta) {
		v := r.Meta[k]
		if old, ok := shown[k]; ok && old == v {
			continue
		}
		edited[k] = v
		set[k] = v
		changes = append(changes, "meta."+k)
	}
	if len(set) == 0 {
		return u, changes, nil
	}
	merged, err := vars.EditMetadata("meta", cur.Metadata, edited)
	if err != nil {
		return u, nil, err
	}
	u.Set = set
	whole, err := store.Metadata(merged).Value()
	if err != nil {
		return u, nil, err
	}
	if s, ok := whole.(string); ok {
		u.Whole = &s
	}
	return u, changes, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// loadClusters reads every cluster by the form in which names compare
// (validate.NameKey). Clusters are few.
func loadClusters(ctx context.Context, db bun.IDB) (map[string]store.Cluster, error) {
	var cs []store.Cluster
	if err := db.NewSelect().Model(&cs).Column("id", "name", "is_active").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load clusters: %w", err)
	}
	out := make(map[string]store.Cluster, len(cs))
	for _, c := range cs {
		out[validate.NameKey(c.Name)] = c
	}
	return out, nil
}

type clusterNamespace struct {
	cluster   int64
	namespace string
}

// loadCustomers reads the customers, active or archived, whose namespace
// the file names, in one query.
func loadCustomers(ctx context.Context, db bun.IDB, rows []fleetcsv.Row) (map[clusterNamespace]*existingCustomer, error) {
	seen := map[string]bool{}
	namespaces := []string{}
	for _, r := range rows {
		if !seen[r.Namespace] {
			seen[r.Namespace] = true
			namespaces = append(namespaces, r.Namespace)
		}
	}
	js, err := json.Marshal(namespaces)
	if err != nil {
		return nil, fmt.Errorf("encode namespaces: %w", err)
	}
	var list []existingCustomer
	if err := db.NewRaw(`SELECT id, cluster_id, namespace, name, description, coalesce(is_active, true) AS is_active, metadata
		FROM customers WHERE namespace IN `+textsOf(db), string(js)).Scan(ctx, &list); err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	out := make(map[clusterNamespace]*existingCustomer, len(list))
	for i := range list {
		c := &list[i]
		out[clusterNamespace{c.ClusterID, c.Namespace}] = c
	}
	return out, nil
}

// write creates the new clusters, inserts the new customers and updates
// the changed ones: one statement each, whatever the number of rows
// (docs/design.md, "Activation", says why).
func (p importPlan) write(ctx context.Context, tx bun.Tx, now int64) (ImportResult, error) {
	out := ImportResult{Created: len(p.creates), Updated: len(p.updates), Unchanged: p.preview.Unchanged, ClustersCreated: p.newClusters}
	ids := map[string]int64{}
	if len(p.newClusters) > 0 {
		js, err := json.Marshal(p.newClusters)
		if err != nil {
			return out, fmt.Errorf("encode new clusters: %w", err)
		}
		q := `INSERT INTO clusters (name, is_active, created_at, updated_at)
			SELECT value, true, ?, ? FROM json_each(?) ORDER BY key`
		if store.Postgres(tx) {
			q = `INSERT INTO clusters (name, is_active, created_at, updated_at)
			SELECT j.value, true, ?, ? FROM jsonb_array_elements_text(CAST(? AS jsonb)) WITH ORDINALITY AS j(value, key) ORDER BY j.key`
		}
		if _, err := tx.ExecContext(ctx, q, now, now, string(js)); err != nil {
			if store.IsUnique(err) {
				return out, problem.Conflict("cluster", "A cluster the file names was created meanwhile: check the file again.")
			}
			return out, fmt.Errorf("create clusters: %w", err)
		}
		var created []store.Cluster
		if err := tx.NewSelect().Model(&created).Column("id", "name").Where("name IN "+textsOf(tx), string(js)).Scan(ctx); err != nil {
			return out, fmt.Errorf("read created clusters: %w", err)
		}
		for _, c := range created {
			ids[c.Name] = c.ID
		}
	}

	if len(p.creates) > 0 {
		type row struct {
			Cluster     int64   `json:"c"`
			Namespace   string  `json:"ns"`
			Name        string  `json:"n"`
			Description *string `json:"d"`
			Metadata    *string `json:"m"`
		}
		list := make([]row, len(p.creates))
		for i, c := range p.creates {
			id := c.clusterID
			if id == 0 {
				id = ids[c.clusterName]
			}
			list[i] = row{Cluster: id, Namespace: c.namespace, Name: c.name, Description: store.Text(c.description)}
			v, err := c.metadata.Value()
			if err != nil {
				return out, err
			}
			if s, ok := v.(string); ok {
				list[i].Metadata = &s
			}
		}
		js, err := json.Marshal(list)
		if err != nil {
			return out, fmt.Errorf("encode new customers: %w", err)
		}
		q := `INSERT INTO customers (cluster_id, namespace, name, description, is_active, metadata, created_at, updated_at)
			SELECT j.value ->> '$.c', j.value ->> '$.ns', j.value ->> '$.n', j.value ->> '$.d', true, j.value ->> '$.m', ?, ?
			FROM json_each(?) j ORDER BY j.key`
		if store.Postgres(tx) {
			q = `INSERT INTO customers (cluster_id, namespace, name, description, is_active, metadata, created_at, updated_at)
			SELECT (j.value ->> 'c')::bigint, j.value ->> 'ns', j.value ->> 'n', j.value ->> 'd', true, (j.value ->> 'm')::jsonb, ?, ?
			FROM jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS j(value, key) ORDER BY j.key`
		}
		if _, err := tx.ExecContext(ctx, q, now, now, string(js)); err != nil {
			if store.IsUnique(err) {
				return out, problem.Conflict("namespace", "A customer the file names was created meanwhile: check the file again.")
			}
			return out, fmt.Errorf("insert customers: %w", err)
		}
	}

	if len(p.updates) > 0 {
		js, err := json.Marshal(p.updates)
		if err != nil {
			return out, fmt.Errorf("encode customer updates: %w", err)
		}
		// Metadata keys are set with json_patch, so every other value stays
		// exactly as stored (a number written by another app keeps its
		// text); a stored text that is not a JSON object is replaced by the
		// whole object Go merged, which keeps it under "value".
		q := `UPDATE customers SET
				name = j.value ->> '$.n',
				description = coalesce(j.value ->> '$.d', customers.description),
				metadata = CASE
					WHEN json_type(j.value, '$.set') IS NOT 'object' THEN customers.metadata
					WHEN coalesce(json_valid(customers.metadata), 0) = 0 THEN j.value ->> '$.whole'
					WHEN json_type(customers.metadata) = 'object' THEN json_patch(customers.metadata, j.value -> '$.set')
					ELSE j.value ->> '$.whole' END,
				updated_at = ?
			FROM json_each(?) j WHERE customers.id = j.value ->> '$.id'`
		// jsonb is always valid JSON, and || sets the keys as json_patch
		// does (the values set are strings, never null).
		if store.Postgres(tx) {
			q = `UPDATE customers SET
				name = j.value ->> 'n',
				description = coalesce(j.value ->> 'd', customers.description),
				metadata = CASE
					WHEN jsonb_typeof(j.value -> 'set') IS DISTINCT FROM 'object' THEN customers.metadata
					WHEN jsonb_typeof(customers.metadata) = 'object' THEN customers.metadata || (j.value -> 'set')
					ELSE (j.value ->> 'whole')::jsonb END,
				updated_at = ?
			FROM jsonb_array_elements(CAST(? AS jsonb)) AS j(value) WHERE customers.id = (j.value ->> 'id')::bigint`
		}
		if _, err := tx.ExecContext(ctx, q, now, string(js)); err != nil {
			return out, fmt.Errorf("update customers: %w", err)
		}
	}
	return out, nil
}

// textsOf is the subquery of the strings of the JSON array bound to its
// placeholder.
func textsOf(db bun.IDB) string {
	if store.Postgres(db) {
		return "(SELECT jsonb_array_elements_text(CAST(? AS jsonb)))"
	}
	return "(SELECT value FROM json_each(?))"
}
