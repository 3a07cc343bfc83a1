// Package pgtest gives tests a PostgreSQL database of their own: one private
// server per test binary (initdb and pg_ctl of the installed PostgreSQL, a
// temporary directory, a free local port), and one new empty database per
// test. The server is a child of the test binary and dies with it (Linux's
// parent-death signal); Main stops it sooner and removes its directory, and
// a directory a killed binary left is removed by the next start.
//
// Without PostgreSQL installed the tests that need it are skipped, unless
// SHIPDECK_REQUIRE_POSTGRES=1 (set by `make test`, after scripts/deps.sh
// --test installed it): then they fail, so CI cannot pass by skipping them.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// server is the running private server, started by the first test that
// asks for a database.
type server struct {
	dir    string   // temporary directory: data/, the log, the socket
	bin    string   // directory of initdb, pg_ctl, postgres
	as     []string // prefix that runs a command as the server's owner
	port   int
	proc   *exec.Cmd
	exited <-chan struct{}
}

var (
	once    sync.Once
	running *server
	failed  error
	made    atomic.Int64
)

// Main runs the tests of a package, then stops the server if one started.
func Main(m *testing.M) int {
	code := m.Run()
	if running != nil {
		running.stop()
	}
	return code
}

// URL returns the URL of a new, empty database on the private server.
func URL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { running, failed = start() })
	if failed != nil {
		if errors.Is(failed, errNotInstalled) && os.Getenv("SHIPDECK_REQUIRE_POSTGRES") != "1" {
			tb.Skip("PostgreSQL is not installed (scripts/deps.sh --test installs it)")
		}
		tb.Fatalf("start PostgreSQL: %v", failed)
	}
	name := fmt.Sprintf("t%d", made.Add(1))
	db, err := sql.Open("pgx", running.url("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	return running.url(name)
}

func (s *server) url(db string) string {
	return fmt.Sprintf("postgres://shipdeck@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

var errNotInstalled = errors.New("PostgreSQL is not installed")

// binDir finds the newest installed PostgreSQL: Debian keeps each version
// in /usr/lib/postgresql/N/bin, elsewhere initdb is on the PATH.
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(found[j]))))
		return vi > vj
	})
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errNotInstalled
}

func start() (*server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	// As root the server runs as postgres, which must reach its directory:
	// /tmp, not a TMPDIR inside root's home.
	base := ""
	if os.Geteuid() == 0 {
		base = "/tmp"
	}
	removeStale(os.TempDir())
	if base != "" {
		removeStale(base)
	}
	dir, err := os.MkdirTemp(base, "shipdeck-pg-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	s := &server{dir: dir, bin: bin}
	// PostgreSQL refuses to run as root: as root (CI), the server runs as
	// the postgres user the package created, in a directory it owns.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, fmt.Errorf("give %s to postgres: %w", dir, err)
		}
		s.as = []string{"runuser", "-u", "postgres", "--"}
	}
	if s.port, err = freePort(); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "shipdeck", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"); err != nil {
		s.remove()
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// The port was free when freePort looked; another package's server
	// may take it before this one binds it. Then postgres exits at once,
	// and the next free port is tried.
	for try := 1; ; try++ {
		err := s.launch(data)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, errPortTaken) || try == 5 {
			s.stop()
			return nil, err
		}
		if s.port, err = freePort(); err != nil {
			s.remove()
			return nil, err
		}
	}
}

var errPortTaken = errors.New("the port was taken")

