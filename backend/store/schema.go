package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
)

// A database file's schema objects (tables, indexes, views, triggers) are
// what decides whether Shipdeck may use it: a trigger in a file runs with
// every write Shipdeck makes, so one that deletes step_history rows or sets
// executed_by would rewrite the record silently. Shipdeck therefore works
// only on files whose objects are exactly the ones its own migrations
// create (or the specification's app's), and finds out what a file holds
// before any connection that could write to it.

// Kind is what a database file is to Shipdeck.
type Kind int

const (
	// Empty is a file with no tables, indexes, views or triggers (a new or
	// 0-byte file).
	Empty Kind = iota
	// Shipdeck is a file with Shipdeck's version table.
	Shipdeck
	// Spec is a file the specification's app made: its five tables, no
	// version table of ours.
	Spec
	// Foreign is some other application's database.
	Foreign
)

// Inspection is what a database file holds, compared with the schema
// Shipdeck's migrations create for the version it records.
type Inspection struct {
	Kind Kind
	// Version is the schema version the file records (Spec: 1).
	Version int
	// Extra lists the objects Shipdeck did not create ("trigger wipe").
	Extra []string
	// Changed lists the objects of its version that are missing or differ
	// from the ones Shipdeck creates ("table clusters differs").
	Changed []string
	// Tables lists the tables of a Foreign file.
	Tables []string
}

// Sound says whether the file holds exactly what Shipdeck (or the
// specification's app) created, for a version this Shipdeck knows.
func (in Inspection) Sound() bool {
	switch in.Kind {
	case Empty:
		return true
	case Shipdeck, Spec:
		return len(in.Extra) == 0 && len(in.Changed) == 0 && in.Version <= SchemaVersion()
	}
	return false
}

// MissingTables lists the tables of its version that the file lacks.
func (in Inspection) MissingTables() []string {
	var out []string
	for _, c := range in.Changed {
		if t, ok := strings.CutPrefix(c, "table "); ok {
			if t, ok := strings.CutSuffix(t, " is missing"); ok {
				out = append(out, t)
			}
		}
	}
	return out
}

// schemaObject is one row of sqlite_master.
type schemaObject struct {
	Type, Name, Table, SQL string
}

func (o schemaObject) key() string { return o.Type + " " + strings.ToLower(o.Name) }

func (o schemaObject) String() string { return o.Type + " " + o.Name }

// drizzleTable is drizzle-orm's own bookkeeping: a file made by the
// specification's app has it, and keeps it when Shipdeck upgrades the file.
const drizzleTable = "__drizzle_migrations"

// versionTable records the migrations applied.
const versionTable = "schema_migrations"

