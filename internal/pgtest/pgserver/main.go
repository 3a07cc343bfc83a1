// Command pgserver starts a private PostgreSQL server for the end-to-end
// suite, prints the URL of a new empty database on its first line, and
// stops the server when its standard input closes (or it is signalled).
// The lines "down" and "up" on its input stop the server as an
// administrator would and start it again (each answered by the same word
// once done, or "error: …").
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"shipdeck/internal/pgtest"
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
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			var err error
			switch cmd := strings.TrimSpace(in.Text()); cmd {
			case "down":
				err = srv.Down()
			case "up":
				err = srv.Up()
			default:
				err = fmt.Errorf("unknown command %q", cmd)
			}
			if err != nil {
				fmt.Println("error:", err)
			} else {
				fmt.Println(strings.TrimSpace(in.Text()))
			}
		}
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
