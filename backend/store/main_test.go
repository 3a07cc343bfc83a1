package store_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"strings"
	"testing"

	"shipdeck/internal/pgtest"
)

// The test binary doubles as "another program" using the database: with
// SHIPDECK_TEST_HOLD set it opens the file with plain SQLite (none of
// Shipdeck's code), takes a read transaction or the write lock, says
// "ready" and holds it until its standard input closes.
func TestMain(m *testing.M) {
	if mode := os.Getenv("SHIPDECK_TEST_HOLD"); mode != "" {
		os.Exit(holdDatabase(mode, os.Getenv("SHIPDECK_TEST_PATH")))
	}
	os.Exit(pgtest.Main(m))
}

func holdDatabase(mode, path string) int {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	defer conn.Close()
	switch mode {
	case "read":
		// A read transaction pins its snapshot: a checkpoint cannot
		// reset the WAL under it.
		if _, err = conn.ExecContext(ctx, "BEGIN"); err == nil {
			var n int
			err = conn.QueryRowContext(ctx, "SELECT count(*) FROM clusters").Scan(&n)
		}
	case "write":
		_, err = conn.ExecContext(ctx, "BEGIN IMMEDIATE")
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready")
	// Hold until the parent closes standard input; a read error ends the
	// hold just the same.
	_, _ = io.Copy(io.Discard, os.Stdin)
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		fmt.Println("error", err)
		return 1
	}
	return 0
}

// holdFromAnotherProcess starts the test binary as another program holding
// the database at path (mode "read" or "write") and returns once it holds
// it; the returned function lets go and waits for the process to end.
func holdFromAnotherProcess(t *testing.T, path, mode string) (release func()) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := osexec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "SHIPDECK_TEST_HOLD="+mode, "SHIPDECK_TEST_PATH="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		stdin.Close()
		_ = cmd.Wait() // what it printed says why; the test stops here
		t.Fatalf("the other program could not hold the database: %q", line)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("the other program: %v", err)
		}
	}
	t.Cleanup(release)
	return release
}
