package release

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"shipdeck/backend/internal/testdb"
	"shipdeck/backend/problem"
	"shipdeck/backend/store"
)

func (f *fixture) metadataText(q string, args ...any) string {
	f.t.Helper()
	db, err := f.st.DB()
	noErr(f.t, err)
	var s *string
	noErr(f.t, db.QueryRowContext(context.Background(), q, args...).Scan(&s))
	if s == nil {
		return "NULL"
	}
	return *s
}

// replicasType is the JSON type release id's metadata stores "replicas"
// as, in SQLite's words ("integer"; PostgreSQL says "number").
func (f *fixture) replicasType(id int64) string {
	f.t.Helper()
	db, _ := f.st.DB()
	if store.Postgres(db) {
		got := f.metadataText(`SELECT jsonb_typeof(metadata->'replicas') FROM releases WHERE id = ?`, id)
		if got == "number" && f.metadataText(`SELECT metadata->>'replicas' FROM releases WHERE id = ?`, id) == "3" {
			return "integer"
		}
		return got
	}
	return f.metadataText(`SELECT json_type(metadata, '$.replicas') FROM releases WHERE id = ?`, id)
}

func TestReleaseMetadata(t *testing.T) {
	f := newFixture(t)
	r, err := f.rel.Create(Input{Name: "2026.12", Type: Regular, Metadata: map[string]string{"chart": "app-4.2.0", "ticket": "OPS-17"}})
	noErr(t, err)
	want := map[string]string{"chart": "app-4.2.0", "ticket": "OPS-17"}
	if !reflect.DeepEqual(r.Metadata, want) {
		t.Fatalf("created %v", r.Metadata)
	}
	list, err := f.rel.List()
	noErr(t, err)
	if len(list) != 1 || !reflect.DeepEqual(list[0].Metadata, want) {
		t.Fatalf("list %+v", list)
	}
	d, err := f.rel.Get(r.ID)
	noErr(t, err)
	if !reflect.DeepEqual(d.Release.Metadata, want) {
		t.Fatalf("get %v", d.Release.Metadata)
	}

	// A number another app wrote is kept through an edit of another key;
	// the edit is a release event naming the changed key.
	f.exec(`UPDATE releases SET metadata = '{"chart":"app-4.2.0","ticket":"OPS-17","replicas":3}' WHERE id = ?`, r.ID)
	u, err := f.rel.Update(UpdateInput{ID: r.ID, Name: "2026.12", Type: Regular, Metadata: map[string]string{"chart": "app-4.3.0", "ticket": "OPS-17", "replicas": "3"}})
	noErr(t, err)
	if !reflect.DeepEqual(u.Metadata, map[string]string{"chart": "app-4.3.0", "ticket": "OPS-17", "replicas": "3"}) {
		t.Fatalf("updated %v", u.Metadata)
	}
	if got := f.replicasType(r.ID); got != "integer" {
		t.Fatalf("replicas stored as %s", got)
	}
	if got := f.metadataText(`SELECT detail FROM step_history WHERE release_id = ? AND action = ? ORDER BY id DESC LIMIT 1`, r.ID, EventReleaseEdit); !strings.Contains(got, `"metadata":["chart=app-4.2.0","chart=app-4.3.0"]`) {
		t.Fatalf("event detail %s", got)
	}
	// nil leaves metadata as it is.
	u, err = f.rel.Update(UpdateInput{ID: r.ID, Name: "2026.12", Type: Regular, Description: "x"})
	noErr(t, err)
	if len(u.Metadata) != 3 {
		t.Fatalf("nil changed metadata: %v", u.Metadata)
	}
}

func TestCloneCopiesMetadata(t *testing.T) {
	f := newFixture(t)
	r, err := f.rel.Create(Input{Name: "2026.12", Type: Regular})
	noErr(t, err)
	f.exec(`UPDATE releases SET metadata = '{"chart":"app-4.2.0","replicas":3}' WHERE id = ?`, r.ID)
	c, err := f.rel.Clone(CloneInput{ID: r.ID, Name: "2027.01"})
	noErr(t, err)
	if !reflect.DeepEqual(c.Metadata, map[string]string{"chart": "app-4.2.0", "replicas": "3"}) {
		t.Fatalf("clone has %v", c.Metadata)
	}
	if got := f.replicasType(c.ID); got != "integer" {
		t.Fatalf("clone stored replicas as %s", got)
	}
}

func TestReleaseMetadataRefusals(t *testing.T) {
	f := newFixture(t)
	r, err := f.rel.Create(Input{Name: "2026.12", Type: Regular})
	noErr(t, err)
	cases := []struct {
		name string
		meta map[string]string
		want string
	}{
		{"empty key", map[string]string{"": "x"}, "Metadata keys cannot be empty."},
		{"bad key", map[string]string{"9lives": "x"}, "Metadata key '9lives' must start with a lower-case letter"},
		{"long value", map[string]string{"a": strings.Repeat("x", 4097)}, "must be at most 4096 bytes (it has 4097)."},
		{"not text", map[string]string{"a": "\xfe"}, "contains characters that are not valid text."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := testdb.Dump(t, f.st)
			_, errC := f.rel.Create(Input{Name: "x", Type: Regular, Metadata: tc.meta})
			_, errU := f.rel.Update(UpdateInput{ID: r.ID, Name: "2026.12", Type: Regular, Metadata: tc.meta})
			for _, err := range []error{errC, errU} {
				var pe *problem.Error
				if !errors.As(err, &pe) || pe.Field != "metadata" || !strings.Contains(pe.Message, tc.want) {
					t.Fatalf("want %q, got %v", tc.want, err)
				}
			}
			if testdb.Dump(t, f.st) != before {
				t.Fatal("a refused call changed the database")
			}
		})
	}
}
