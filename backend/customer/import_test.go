package customer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/fleetcsv"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// fleetFile is a customers file of n rows over four clusters, with two
// metadata columns; bad maps a 0-based row to the record written instead.
func fleetFile(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString("cluster,namespace,name,description,meta.tier,meta.region\n")
	for i := range n {
		if rec, ok := bad[i]; ok {
			b.WriteString(rec + "\n")
			continue
		}
		fmt.Fprintf(&b, "prod-%d,tenant-%05d,Customer %05d,\"Shop %d, founded 19%02d\",%s,eu-%d\n", i%4, i, i, i, i%100, []string{"gold", "silver", "bronze"}[i%3], i%4)
	}
	return b.String()
}

func count(t testing.TB, st *store.Store, table string) string {
	t.Helper()
	return rawText(t, st, `SELECT count(*) FROM `+table)
}

func lines(ps []fleetcsv.Problem) []int {
	out := []int{}
	for _, p := range ps {
		out = append(out, p.Line)
	}
	return out
}

func TestImportRefusesAFileWithProblemsAndWritesNothing(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	for i := range 4 {
		mustOK[cluster.Cluster](t)(cls.Create(cluster.Input{Name: fmt.Sprintf("prod-%d", i)}))
	}
	// Three bad rows among 2,000: a namespace Kubernetes refuses (found by
	// the parser), a namespace given twice (the parser), a cluster that
	// does not exist (the database). Row i is on line i+2.
	bad := map[int]string{
		99:   "prod-1,Tenant_99,Customer 99,,gold,eu-1",
		700:  "prod-0,tenant-00004,Again,,gold,eu-0",
		1500: "prod-9,tenant-01500,Customer 1500,,gold,eu-9",
	}
	file := fleetFile(2000, bad)
	before := testdb.Dump(t, st)
	in := customer.ImportInput{CSV: file}
	p, err := svc.ImportPreview(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(p.Problems); !reflect.DeepEqual(got, []int{101, 702, 1502}) {
		t.Fatalf("problems on lines %v, want 101, 702, 1502: %+v", got, p.Problems)
	}
	wantCols := []string{"namespace", "namespace", "cluster"}
	for i, pr := range p.Problems {
		if pr.Column != wantCols[i] || pr.Message == "" {
			t.Errorf("problem %d: %+v, want column %s", i, pr, wantCols[i])
		}
	}
	if !strings.Contains(p.Problems[1].Message, "already on line 6") || !strings.Contains(p.Problems[2].Message, "Cluster 'prod-9' does not exist") {
		t.Fatalf("messages %+v", p.Problems)
	}
	if len(p.Rows) != 2000 || p.Create != 1997 || p.Rows[99].Action != customer.ImportInvalid || p.Rows[1500].Action != customer.ImportInvalid || p.Rows[0].Action != customer.ImportCreate {
		t.Fatalf("rows %d, create %d, row 100 %+v", len(p.Rows), p.Create, p.Rows[99])
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("the preview wrote")
	}
	_, err = svc.Import(in)
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != problem.CodeInvalid || !strings.Contains(pe.Message, "The file has 3 problems, so nothing was imported. The first, line 101: ") {
		t.Fatalf("import of a bad file: %v", err)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("a refused import wrote")
	}

	// The fixed file imports whole; the missing cluster is created on request.
	delete(bad, 99)
	delete(bad, 700)
	fixed := fleetFile(2000, bad)
	in = customer.ImportInput{CSV: fixed, CreateClusters: true}
	if p, err = svc.ImportPreview(in); err != nil || len(p.Problems) != 0 || p.Create != 2000 || !reflect.DeepEqual(p.NewClusters, []string{"prod-9"}) || !p.Rows[1500].NewCluster {
		t.Fatalf("fixed preview %+v %v", p.Problems, err)
	}
	res, err := svc.Import(in)
	if err != nil || res.Created != 2000 || res.Updated != 0 || !reflect.DeepEqual(res.ClustersCreated, []string{"prod-9"}) {
		t.Fatalf("import %+v %v", res, err)
	}
	if n := count(t, st, "customers"); n != "2000" {
		t.Fatalf("%s customers", n)
	}
	if n := count(t, st, "clusters"); n != "5" {
		t.Fatalf("%s clusters", n)
	}
	if n := count(t, st, "step_history"); n != "0" {
		t.Fatalf("an import wrote %s history rows", n)
	}
	id := rawText(t, st, `SELECT id FROM customers WHERE namespace = 'tenant-00005'`)
	n, _ := strconv.ParseInt(id, 10, 64)
	got := rawText(t, st, `SELECT cl.name || '|' || cu.name || '|' || cu.description || '|' || CASE WHEN cu.is_active THEN 'active' ELSE 'archived' END || '|' || cu.created_at
		FROM customers cu JOIN clusters cl ON cl.id = cu.cluster_id WHERE cu.id = ?`, n) + "|" + storedMetadata(t, st, n)
	if want := fmt.Sprintf(`prod-1|Customer 00005|Shop 5, founded 1905|active|%d|{"region":"eu-1","tier":"bronze"}`, testdb.Clock.Unix()); got != want {
		t.Fatalf("row 5 stored as %s, want %s", got, want)
	}
	// The same file again: every row is there already, nothing to do.
	if p, err = svc.ImportPreview(in); err != nil || len(p.Problems) != 0 || p.Unchanged != 2000 || len(p.NewClusters) != 0 {
		t.Fatalf("second preview: %d unchanged, %+v %v", p.Unchanged, p.Problems, err)
	}
}

func TestImportUpdateChangesOnlyWhatTheFileSays(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	eu := mustOK[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-eu"}))
	acme := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "acme", Name: "Acme", Description: "Since 2019", Metadata: map[string]string{"tier": "gold", "owner": "ana"}}))
	globex := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "globex", Name: "Globex", Description: "Big"}))
	initech := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "initech", Name: "Initech", Metadata: map[string]string{"tier": "silver"}}))
	// A value another app wrote as a number, untouched by the file.
	rawExec(t, st, `UPDATE customers SET metadata = '{"tier":"silver","replicas":3}' WHERE id = ?`, initech.ID)
	rawExec(t, st, `UPDATE customers SET updated_at = 1 WHERE true`)

	file := "cluster,namespace,name,description,meta.tier,meta.region\n" +
		"prod-eu,acme,Acme,,platinum,\n" + // one key changes; owner stays; description stays
		"prod-eu,globex,Globex Corp,,,\n" + // renamed
		"prod-eu,initech,Initech,,silver,\n" + // nothing changes
		"prod-eu,umbrella,Umbrella,New,gold,us\n" // a new customer

	// Without update mode the rows that would change are problems.
	before := testdb.Dump(t, st)
	p, err := svc.ImportPreview(customer.ImportInput{CSV: file})
	if err != nil || !reflect.DeepEqual(lines(p.Problems), []int{2, 3}) || !strings.Contains(p.Problems[0].Message, "choose to update existing customers") {
		t.Fatalf("create-only preview %+v %v", p.Problems, err)
	}
	if p.Rows[2].Action != customer.ImportUnchanged || p.Rows[3].Action != customer.ImportCreate {
		t.Fatalf("rows %+v", p.Rows)
	}
	if testdb.Dump(t, st) != before {
		t.Fatal("preview wrote")
	}

	in := customer.ImportInput{CSV: file, Update: true}
	p, err = svc.ImportPreview(in)
	if err != nil || len(p.Problems) != 0 || p.Update != 2 || p.Create != 1 || p.Unchanged != 1 {
		t.Fatalf("update preview %+v %v", p, err)
	}
	if !reflect.DeepEqual(p.Rows[0].Changes, []string{"meta.tier"}) || !reflect.DeepEqual(p.Rows[1].Changes, []string{"name"}) || p.Rows[0].CustomerID != acme.ID {
		t.Fatalf("changes %+v", p.Rows)
	}
	res, err := svc.Import(in)
	if err != nil || res.Created != 1 || res.Updated != 2 || res.Unchanged != 1 {
		t.Fatalf("import %+v %v", res, err)
	}
	check := func(id int64, want string) {
		t.Helper()
		got := rawText(t, st, `SELECT name || '|' || coalesce(description, 'NULL') FROM customers WHERE id = ?`, id) + "|" +
			storedMetadata(t, st, id) + "|" + rawText(t, st, `SELECT updated_at FROM customers WHERE id = ?`, id)
		if i, j := strings.Index(want, "{"), strings.LastIndex(want, "}"); testdb.Engine == "postgres" && i >= 0 {
			var v map[string]any
			if err := json.Unmarshal([]byte(want[i:j+1]), &v); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v) // jsonb keeps no order of its own: compare as storedMetadata shows it
			want = want[:i] + string(b) + want[j+1:]
		}
		if got != want {
			t.Errorf("customer %d is %s, want %s", id, got, want)
		}
	}
	now := testdb.Clock.Unix()
	check(acme.ID, fmt.Sprintf(`Acme|Since 2019|{"owner":"ana","tier":"platinum"}|%d`, now))
	check(globex.ID, fmt.Sprintf(`Globex Corp|Big|NULL|%d`, now))
	check(initech.ID, `Initech|NULL|{"tier":"silver","replicas":3}|1`) // as the other app wrote it
	umbrella, _ := strconv.ParseInt(rawText(t, st, `SELECT id FROM customers WHERE namespace = 'umbrella'`), 10, 64)
	if got := rawText(t, st, `SELECT name || '|' || description FROM customers WHERE id = ?`, umbrella) + "|" + storedMetadata(t, st, umbrella); got != `Umbrella|New|{"region":"us","tier":"gold"}` {
		t.Fatalf("umbrella %s", got)
	}

	// Setting a key on the customer with a number keeps the number as stored.
	res, err = svc.Import(customer.ImportInput{CSV: "cluster,namespace,name,meta.region\nprod-eu,initech,Initech,eu\n", Update: true})
	if err != nil || res.Updated != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	check(initech.ID, fmt.Sprintf(`Initech|NULL|{"tier":"silver","replicas":3,"region":"eu"}|%d`, now))
	// A cell equal to the number's text is no change.
	if p, err := svc.ImportPreview(customer.ImportInput{CSV: "cluster,namespace,name,meta.replicas\nprod-eu,initech,Initech,3\n", Update: true}); err != nil || p.Unchanged != 1 {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestImportReadsSpreadsheetFiles(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	mustOK[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "Zürich"})) // NFC
	// Excel's "CSV UTF-8" in a German locale: a byte order mark,
	// semicolons, CRLF, a quoted value holding the separator, a quote and
	// a line break. The cluster is written decomposed (NFD).
	file := "\ufeffcluster;namespace;name;description;meta.contact\r\n" +
		"Zu\u0308rich;acme;\"Acme; \"\"the\"\" shop\";\"Line one\r\nline two\";\"Ana <ana@acme.example>; on call\"\r\n" +
		"Zu\u0308rich;globex;Globex;;\r\n" +
		";;;;\r\n"
	in := customer.ImportInput{CSV: file}
	p, err := svc.ImportPreview(in)
	if err != nil || len(p.Problems) != 0 || p.Create != 2 || len(p.NewClusters) != 0 || p.Rows[1].Line != 4 {
		t.Fatalf("preview %+v %v", p, err)
	}
	if _, err := svc.Import(in); err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(rawText(t, st, `SELECT id FROM customers WHERE namespace = 'acme'`), 10, 64)
	_, contact := jsonAt(t, st, id, "contact")
	got := rawText(t, st, `SELECT name || '|' || description FROM customers WHERE id = ?`, id) + "|" + contact
	// encoding/csv reads a quoted CRLF as a line feed.
	if want := "Acme; \"the\" shop|Line one\nline two|Ana <ana@acme.example>; on call"; got != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
	if n := count(t, st, "clusters"); n != "1" {
		t.Fatalf("the decomposed name made a new cluster (%s clusters)", n)
	}

	// The export reads back as the same fleet.
	out, err := svc.Export()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "cluster,namespace,name,description,meta.contact\n") || !strings.Contains(out, "\"Acme; \"\"the\"\" shop\"") {
		t.Fatalf("export:\n%s", out)
	}
	if p, err := svc.ImportPreview(customer.ImportInput{CSV: out, Update: true}); err != nil || p.Unchanged != 2 || len(p.Problems) != 0 {
		t.Fatalf("export read back: %+v %v", p, err)
	}
}

