package customer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/customer"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

// rawExec runs SQL on the test database as another program would.
func rawExec(t testing.TB, st *store.Store, q string, args ...any) {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// rawText reads one value as text.
func rawText(t testing.TB, st *store.Store, q string, args ...any) string {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	var s *string
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	if s == nil {
		return "NULL"
	}
	return *s
}

func mustOK[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestCustomerMetadataRoundTrip(t *testing.T) {
	st := testdb.Open(t)
	cl := mustOK[cluster.Cluster](t)(cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"}))
	svc := customer.NewService(st)
	c := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: cl.ID, Namespace: "acme", Name: "Acme",
		Metadata: map[string]string{" region ": "eu-central", "tier": "gold", "note": "two\nlines"}}))
	want := map[string]string{"region": "eu-central", "tier": "gold", "note": "two\nlines"}
	if !reflect.DeepEqual(c.Metadata, want) {
		t.Fatalf("created with %v, want %v", c.Metadata, want)
	}
	if got := storedMetadata(t, st, c.ID); got != `{"note":"two\nlines","region":"eu-central","tier":"gold"}` {
		t.Fatalf("stored %s", got)
	}
	d := mustOK[customer.Detail](t)(svc.Get(c.ID))
	if !reflect.DeepEqual(d.Customer.Metadata, want) {
		t.Fatalf("get %v", d.Customer.Metadata)
	}
	// An edit removes one key, changes one, adds one.
	c = mustOK[customer.Customer](t)(svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme",
		Metadata: map[string]string{"region": "eu-west", "note": "two\nlines", "owner": "ops"}}))
	if want := map[string]string{"region": "eu-west", "note": "two\nlines", "owner": "ops"}; !reflect.DeepEqual(c.Metadata, want) {
		t.Fatalf("updated %v", c.Metadata)
	}
	// nil leaves it; an empty map removes it.
	c = mustOK[customer.Customer](t)(svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme"}))
	if len(c.Metadata) != 3 {
		t.Fatalf("nil metadata changed it: %v", c.Metadata)
	}
	c = mustOK[customer.Customer](t)(svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme", Metadata: map[string]string{}}))
	if c.Metadata == nil || len(c.Metadata) != 0 {
		t.Fatalf("emptied %v", c.Metadata)
	}
	if got := rawText(t, st, `SELECT metadata FROM customers WHERE id = ?`, c.ID); got != "NULL" {
		t.Fatalf("empty metadata stored as %s", got)
	}
}

// metadataRefusals are the messages of vars.Metadata as a form meets them.
func metadataRefusals() []struct {
	name string
	meta map[string]string
	want string
} {
	many := map[string]string{}
	for i := range 101 {
		many[fmt.Sprintf("k%03d", i)] = "v"
	}
	return []struct {
		name string
		meta map[string]string
		want string
	}{
		{"empty key", map[string]string{"": "x"}, "Metadata keys cannot be empty."},
		{"upper-case key", map[string]string{"Region": "eu"}, "Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'."},
		{"dash in key", map[string]string{"team-name": "x"}, "Metadata key 'team-name' must start with a lower-case letter"},
		{"key too long", map[string]string{strings.Repeat("k", 65): "x"}, "must be at most 64 characters (it has 65)."},
		{"key twice", map[string]string{"tier": "a", " tier": "b"}, "Metadata key 'tier' is given twice."},
		{"101 keys", many, "Metadata can have at most 100 keys (it has 101)."},
		{"value too long", map[string]string{"note": strings.Repeat("a", 4097)}, "The value of metadata key 'note' must be at most 4096 bytes (it has 4097)."},
		{"control character", map[string]string{"note": "a\x00b"}, "The value of metadata key 'note' contains a control character that cannot be stored."},
		{"not text", map[string]string{"note": "\xff"}, "The value of metadata key 'note' contains characters that are not valid text."},
	}
}

func TestCustomerMetadataRefusals(t *testing.T) {
	st := testdb.Open(t)
	cl := mustOK[cluster.Cluster](t)(cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"}))
	svc := customer.NewService(st)
	c := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: cl.ID, Namespace: "acme", Name: "Acme"}))
	for _, tc := range metadataRefusals() {
		for _, op := range []string{"create", "update"} {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				before := testdb.Dump(t, st)
				var err error
				if op == "create" {
					_, err = svc.Create(customer.Input{ClusterID: cl.ID, Namespace: "other", Name: "Other", Metadata: tc.meta})
				} else {
					_, err = svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme", Metadata: tc.meta})
				}
				var pe *problem.Error
				if !errors.As(err, &pe) || pe.Code != problem.CodeInvalid || pe.Field != "metadata" || !strings.Contains(pe.Message, tc.want) {
					t.Fatalf("want invalid metadata %q, got %v", tc.want, err)
				}
				if testdb.Dump(t, st) != before {
					t.Fatal("a refused call changed the database")
				}
			})
		}
	}
}

