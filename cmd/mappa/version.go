package main

import (
	"context"
	"fmt"

	"github.com/mappa-etl/mappa/sources/fetch"
)

// VersionCommand prints what was built: mappa's version, the Go release
// and platform, and the commit.
type VersionCommand struct {
	app *App
}

// Name implements Command.
func (c *VersionCommand) Name() string { return "version" }

// Summary implements Command.
func (c *VersionCommand) Summary() string {
	return "print mappa's version, and the commit and Go it was built from"
}

const versionExamples = `  mappa version
  mappa --version

The version is the one requests to GOV.UK and ONS identify themselves with
(User-Agent: mappa/VERSION).
`

// Run implements Command.
func (c *VersionCommand) Run(_ context.Context, args []string) error {
	fs := c.app.newFlagSet("version", "mappa version", versionExamples)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(c.app.Stdout, fetch.BuildDescription())
	return nil
}