func TestImportRefusals(t *testing.T) {
	st := testdb.Open(t)
	cls, svc := cluster.NewService(st), customer.NewService(st)
	eu := mustOK[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "prod-eu"}))
	old := mustOK[cluster.Cluster](t)(cls.Create(cluster.Input{Name: "old"}))
	mustOK[cluster.Cluster](t)(cls.Archive(old.ID))
	gone := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: eu.ID, Namespace: "gone", Name: "Gone"}))
	mustOK[customer.Customer](t)(svc.Archive(gone.ID))
	many := strings.Builder{}
	many.WriteString("cluster,namespace,name")
	for i := range 101 {
		fmt.Fprintf(&many, ",meta.k%03d", i)
	}
	many.WriteString("\nprod-eu,wide,Wide" + strings.Repeat(",v", 101) + "\n")

	cases := []struct {
		name, file      string
		update, create  bool
		line            int
		column, message string
	}{
		{"archived cluster", "cluster,namespace,name\nold,x,X\n", false, true, 2, "cluster", "Cluster 'old' is archived: restore it before importing customers onto it."},
		{"missing cluster", "cluster,namespace,name\nprod-us,x,X\n", false, false, 2, "cluster", "Cluster 'prod-us' does not exist: create it first, or choose to create missing clusters."},
		{"archived customer", "cluster,namespace,name\nprod-eu,gone,Gone\n", true, false, 2, "namespace", "A customer with namespace 'gone' already exists on cluster 'prod-eu' (archived: 'Gone'): restore it before importing it."},
		{"too many keys", many.String(), false, false, 2, "", "Metadata can have at most 100 keys (it has 101)."},
		{"bad name", "cluster,namespace,name\nprod-eu,x,\"a\u202eb\"\n", false, false, 2, "name", "Name"},
		{"no name column", "cluster,namespace\nprod-eu,x\n", false, false, 1, "name", "The header has no 'name' column"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := testdb.Dump(t, st)
			in := customer.ImportInput{CSV: c.file, Update: c.update, CreateClusters: c.create}
			p, err := svc.ImportPreview(in)
			if err != nil || len(p.Problems) != 1 {
				t.Fatalf("preview %+v %v", p.Problems, err)
			}
			if pr := p.Problems[0]; pr.Line != c.line || pr.Column != c.column || !strings.Contains(pr.Message, c.message) {
				t.Fatalf("problem %+v, want line %d column %q %q", pr, c.line, c.column, c.message)
			}
			if _, err := svc.Import(in); err == nil {
				t.Fatal("import of a file with a problem worked")
			}
			if testdb.Dump(t, st) != before {
				t.Fatal("a refused import wrote")
			}
		})
	}

	for _, c := range []struct{ name, file, want string }{
		{"empty", "\ufeff \n", "The file is empty"},
		{"too large", strings.Repeat("x", customer.MaxImportBytes+1), "The file has 21 MB, far more than a customers file holds (at most 20 MB)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.ImportPreview(customer.ImportInput{CSV: c.file})
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Field != "csv" || !strings.Contains(pe.Message, c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
		})
	}
}