// launch starts postgres on s.port and waits until it answers, and is the
// server answering there (its data directory is data).
func (s *server) launch(data string) error {
	// fsync off: a test server's files need not survive a power cut, and
	// every CREATE DATABASE would otherwise sync a copy of template1.
	logf, err := os.Create(filepath.Join(s.dir, "server.log"))
	if err != nil {
		return fmt.Errorf("server log: %w", err)
	}
	defer logf.Close()
	args := append(append([]string{}, s.as...), filepath.Join(s.bin, "postgres"), "-D", data, "-p", strconv.Itoa(s.port), "-h", "127.0.0.1", "-k", s.dir,
		"-c", "max_connections=300")
	// SHIPDECK_PGTEST_DURABLE=1 keeps PostgreSQL's defaults: the benchmarks
	// beside SQLite's (which syncs its commits) measure a real server's.
	if os.Getenv("SHIPDECK_PGTEST_DURABLE") != "1" {
		args = append(args, "-c", "fsync=off", "-c", "full_page_writes=off")
	}
	// SHIPDECK_PGTEST_SETTINGS="name=value …" sets more of them, such as
	// the shared_buffers of a server sized for its data (docs/performance.md).
	for _, kv := range strings.Fields(os.Getenv("SHIPDECK_PGTEST_SETTINGS")) {
		args = append(args, "-c", kv)
	}
	s.proc = exec.Command(args[0], args[1:]...)
	s.proc.Stdout, s.proc.Stderr = logf, logf
	s.proc.SysProcAttr = dieWithParent()
	if err := s.proc.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = s.proc.Wait(); close(exited) }()
	s.exited = exited
	db, err := sql.Open("pgx", s.url("postgres"))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer db.Close()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			if strings.Contains(string(log), "could not bind") || strings.Contains(string(log), "already in use") {
				return fmt.Errorf("%w: %s", errPortTaken, log)
			}
			return fmt.Errorf("postgres exited at start: %s", log)
		default:
		}
		var dir string
		if err = db.QueryRow("SHOW data_directory").Scan(&dir); err == nil {
			if filepath.Clean(dir) != filepath.Clean(data) {
				// Another package's server answered on this port; ours
				// cannot have bound it.
				_ = s.proc.Process.Kill()
				<-exited
				return fmt.Errorf("%w by the server of %s", errPortTaken, dir)
			}
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			return fmt.Errorf("postgres did not answer in 60 s: %w\n%s", err, log)
		}
	}
}

func (s *server) run(name string, args ...string) ([]byte, error) {
	cmd := append(append([]string{}, s.as...), append([]string{filepath.Join(s.bin, name)}, args...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Dir = s.dir
	out, err := c.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w", strings.Join(cmd, " "), err)
	}
	return out, nil
}

func (s *server) stop() {
	_, _ = s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	if s.exited != nil {
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.proc.Process.Kill()
		}
	}
	s.remove()
}

// removeStale removes the directories of servers whose test binary was
// killed (its server died with it): no postmaster.pid, or its process
// gone, and not made in the last minute (a server of another package may be
// starting there).
func removeStale(base string) {
	dirs, _ := filepath.Glob(filepath.Join(base, "shipdeck-pg-*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < time.Minute {
			continue
		}
		pid := 0
		if b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
		}
		if pid > 0 && alive(pid) {
			continue
		}
		_ = os.RemoveAll(d)
	}
}

func (s *server) remove() { _ = os.RemoveAll(s.dir) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Server is a private PostgreSQL server started outside a test binary (the
// end-to-end suite's, through cmd/pgserver).
type Server struct{ s *server }

// Start starts a private server (as the tests' is started).
func Start() (*Server, error) {
	s, err := start()
	if err != nil {
		return nil, err
	}
	return &Server{s}, nil
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(name string) (string, error) {
	db, err := sql.Open("pgx", s.s.url("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return s.s.url(name), nil
}

// Stop stops the server and removes its files.
func (s *Server) Stop() { s.s.stop() }

// Down stops the server as an administrator would (fast shutdown: its
// clients are disconnected), keeping its files; Up starts it again on the
// same port. A test of what a client does while its server is away.
func (s *Server) Down() error {
	if out, err := s.s.run("pg_ctl", "-D", filepath.Join(s.s.dir, "data"), "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("stop: %w\n%s", err, out)
	}
	<-s.s.exited
	return nil
}

// Up starts a server stopped by Down.
func (s *Server) Up() error { return s.s.launch(filepath.Join(s.s.dir, "data")) }