func readObjects(ctx context.Context, db bun.IDB) ([]schemaObject, error) {
	// SQLite's own objects are left aside: the AUTOINCREMENT counters,
	// ANALYZE's statistics, and the indexes behind UNIQUE and PRIMARY KEY
	// constraints (which have no SQL of their own). Anything else counts,
	// even under the sqlite_ prefix: SQLite refuses that prefix for new
	// objects, but a file edited with writable_schema can carry one.
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE NOT (type = 'table' AND name IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat2', 'sqlite_stat3', 'sqlite_stat4'))
			AND NOT (type = 'index' AND name LIKE 'sqlite\_autoindex\_%' ESCAPE '\' AND sql IS NULL)
		ORDER BY type, name`)
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.Type, &o.Name, &o.Table, &o.SQL); err != nil {
			return nil, fmt.Errorf("read schema: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	return out, nil
}

// quiet is the logger of migrations applied to a database that is not the
// one the log is about.
var quiet = slog.New(slog.DiscardHandler)

var expected struct {
	sync.Mutex
	byVersion map[int][]schemaObject
}

// expectedSchema is the schema Shipdeck's migrations 1..version create,
// read from a database built in memory by the production code path (Apply),
// so it follows every migration added later without being written down.
func expectedSchema(ctx context.Context, version int) ([]schemaObject, error) {
	expected.Lock()
	defer expected.Unlock()
	if objs, ok := expected.byVersion[version]; ok {
		return objs, nil
	}
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	if version < 1 || version > len(ms) {
		return nil, fmt.Errorf("no schema version %d", version)
	}
	raw, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)&_pragma=trusted_schema(0)")
	if err != nil {
		return nil, fmt.Errorf("open reference schema: %w", err)
	}
	raw.SetMaxOpenConns(1) // every connection to :memory: is a database of its own
	db := bun.NewDB(raw, sqlitedialect.New())
	defer db.Close()
	if err := apply(ctx, db, ms[:version], nil, time.Unix(0, 0), quiet); err != nil {
		return nil, fmt.Errorf("build schema version %d: %w", version, err)
	}
	objs, err := readObjects(ctx, db)
	if err != nil {
		return nil, err
	}
	if expected.byVersion == nil {
		expected.byVersion = map[int][]schemaObject{}
	}
	expected.byVersion[version] = objs
	return objs, nil
}

// inspect compares what db holds with the schema of the version it
// records. It only reads.
func inspect(ctx context.Context, db bun.IDB) (Inspection, error) {
	objs, err := readObjects(ctx, db)
	if err != nil {
		return Inspection{}, err
	}
	if len(objs) == 0 {
		return Inspection{Kind: Empty}, nil
	}
	has := map[string]schemaObject{}
	for _, o := range objs {
		has[o.key()] = o
	}
	if _, ok := has["table "+versionTable]; ok {
		return inspectShipdeck(ctx, db, objs)
	}
	var tables, spec []string
	for _, o := range objs {
		if o.Type != "table" {
			continue
		}
		tables = append(tables, o.Name)
		for _, t := range specTables {
			if strings.EqualFold(o.Name, t) {
				spec = append(spec, t)
			}
		}
	}
	if len(spec) == 0 {
		return Inspection{Kind: Foreign, Tables: tables}, nil
	}
	// The specification's app: the schema of version 1. The foreign-key
	// indexes of version 2 may be there too (added by hand: migration 2
	// creates them only if missing).
	want, err := expectedSchema(ctx, baselineVersion)
	if err != nil {
		return Inspection{}, err
	}
	optional := map[string]bool{"table " + drizzleTable: true}
	if SchemaVersion() > baselineVersion {
		next, err := expectedSchema(ctx, baselineVersion+1)
		if err != nil {
			return Inspection{}, err
		}
		for _, o := range next {
			if o.Type == "index" {
				optional[o.key()] = true
			}
		}
	}
	var specWant []schemaObject
	for _, o := range want {
		if o.key() != "table "+versionTable {
			specWant = append(specWant, o)
		}
	}
	in := Inspection{Kind: Spec, Version: baselineVersion}
	in.Extra, in.Changed = compare(objs, specWant, optional)
	return in, nil
}

func inspectShipdeck(ctx context.Context, db bun.IDB, objs []schemaObject) (Inspection, error) {
	in := Inspection{Kind: Shipdeck}
	rows, err := db.QueryContext(ctx, "SELECT version FROM "+versionTable+" ORDER BY version")
	if err != nil {
		// A table of that name that is not ours.
		in.Changed = []string{"table " + versionTable + " differs"}
		return in, nil
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			in.Changed = []string{"table " + versionTable + " differs"}
			return in, nil
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("read applied migrations: %w", err)
	}
	if len(versions) > 0 {
		in.Version = versions[len(versions)-1]
	}
	if in.Version > SchemaVersion() {
		return in, nil // a newer Shipdeck's: its schema is unknown here
	}
	for i, v := range versions {
		if v != i+1 {
			in.Changed = []string{fmt.Sprintf("table %s records versions %s", versionTable, joinInts(versions))}
			return in, nil
		}
	}
	if in.Version == 0 {
		in.Changed = []string{"table " + versionTable + " is empty"}
		return in, nil
	}
	want, err := expectedSchema(ctx, in.Version)
	if err != nil {
		return in, err
	}
	in.Extra, in.Changed = compare(objs, want, map[string]bool{"table " + drizzleTable: true})
	return in, nil
}

// compare lists the objects of have that want does not hold (optional ones
// aside), and the objects of want that have lacks or defines differently.
func compare(have, want []schemaObject, optional map[string]bool) (extra, changed []string) {
	wanted := map[string]schemaObject{}
	for _, o := range want {
		wanted[o.key()] = o
	}
	present := map[string]bool{}
	for _, o := range have {
		present[o.key()] = true
		w, ok := wanted[o.key()]
		switch {
		case ok && (!strings.EqualFold(w.Table, o.Table) || normalizeSQL(w.SQL) != normalizeSQL(o.SQL)):
			changed = append(changed, o.String()+" differs")
		case !ok && !optional[o.key()]:
			extra = append(extra, o.String())
		case !ok && optional[o.key()] && o.Type == "index":
			// An optional index must still be the one Shipdeck would make.
			if normalizeSQL(optionalSQL(o)) != normalizeSQL(o.SQL) {
				changed = append(changed, o.String()+" differs")
			}
		}
	}
	for _, w := range want {
		if !present[w.key()] {
			changed = append(changed, w.String()+" is missing")
		}
	}
	sort.Strings(extra)
	sort.Strings(changed)
	return extra, changed
}

// optionalSQL is the definition Shipdeck's migrations give an optional
// index (the foreign-key indexes a specification file may already have).
func optionalSQL(o schemaObject) string {
	next, err := expectedSchema(context.Background(), baselineVersion+1)
	if err != nil {
		return ""
	}
	for _, w := range next {
		if w.key() == o.key() {
			return w.SQL
		}
	}
	return ""
}

// normalizeSQL reduces a CREATE statement to what it means, so that the
// same definition written by drizzle-kit and by Shipdeck's migrations
// compares equal: identifier quotes dropped, comments and runs of
// whitespace reduced, keywords lower case; string literals kept as they
// are.
func normalizeSQL(s string) string {
	var b strings.Builder
	space := false
	punct := func(c byte) bool { return strings.IndexByte("(),;=.", c) >= 0 }
	var last byte
	emit := func(c byte) {
		if space && b.Len() > 0 && !punct(last) && !punct(c) {
			b.WriteByte(' ')
		}
		space = false
		b.WriteByte(c)
		last = c
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(s))
			emit(s[i])
			b.WriteString(s[i+1 : end])
			last = '\''
			i = end - 1
		case c == '`' || c == '"' || c == '[' || c == ']':
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			space = true
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			space = true
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += end + 3
			}
			space = true
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			emit(c)
		}
	}
	return b.String()
}