// A database the specification's app wrote may hold metadata values that
// are not strings, and keys Shipdeck would refuse: the form shows them as
// text, and an edit that leaves them alone keeps them exactly.
func TestCustomerMetadataKeepsWhatAnotherAppWrote(t *testing.T) {
	st := testdb.Open(t)
	cl := mustOK[cluster.Cluster](t)(cluster.NewService(st).Create(cluster.Input{Name: "prod-eu"}))
	svc := customer.NewService(st)
	c := mustOK[customer.Customer](t)(svc.Create(customer.Input{ClusterID: cl.ID, Namespace: "acme", Name: "Acme"}))
	rawExec(t, st, `UPDATE customers SET metadata = ? WHERE id = ?`, `{"replicas": 3, "ha": true, "zones": ["a", "b"], "extra": null, "Region": "eu", "limits": {"cpu": 2}}`, c.ID)
	d := mustOK[customer.Detail](t)(svc.Get(c.ID))
	shown := map[string]string{"replicas": "3", "ha": "true", "zones": `["a","b"]`, "extra": "null", "Region": "eu", "limits": `{"cpu":2}`}
	if !reflect.DeepEqual(d.Customer.Metadata, shown) {
		t.Fatalf("shown %v, want %v", d.Customer.Metadata, shown)
	}
	edit := map[string]string{}
	for k, v := range shown {
		edit[k] = v
	}
	edit["tier"] = "gold"
	edit["Region"] = "eu-west" // a key another app wrote can still be edited
	mustOK[customer.Customer](t)(svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme", Metadata: edit}))
	for _, q := range []struct{ path, typ, value string }{
		{"$.replicas", "integer", "3"}, {"$.ha", "true", "1"}, {"$.zones", "array", `["a","b"]`}, {"$.extra", "null", "NULL"},
		{"$.limits", "object", `{"cpu":2}`}, {"$.Region", "text", "eu-west"}, {"$.tier", "text", "gold"},
	} {
		typ, value := jsonAt(t, st, c.ID, strings.TrimPrefix(q.path, "$."))
		got := typ + " " + value
		if got != q.typ+" "+q.value {
			t.Errorf("%s is %q, want %q", q.path, got, q.typ+" "+q.value)
		}
	}
	// An edited number becomes the text typed.
	edit["replicas"] = "4"
	mustOK[customer.Customer](t)(svc.Update(customer.UpdateInput{ID: c.ID, ClusterID: cl.ID, Namespace: "acme", Name: "Acme", Metadata: edit}))
	if got := func() string { typ, _ := jsonAt(t, st, c.ID, "replicas"); return typ }(); got != "text" {
		t.Fatalf("edited number stored as %s", got)
	}
}

// storedMetadata is customer id's metadata column as stored. SQLite keeps
// the text the app wrote (its keys sorted); PostgreSQL's jsonb keeps a
// value of its own layout, shown here as the same compact, sorted text.
func storedMetadata(t testing.TB, st *store.Store, id int64) string {
	t.Helper()
	raw := rawText(t, st, `SELECT metadata FROM customers WHERE id = ?`, id)
	if testdb.Engine != "postgres" || raw == "NULL" {
		return raw
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// jsonAt is the JSON type and value of metadata's key in customer id, in
// SQLite's words (json_type, json_extract): PostgreSQL's are mapped onto
// them ("number" with no fraction → "integer", a boolean → "true" or
// "false" with value 1 or 0, a string → "text").
func jsonAt(t testing.TB, st *store.Store, id int64, key string) (typ, value string) {
	t.Helper()
	if testdb.Engine != "postgres" {
		path := "$." + key
		return rawText(t, st, `SELECT json_type(metadata, ?) FROM customers WHERE id = ?`, path, id),
			rawText(t, st, `SELECT json_extract(metadata, ?) FROM customers WHERE id = ?`, path, id)
	}
	typ = rawText(t, st, `SELECT jsonb_typeof(metadata->?) FROM customers WHERE id = ?`, key, id)
	value = rawText(t, st, `SELECT metadata->>? FROM customers WHERE id = ?`, key, id)
	switch typ {
	case "number":
		if !strings.ContainsAny(value, ".eE") {
			typ = "integer"
		} else {
			typ = "real"
		}
	case "boolean":
		typ = value
		value = map[string]string{"true": "1", "false": "0"}[value]
	case "string":
		typ = "text"
	case "array", "object":
		var b bytes.Buffer
		_ = json.Compact(&b, []byte(value))
		value = b.String()
	}
	return typ, value
}
