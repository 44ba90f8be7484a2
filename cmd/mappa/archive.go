package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// ArchiveCommand lists the archive, and withdraws or relabels an archived
// file: the way back from a file added under the wrong year, or one that
// should never have been loaded.
type ArchiveCommand struct {
	app *App
}

// Name implements Command.
func (c *ArchiveCommand) Name() string { return "archive" }

// Summary implements Command.
func (c *ArchiveCommand) Summary() string {
	return "list archived files; withdraw or relabel one (its bytes are kept)"
}

const archiveExamples = `  mappa archive list
  mappa archive list --json
  mappa archive withdraw --reason "loaded by mistake" 3f2a9c1be0d4
  mappa archive relabel 3f2a9c1be0d4 2019-20
  mappa archive --db /srv/mappa/mappa.db list

A file is named by the first 8 or more digits of its sha256, as list shows.
Withdrawing or relabelling keeps the file's bytes; the manifest records the
change, who made it and when, and the database is rebuilt from the amended
archive and swapped in whole (the one it replaces is kept as DB.previous),
so it never holds half a change. A later rebuild honours the change, and a
run that fetches a withdrawn file again leaves it withdrawn; adding it by
hand reinstates it.
`

// Run implements Command.
func (c *ArchiveCommand) Run(ctx context.Context, args []string) error {
	var sf storeFlags
	fs := c.app.newFlagSet("archive", "mappa archive [--db PATH] [--archive DIR] list [--json] | withdraw [--reason TEXT] SHA256 | relabel [--force-year] SHA256 PERIOD", archiveExamples)
	sf.register(fs)
	asJSON := fs.Bool("json", false, "list: print JSON")
	reason := fs.String("reason", "", "withdraw: why, kept in the manifest")
	force := fs.Bool("force-year", false, "relabel: even to a period the file's titles contradict")
	if err := parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError{"missing action: list, withdraw or relabel"}
	}
	switch action, rest := rest[0], rest[1:]; action {
	case "list":
		if len(rest) != 0 {
			return usageError{"want: archive list"}
		}
		return c.list(sf, *asJSON)
	case "withdraw":
		if len(rest) != 1 {
			return usageError{"want: archive withdraw SHA256"}
		}
		return c.amend(ctx, sf, archive.Amendment{Action: archive.ActionWithdraw, SHA256: rest[0], Reason: *reason}, false, args)
	case "relabel":
		if len(rest) != 2 {
			return usageError{"want: archive relabel SHA256 PERIOD"}
		}
		return c.amend(ctx, sf, archive.Amendment{Action: archive.ActionRelabel, SHA256: rest[0], To: rest[1], Reason: *reason}, *force, args)
	default:
		return usageError{fmt.Sprintf("unknown action %q: want list, withdraw or relabel%s", action, didYouMean(action, []string{"list", "withdraw", "relabel"}))}
	}
}

// listed is one archived file as list prints it.
type listed struct {
	archive.Entry
	Status string `json:"status"` // current, replaced or withdrawn
}