func joinInts(vs []int) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}

// inspectDSN opens path for reading only, with no schema code trusted: it
// never writes the file (not even its header, as switching to WAL would).
// With no WAL and no rollback journal beside it, the file holds all there
// is and is read as immutable, so not even the shared-memory and WAL files
// a WAL-mode reader makes are created beside it (a file that is refused
// is left exactly as it was, alone in its folder).
func inspectDSN(path string) string {
	d := FileURI(path) + "?mode=ro&_pragma=trusted_schema(0)&_pragma=query_only(1)&_pragma=busy_timeout(" + busyMillis + ")"
	if !exists(path+"-wal") && !exists(path+"-journal") {
		d += "&immutable=1"
	}
	return d
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// ReadDSN is the driver's name for reading the database file at path
// without writing it, with no schema code trusted.
func ReadDSN(path string) string { return inspectDSN(path) }

// InspectFile reports what the database file at path holds, reading it
// only. An error means it could not be read as a database (its cause is
// SQLite's: not a database, damaged, locked by another program).
func InspectFile(ctx context.Context, path string) (Inspection, error) {
	raw, err := sql.Open("sqlite", inspectDSN(path))
	if err != nil {
		return Inspection{}, fmt.Errorf("open file to inspect: %w", err)
	}
	raw.SetMaxOpenConns(1)
	db := bun.NewDB(raw, sqlitedialect.New())
	defer db.Close()
	return inspect(ctx, db)
}
