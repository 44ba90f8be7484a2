package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// ManCommand prints mappa's man page (roff), generated from the same
// usage texts the commands print.
type ManCommand struct {
	app *App
}

// Name implements Command.
func (c *ManCommand) Name() string { return "man" }

// Summary implements Command.
func (c *ManCommand) Summary() string {
	return "print the man page (roff), for man -l or /usr/local/share/man"
}

const manExamples = `  mappa man | man -l -
  mappa man > /usr/local/share/man/man1/mappa.1
`

// Run implements Command.
func (c *ManCommand) Run(ctx context.Context, args []string) error {
	fs := c.app.newFlagSet("man", "mappa man", manExamples)
	if err := parse(fs, args); err != nil {
		return err
	}
	docs, err := c.app.docs(ctx)
	if err != nil {
		return err
	}
	writeMan(c.app.Stdout, docs)
	return nil
}

// roff escapes text for a man page: backslashes, and a leading dot or
// quote that roff would read as a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func writeMan(w io.Writer, docs []commandDoc) {
	fmt.Fprintln(w, `.TH MAPPA 1 "" "mappa" "User Commands"`)
	fmt.Fprintln(w, ".SH NAME\nmappa \\- load the Ministry of Justice's annual MAPPA statistics into SQLite")
	fmt.Fprintln(w, ".SH SYNOPSIS\n.B mappa\n.I command\n[\\fIflags\\fR] [\\fIarguments\\fR]")
	fmt.Fprintln(w, ".SH DESCRIPTION\nmappa finds the MAPPA area tables on GOV.UK, archives and reads them, joins ONS population estimates, "+
		"and loads every figure with the cell it came from into a SQLite database. Each command below prints the same text with \\fB\\-h\\fR.")
	fmt.Fprintln(w, ".SH COMMANDS")
	for _, d := range docs {
		fmt.Fprintf(w, ".SS %s\n%s.\n.PP\n.B %s\n", roff(d.Name), roff(d.Summary), roff(d.Synopsis))
		for _, f := range d.Flags {
			arg := ""
			if f.Arg != "" {
				arg = " \\fI" + roff(f.Arg) + "\\fR"
			}
			fmt.Fprintf(w, ".TP\n.B \\-\\-%s%s\n%s\n", roff(f.Name), arg, roff(f.Usage))
		}
		if d.Examples != "" {
			fmt.Fprintln(w, ".PP\nExamples:\n.PP\n.nf")
			for _, line := range strings.Split(d.Examples, "\n") {
				fmt.Fprintln(w, roff(line))
			}
			fmt.Fprintln(w, ".fi")
		}
	}
	fmt.Fprintln(w, `.SH EXIT STATUS
.TP
.B 0
success
.TP
.B 1
the command failed: bad input, I/O, the database; in run, any file failed
.TP
.B 2
the command line was wrong
.TP
.B 3
another mappa is writing the same database; nothing was done
.TP
.B 4
run \-\-fail\-on\-checks: the files loaded but checks fail
.TP
.B 130, 143
interrupted by SIGINT or SIGTERM; the run is recorded as interrupted
.SH FILES
.TP
.I mappa.db
the database (\-\-db); its writer lock is mappa.db.lock, the database a rebuild replaced mappa.db.previous
.TP
.I archive/
the raw archive beside the database (\-\-archive): files/ by sha256, manifest.json, rejected/
.SH SEE ALSO
sqlite3(1); the README and docs/data\-dictionary.md of mappa.`)
}
