// Command pgserver starts a private PostgreSQL server for the end-to-end
// suite, prints the URL of a new empty database on its first line, and
// stops the server when its standard input closes (or it is signalled).
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"shipdeck/backend/internal/pgtest"
)

func main() {
	srv, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgserver:", err)
		os.Exit(1)
	}
	url, err := srv.NewDatabase("e2e")
	if err != nil {
		srv.Stop()
		fmt.Fprintln(os.Stderr, "pgserver:", err)
		os.Exit(1)
	}
	fmt.Println(url)
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-sig:
	}
	srv.Stop()
}
