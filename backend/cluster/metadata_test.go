package cluster_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"shipdeck/backend/cluster"
	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

func clusterMetaRaw(t *testing.T, st *store.Store, q string, args ...any) string {
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

func TestClusterMetadata(t *testing.T) {
	st := testdb.Open(t)
	svc := cluster.NewService(st)
	c, err := svc.Create(cluster.Input{Name: "prod-eu", Metadata: map[string]string{"region": "eu-central-1", "provider": "aws"}})
	if err != nil || !reflect.DeepEqual(c.Metadata, map[string]string{"region": "eu-central-1", "provider": "aws"}) {
		t.Fatalf("created %+v %v", c, err)
	}
	if l, _ := svc.List(false); len(l) != 1 || l[0].Metadata["provider"] != "aws" {
		t.Fatalf("list %+v", l)
	}
	if d, _ := svc.Get(c.ID); d.Cluster.Metadata["region"] != "eu-central-1" {
		t.Fatalf("get %+v", d)
	}
	// A value another app stored as a number is shown as text and kept
	// while the form sends it back unchanged.
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), `UPDATE clusters SET metadata = '{"region":"eu-central-1","nodes":12,"gpu":false}' WHERE id = ?`, c.ID); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.Get(c.ID)
	if !reflect.DeepEqual(d.Cluster.Metadata, map[string]string{"region": "eu-central-1", "nodes": "12", "gpu": "false"}) {
		t.Fatalf("shown %v", d.Cluster.Metadata)
	}
	edit := map[string]string{"region": "eu-west-1", "nodes": "12", "gpu": "false"}
	if _, err := svc.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu", Metadata: edit}); err != nil {
		t.Fatal(err)
	}
	// Stored as JSON of the types the text reads as (each engine names them).
	q, want := `SELECT json_type(metadata, '$.nodes') || json_type(metadata, '$.gpu') || json_extract(metadata, '$.region') FROM clusters WHERE id = ?`, "integerfalseeu-west-1"
	if testdb.Engine == "postgres" {
		q, want = `SELECT jsonb_typeof(metadata->'nodes') || jsonb_typeof(metadata->'gpu') || (metadata->>'region') FROM clusters WHERE id = ?`, "numberbooleaneu-west-1"
	}
	if got := clusterMetaRaw(t, st, q, c.ID); got != want {
		t.Fatalf("stored %s", got)
	}
	// nil leaves the metadata alone.
	if c, _ = svc.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu"}); len(c.Metadata) != 3 {
		t.Fatalf("nil metadata changed it: %v", c.Metadata)
	}
}

func TestClusterMetadataRefusals(t *testing.T) {
	st := testdb.Open(t)
	svc := cluster.NewService(st)
	c, err := svc.Create(cluster.Input{Name: "prod-eu"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		meta map[string]string
		want string
	}{
		{"empty key", map[string]string{" ": "x"}, "Metadata keys cannot be empty."},
		{"bad key", map[string]string{"Region": "x"}, "Metadata key 'Region' must start with a lower-case letter and use only lower-case letters, digits and '_'."},
		{"long key", map[string]string{strings.Repeat("a", 65): "x"}, "must be at most 64 characters (it has 65)."},
		{"long value", map[string]string{"a": strings.Repeat("x", 4097)}, "The value of metadata key 'a' must be at most 4096 bytes (it has 4097)."},
		{"control character", map[string]string{"a": "\x07"}, "contains a control character that cannot be stored."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := testdb.Dump(t, st)
			for _, call := range []func() error{
				func() error { _, err := svc.Create(cluster.Input{Name: "other", Metadata: tc.meta}); return err },
				func() error {
					_, err := svc.Update(cluster.UpdateInput{ID: c.ID, Name: "prod-eu", Metadata: tc.meta})
					return err
				},
			} {
				var pe *problem.Error
				if err := call(); !errors.As(err, &pe) || pe.Field != "metadata" || !strings.Contains(pe.Message, tc.want) {
					t.Fatalf("want %q, got %v", tc.want, err)
				}
			}
			if testdb.Dump(t, st) != before {
				t.Fatal("a refused call changed the database")
			}
		})
	}
}
