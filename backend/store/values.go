package store

import (
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Text is s as an optional text column: NULL when empty.
func Text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// TextOf reads an optional text column: "" for NULL.
func TextOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// IsUnique tells a UNIQUE constraint failure: the backstop behind the checks
// each service makes inside its transaction.
func IsUnique(err error) bool {
	var se *sqlite.Error
	var pe *pgconn.PgError
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
		errors.As(err, &pe) && pe.Code == "23505" // unique_violation
}

// Active is an is_active column. The specification's schema lets it be
// NULL with a default of true, and a file its app wrote may hold NULLs: they
// read as active, here as in every SQL statement (coalesce(is_active, true)).
type Active bool

// Value is the flag: SQLite stores it as 1 or 0 (as Drizzle stores
// booleans), a team database as a boolean.
func (a Active) Value() (driver.Value, error) {
	return bool(a), nil
}

// Scan reads 0/1, and NULL as active.
func (a *Active) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*a = true
	case int64:
		*a = v != 0
	case bool:
		*a = Active(v)
	default:
		return fmt.Errorf("is_active: unexpected %T", src)
	}
	return nil
}
