package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/archive"
)

// Exit codes. Scripts and schedulers may rely on them.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed: bad input, I/O, database
	exitUsage   = 2 // the command line was wrong
	exitLocked  = 3 // another mappa is writing to the database; nothing was done
	// exitChecks is a run that loaded its files but left failing checks,
	// when asked for with --fail-on-checks.
	exitChecks = 4
	// exitInterrupted is the shell's code for a process stopped by
	// SIGINT (128 + 2), so that scripts see an interruption as such;
	// SIGTERM gives 143 (interruptedCode).
	exitInterrupted = 130
)

// Command is one mappa subcommand.
type Command interface {
	Name() string
	Summary() string
	Run(ctx context.Context, args []string) error
}

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "stopped by " + s.sig.String() }

// interruptedCode is the exit status of a command stopped by a signal, as
// shells report it: 128 plus its number (130 for SIGINT, 143 for
// SIGTERM); 130 when the cause is not known.
func interruptedCode(ctx context.Context) int {
	var s signalled
	if errors.As(context.Cause(ctx), &s) {
		if n, ok := s.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return exitInterrupted
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
		&ArchiveCommand{app: a},
		&StatusCommand{app: a}, &ChangesCommand{app: a}, &ListCommand{app: a}, &SummaryCommand{app: a}, &ExportCommand{app: a}, &ReportCommand{app: a},
		&CompletionCommand{app: a}, &ManCommand{app: a}, &VersionCommand{app: a}}
}

// Main runs the command line and returns the process exit code; errors
// become exit codes here and nowhere else.
func (a *App) Main(ctx context.Context, args []string) int {
	if a.Log == nil {
		a.Log = newLogger(a.Stderr)
	}
	defer a.Log.Sync()
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
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
			fmt.Fprintf(a.Stderr, "mappa %s: %v (run 'mappa %s -h' for usage)\n", c.Name(), err, c.Name())
			return exitUsage
		case errors.As(err, new(checksFailed)):
			fmt.Fprintf(a.Stderr, "mappa %s: %v\n", c.Name(), err)
			return exitChecks
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			fmt.Fprintf(a.Stderr, "mappa %s: interrupted; nothing was half done (open transactions rolled back)\n", c.Name())
			return interruptedCode(ctx)
		default:
			fmt.Fprintf(a.Stderr, "mappa %s: %v\n", c.Name(), err)
			return exitFailure
		}
	}
	var names []string
	for _, c := range a.commands() {
		names = append(names, c.Name())
	}
	fmt.Fprintf(a.Stderr, "mappa: unknown command %q%s (run 'mappa help' for the commands)\n", args[0], didYouMean(args[0], names))
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
	fs.StringVar(&s.archive, "archive", "", "directory of the raw archive (default: archive beside the database, DIR/archive for --db DIR/mappa.db)")
}

// archiveDir is the archive's directory: --archive, else the archive
// beside the database, so that a command run from another directory
// cannot pair a database with the wrong archive.
func (s *storeFlags) archiveDir() string {
	if s.archive != "" {
		return s.archive
	}
	return filepath.Join(filepath.Dir(s.db), "archive")
}

// openArchive opens (creating it if need be) the archive of a command
// that adds to it. Creating one beside a database that already exists is
// worth a warning: the database was likely built from an archive
// elsewhere (before mappa looked beside the database by default, from
// ./archive), which --archive should then name.
func (s *storeFlags) openArchive(log *zap.Logger) (*archive.Archive, error) {
	dir := s.archiveDir()
	_, dirErr := os.Stat(dir)
	_, dbErr := os.Stat(s.db)
	a, err := archive.Open(dir)
	if err == nil && errors.Is(dirErr, os.ErrNotExist) && dbErr == nil {
		log.Warn("no archive beside the database: created an empty one; if the database was built from an archive elsewhere, give it with --archive",
			zap.String("archive", dir), zap.String("db", s.db))
	}
	return a, err
}

// checkDB checks, for a command that writes, that the database's
// directory exists: otherwise the first thing to fail would be its lock
// file, and the error would name that.
func (s *storeFlags) checkDB() error { return parentExists("--db", s.db) }

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

// takesArgs names the commands that take positional arguments; they read
// them with fs.Args(). Kept here, beside parse, so a command cannot forget
// to reject them: every other command does.
var takesArgs = map[string]bool{"add": true, "archive": true, "list": true, "completion": true}

// parse parses flags wherever they stand among the positional arguments
// ("mappa add population 2019 f.xls --db x.db" as well as flags first),
// as people type them; "--" ends the flags. Flag errors become usage
// errors of one line: the flag package's own message and usage dump are
// silenced, and -h prints the usage text alone. A positional argument is
// a usage error unless the command takes them (takesArgs): otherwise
// `mappa summary 2019-20` would print the latest year and exit 0.
func parse(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(out) }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out) // the usage text lists the flags through it
				usage()
				return err
			}
			return usageError{err.Error()}
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" && !takesValue(fs, args[:consumed-1]) {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if len(positional) > 0 && !takesArgs[fs.Name()] {
		return usageError{fmt.Sprintf("unexpected argument %q", positional[0])}
	}
	// Parsing "--" and the positional arguments leaves the flags as set
	// and fs.Args() as the positional arguments alone.
	return fs.Parse(append([]string{"--"}, positional...))
}

// takesValue reports whether the last of args is a flag that takes the
// next argument as its value (--reason, not --json or --reason=x): then a
// "--" after it is that value, not the end of the flags.
func takesValue(fs *flag.FlagSet, args []string) bool {
	if len(args) == 0 {
		return false
	}
	name := strings.TrimLeft(args[len(args)-1], "-")
	if !strings.HasPrefix(args[len(args)-1], "-") || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
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
