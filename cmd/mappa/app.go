package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/store"
)

// Exit codes. Scripts and schedulers may rely on them.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed: bad input, I/O, database
	exitUsage   = 2 // the command line was wrong
	exitLocked  = 3 // another mappa is writing to the database; nothing was done
)

// Command is one mappa subcommand.
type Command interface {
	Name() string
	Summary() string
	Run(ctx context.Context, args []string) error
}

// usageError marks errors in the command line itself.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// App holds what every command shares: output streams and the logger.
type App struct {
	Stdout, Stderr io.Writer
	Log            *zap.Logger
}

func (a *App) commands() []Command {
	return []Command{&RunCommand{app: a}, &ScheduleCommand{app: a}, &AddCommand{app: a}, &RebuildCommand{app: a},
		&StatusCommand{app: a}, &SummaryCommand{app: a}, &ExportCommand{app: a}, &ReportCommand{app: a}}
}

// Main runs the command line and returns the process exit code; errors
// become exit codes here and nowhere else.
func (a *App) Main(ctx context.Context, args []string) int {
	if a.Log == nil {
		a.Log = newLogger(a.Stderr)
	}
	defer a.Log.Sync()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.usage()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range a.commands() {
		if c.Name() != args[0] {
			continue
		}
		err := c.Run(ctx, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.Is(err, pipeline.ErrLocked):
			fmt.Fprintf(a.Stderr, "mappa %s: %v; nothing was done\n", c.Name(), err)
			return exitLocked
		case errors.As(err, &ue):
			fmt.Fprintf(a.Stderr, "mappa %s: %v\nRun 'mappa %s -h' for usage.\n", c.Name(), err, c.Name())
			return exitUsage
		default:
			fmt.Fprintf(a.Stderr, "mappa %s: %v\n", c.Name(), err)
			return exitFailure
		}
	}
	fmt.Fprintf(a.Stderr, "mappa: unknown command %q\n", args[0])
	a.usage()
	return exitUsage
}

func (a *App) usage() {
	var b strings.Builder
	b.WriteString("mappa loads the MoJ's annual MAPPA statistics into SQLite.\n\nUsage:\n  mappa <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range a.commands() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.Name(), c.Summary())
	}
	b.WriteString("\nRun 'mappa <command> -h' for a command's flags and examples.\n")
	fmt.Fprint(a.Stderr, b.String())
}

// storeFlags locate the database and the archive. Every command takes
// --db; only those that read or write the archive take --archive, so that
// help does not offer a flag that would be silently ignored.
type storeFlags struct {
	db, archive string
}

// register adds --db and --archive, for the commands that use the archive
// (run, schedule, add, rebuild).
func (s *storeFlags) register(fs *flag.FlagSet) {
	s.registerDB(fs)
	fs.StringVar(&s.archive, "archive", "archive", "directory of the raw archive")
}

// registerDB adds --db alone, for the commands that only read the
// database (status, summary, export, report).
func (s *storeFlags) registerDB(fs *flag.FlagSet) {
	fs.StringVar(&s.db, "db", "mappa.db", "path of the SQLite database")
}

// openExisting opens the database for reading commands, which must not
// create an empty one where the user mistyped a path. It opens it
// read-only, migrating nothing, so that users who may read the database
// but not write it or its directory can run them.
func (s *storeFlags) openExisting(ctx context.Context) (*store.Store, error) {
	if _, err := os.Stat(s.db); err != nil {
		return nil, fmt.Errorf("open database %s: %w (run 'mappa rebuild' or 'mappa add' first)", s.db, err)
	}
	return store.OpenReadOnly(ctx, s.db)
}

// newFlagSet returns a flag set whose usage text ends with examples.
func (a *App) newFlagSet(name, synopsis, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.Stderr, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		fmt.Fprintf(a.Stderr, "\nExamples:\n%s", examples)
	}
	return fs
}

// takesArgs names the commands that take positional arguments after their
// flags; they read them with fs.Args(). Kept here, beside parse, so a
// command cannot forget to reject them: every other command does.
var takesArgs = map[string]bool{"add": true}

// parse parses flags, turning flag errors into usage errors. A positional
// argument is a usage error unless the command takes them (takesArgs):
// flag parsing stops at the first one, so `mappa summary 2019-20` would
// otherwise print the latest year instead and exit 0.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 && !takesArgs[fs.Name()] {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// newLogger logs for people on a terminal and as JSON for machines.
func newLogger(w io.Writer) *zap.Logger {
	var enc zapcore.Encoder
	if isTerminal(w) {
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
		enc = zapcore.NewConsoleEncoder(cfg)
	} else {
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.InfoLevel))
}