func (c *ArchiveCommand) list(sf storeFlags, asJSON bool) error {
	a := &archive.Archive{Dir: sf.archiveDir()} // read only: Open would create it
	m, err := a.Manifest()
	if err != nil {
		return err
	}
	current := map[string]bool{}
	for _, e := range m.Current() {
		current[e.SHA256+e.AddedAt] = true
	}
	var out []listed
	for _, e := range m.Files {
		st := "replaced"
		switch {
		case e.Withdrawn():
			st = "withdrawn"
		case current[e.SHA256+e.AddedAt]:
			st = "current"
		}
		out = append(out, listed{e, st})
	}
	if asJSON {
		return writeJSON(c.app.Stdout, struct {
			Files   []listed         `json:"files"`
			Changes []archive.Change `json:"changes"`
		}{out, m.Changes})
	}
	if len(out) == 0 {
		fmt.Fprintf(c.app.Stdout, "archive %s holds no file\n", a.Dir)
		return nil
	}
	w := tabwriter.NewWriter(c.app.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "sha256\tkind\tperiod\tedition\tstatus\tadded\tfile")
	for _, l := range out {
		ed := ""
		if l.Kind == archive.KindPopulation {
			ed, _ = archive.EditionOf(l.Entry)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.SHA256[:12], l.Kind, l.Period, ed, l.Status, l.AddedAt, l.Filename)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(m.Changes) > 0 {
		fmt.Fprintln(c.app.Stdout, "\nchanges:")
		for _, ch := range m.Changes {
			fmt.Fprintf(c.app.Stdout, "  %s %s %s %s\n", ch.At, ch.By, ch.Action, describeChange(ch))
		}
	}
	return nil
}

func describeChange(ch archive.Change) string {
	s := ch.SHA256[:12]
	if ch.Action == archive.ActionRelabel {
		s += " from " + ch.From + " to " + ch.To
	}
	if ch.Reason != "" {
		s += fmt.Sprintf(" (%q)", ch.Reason)
	}
	return s
}

// amend makes a change to the archive and rebuilds the database from the
// amended archive before the change is written, so that the manifest and
// the database move together and a change that cannot load is not made.
func (c *ArchiveCommand) amend(ctx context.Context, sf storeFlags, am archive.Amendment, force bool, args []string) error {
	// A change is made to a database that exists: a mistyped --db would
	// otherwise amend the archive and build a new database beside the
	// real one, which would go on holding the file.
	if _, err := os.Stat(sf.db); err != nil {
		return fmt.Errorf("open database %s: %w (withdraw and relabel change an existing database and its archive)", sf.db, err)
	}
	unlock, err := pipeline.LockWriter(sf.db)
	if err != nil {
		return err
	}
	defer unlock()
	a, err := archive.Open(sf.archiveDir())
	if err != nil {
		return err
	}
	m, err := a.Manifest()
	if err != nil {
		return err
	}
	e, err := m.Resolve(am.SHA256)
	if err != nil {
		return usageError{err.Error()}
	}
	if am.Action == archive.ActionRelabel {
		// Periods are filed as written once: "2019/20" is 2019-20.
		if am.To, err = normalPeriod(e.Kind, am.To); err != nil {
			return usageError{err.Error()}
		}
	}
	old, err := holdingsOf(ctx, sf.db, false)
	if err != nil {
		return err
	}
	var res *pipeline.RebuildResult
	written := false
	ch, err := a.Amend(am, func(m *archive.Manifest, ch archive.Change, write func() error) error {
		if ch.Action == archive.ActionRelabel {
			if err := pipeline.CheckPeriod(a, m, e, ch.To, force); err != nil {
				return fmt.Errorf("relabel %s: %w", e.Filename, err)
			}
		}
		budgetMemory()
		// The database built from the amended archive may lose only what
		// the change takes away; then the manifest is written, and only
		// then is the database swapped in.
		vet := pipeline.Vet(func(r *pipeline.RebuildResult) error {
			if err := old.refuseAmended(r, e, ch); err != nil {
				return err
			}
			if err := write(); err != nil {
				return err
			}
			written = true
			return nil
		})
		res, err = rebuildDB(ctx, c.app, sf.db, a, "archive", args, pipeline.FromManifest(m), vet)
		return err
	})
	if err != nil {
		if written {
			return fmt.Errorf("the archive records the change, but the database was not replaced: %w; run 'mappa rebuild --db %s' to bring it level", err, sf.db)
		}
		return err
	}
	// The change is made: a signal now must not report it as undone.
	ctx = context.WithoutCancel(ctx)
	verb := "withdrew"
	if ch.Action == archive.ActionRelabel {
		verb = "relabelled " + ch.From + " to " + ch.To + ":"
	}
	period := e.Period
	if ch.Action == archive.ActionRelabel {
		period = ch.To
	}
	fmt.Fprintf(c.app.Stdout, "%s %s %s %s (sha256 %s); rebuilt %s: %s (%s), %s\n",
		verb, e.Kind, period, e.Filename, ch.SHA256[:12], sf.db, plural(len(res.Years), "financial year"), span(res.Years), plural(res.Estimates, "population estimate"))
	fmt.Fprintln(c.app.Stdout, "any other database built from this archive changes at its next 'mappa rebuild'")
	st, err := store.Open(ctx, sf.db)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = printLoadReport(ctx, c.app, st, "")
	return err
}

// normalPeriod is a period as the archive files it, for kind.
func normalPeriod(kind archive.Kind, s string) (string, error) {
	if kind == archive.KindAreaTables {
		y, err := figure.ParseFinancialYear(s)
		return y.String(), err
	}
	span, err := figure.ParseMidYears(s)
	return span.String(), err
}
