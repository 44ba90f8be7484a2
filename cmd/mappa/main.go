// Command mappa loads the Ministry of Justice's annual MAPPA statistics into
// SQLite. This file only wires the subcommands; each lives in its own file.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(run()) }

// run wires the real process: its streams and its signals. SIGINT and
// SIGTERM cancel the context, with the signal as its cause, so a command
// stops cleanly (open transactions roll back, downloads stop, nothing is
// left half done) and exits 128 plus the signal's number. A second signal
// takes the default action.
func run() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		signal.Stop(sigs) // a second Ctrl-C kills at once, if a clean stop hangs
		cancel(signalled{s})
	}()
	app := &App{Stdout: os.Stdout, Stderr: os.Stderr}
	return app.Main(ctx, os.Args[1:])
}
