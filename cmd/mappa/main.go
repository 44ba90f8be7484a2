// Command mappa loads the Ministry of Justice's annual MAPPA statistics into
// SQLite. This file only wires the subcommands; each lives in its own file.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(app.Main(ctx, os.Args[1:]))
}
