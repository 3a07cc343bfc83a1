package store

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// fileSum is the SHA-256 of the database file itself (not its WAL): it
// changes only when a checkpoint copies pages into it.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// bigWrite commits about 3,000 pages: past SQLite's own checkpoint point
// (1,000 pages), so a commit that checkpoints would change the file.
func bigWrite(t *testing.T, st *Store) {
	t.Helper()
	filler := strings.Repeat("x", 3000)
	err := st.Tx(func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
			INSERT OR REPLACE INTO settings (key, value) SELECT 'filler-' || i, ? || random() FROM n`, filler)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTheAppCheckpointsWhenWritesPauseNotOnCommit(t *testing.T) {
	quiet := checkpointQuiet
	t.Cleanup(func() { checkpointQuiet = quiet })
	path := filepath.Join(t.TempDir(), FileName)

	// A pause that never comes: the commit alone must leave the file as
	// it was, however large the write.
	checkpointQuiet = time.Hour
	st := New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, path)
	bigWrite(t, st)
	if fileSum(t, path) != before {
		t.Fatal("the commit checkpointed the WAL itself")
	}
	// Close checkpoints what is left.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if fileSum(t, path) == before {
		t.Fatal("Close did not checkpoint the WAL")
	}

	// A short pause: the checkpointer copies the pages into the file by
	// itself, the store still open.
	checkpointQuiet = 10 * time.Millisecond
	st = New(nil)
	if err := st.Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before = fileSum(t, path)
	bigWrite(t, st)
	deadline := time.Now().Add(20 * time.Second)
	for fileSum(t, path) == before {
		if time.Now().After(deadline) {
			t.Fatal("the WAL was not checkpointed within 20 s of the last write")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
