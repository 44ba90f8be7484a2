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
// SIGTERM cancel the context, so a command stops cleanly: open
// transactions roll back and downloads stop, leaving nothing half done. A
// second signal takes the default action.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once, if a clean stop hangs
	}()
	app := &App{Stdout: os.Stdout, Stderr: os.Stderr}
	return app.Main(ctx, os.Args[1:])
}
