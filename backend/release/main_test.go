package release

import (
	"os"
	"testing"

	"shipdeck/internal/pgtest"
)

// The private PostgreSQL server of the team tests stops with the package.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
