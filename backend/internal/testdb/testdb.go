// Package testdb opens a real store on a file in a test's temporary
// directory, through the production path (pragmas, migrations), and can dump
// every row so a test proves that a refused call changed nothing.
package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shipdeck/backend/store"
	"shipdeck/internal/pgtest"
)

// Clock is the fixed time of every test store.
var Clock = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Open returns an open store with a fixed clock, closed at cleanup.
func Open(t testing.TB) *store.Store {
	return OpenAt(t, func() time.Time { return Clock })
}

// Engine is the engine the tests' stores use: "sqlite" (the default), or
// "postgres" with SHIPDECK_TEST_ENGINE=postgres, a new database on the
// private server of internal/pgtest.
var Engine = engine()

func engine() string {
	if os.Getenv("SHIPDECK_TEST_ENGINE") == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// OpenAt is Open with a clock of the caller's.
func OpenAt(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	return OpenOn(t, Engine, now)
}

// OpenFile is Open on a database file whatever the engine: for what only a
// file has (backups, its bytes).
func OpenFile(t testing.TB) *store.Store {
	t.Helper()
	return OpenOn(t, "sqlite", func() time.Time { return Clock })
}

// OpenOn is OpenAt on the engine named, whatever SHIPDECK_TEST_ENGINE says:
// a test of SQLite's query plans runs on SQLite in either pass.
func OpenOn(t testing.TB, engine string, now func() time.Time) *store.Store {
	t.Helper()
	st := store.New(now)
	var err error
	if engine == "postgres" {
		err = st.OpenTeam(context.Background(), pgtest.URL(t))
	} else {
		err = st.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Dump renders every row of every table.
func Dump(t testing.TB, st *store.Store) string {
	t.Helper()
	db, err := st.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if store.Postgres(db) {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	if err := db.NewRaw(q).Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+tbl+" ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", tbl, vals)
		}
		rows.Close()
	}
	return b.String()
}