// BenchmarkImportCustomers imports 2,000 customers with two metadata
// columns into an empty workspace with its clusters: parsing, every check
// and the one transaction (issue 15: at most 2 s).
func BenchmarkImportCustomers(b *testing.B) {
	file := fleetFile(2000, nil)
	for b.Loop() {
		b.StopTimer()
		st := testdb.Open(b)
		for i := range 4 {
			if _, err := cluster.NewService(st).Create(cluster.Input{Name: fmt.Sprintf("prod-%d", i)}); err != nil {
				b.Fatal(err)
			}
		}
		svc := customer.NewService(st)
		b.StartTimer()
		res, err := svc.Import(customer.ImportInput{CSV: file})
		if err != nil || res.Created != 2000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

// BenchmarkImportPreviewUpdate previews 2,000 rows that all match existing
// customers in update mode (the heavier path: every row is compared).
func BenchmarkImportPreviewUpdate(b *testing.B) {
	st := testdb.Open(b)
	for i := range 4 {
		if _, err := cluster.NewService(st).Create(cluster.Input{Name: fmt.Sprintf("prod-%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	svc := customer.NewService(st)
	file := fleetFile(2000, nil)
	if _, err := svc.Import(customer.ImportInput{CSV: file}); err != nil {
		b.Fatal(err)
	}
	changed := strings.ReplaceAll(file, ",gold,", ",platinum,")
	for b.Loop() {
		p, err := svc.ImportPreview(customer.ImportInput{CSV: changed, Update: true})
		if err != nil || p.Update == 0 {
			b.Fatalf("%+v %v", p.Update, err)
		}
	}
}
