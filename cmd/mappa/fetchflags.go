package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/mappa-etl/mappa/pipeline"
	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/sources/fetch"
	"github.com/mappa-etl/mappa/sources/govuk"
)

// fetchFlags configure the commands that fetch from GOV.UK: run and
// schedule. Each may also come from a config file; a flag given on the
// command line wins, and list flags add to the file's lists.
type fetchFlags struct {
	storeFlags
	config     string
	source     string
	allowHosts listFlag
	population listFlag // YEAR=URL_OR_PATH
	lookups    listFlag
	maxMiB     int64
	timeout    time.Duration
	retries    int
	rate       float64
	// failOnChecks makes a run with failing checks exit 4 (checksFailed).
	failOnChecks bool
	revalidate   time.Duration
}

// fileConfig is the config file: the paths and sources of a run, not its
// HTTP tuning (--max-mib, --timeout, --retries, --rate, --revalidate are
// flags only).
// The list keys are plural where their flags are not: allow_hosts for
// --allow-host, lookups for --lookup. Run's help and the README list these
// keys; change them together.
type fileConfig struct {
	DB         string            `json:"db"`
	Archive    string            `json:"archive"`
	Source     string            `json:"source"`
	AllowHosts []string          `json:"allow_hosts"`
	Population map[string]string `json:"population"`
	Lookups    []string          `json:"lookups"`
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (f *fetchFlags) register(fs *flag.FlagSet) {
	f.storeFlags.register(fs)
	fs.StringVar(&f.config, "config", "", "read settings from this JSON `file` (flags override it)")
	fs.StringVar(&f.source, "source", fetch.GOVUK, "origin to read the Content API and attachments from (a mirror or test server)")
	fs.Var(&f.allowHosts, "allow-host", "also fetch attachments from this `host` (repeatable)")
	fs.Var(&f.population, "population", "mid-year population estimates as `YEAR=URL_OR_PATH` (repeatable)")
	fs.Var(&f.lookups, "lookup", "LAD to police force area lookup `URL_OR_PATH` (repeatable)")
	fs.Int64Var(&f.maxMiB, "max-mib", fetch.DefaultMaxBytes>>20, "largest file to download, in MiB")
	fs.DurationVar(&f.timeout, "timeout", 60*time.Second, "give up on a request after this long without data")
	fs.IntVar(&f.retries, "retries", 4, "retries of one file in all (5xx, 429, network errors, bodies cut short)")
	fs.Float64Var(&f.rate, "rate", 5, "most requests per second (GOV.UK asks for under 10)")
	fs.BoolVar(&f.failOnChecks, "fail-on-checks", false, "exit with status 4 when any check fails after the run (for cron and monitoring)")
	fs.DurationVar(&f.revalidate, "revalidate", pipeline.DefaultRevalidate,
		"ask again for a GOV.UK attachment whose release page is unchanged only once this `duration` has passed since it was last confirmed (0: every run)")
}

// resolve merges the config file under the flags set on the command line
// and checks the result.
func (f *fetchFlags) resolve(fs *flag.FlagSet) (pipeline.RunConfig, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	cfg := pipeline.RunConfig{Population: map[string]string{}}
	if f.config != "" {
		b, err := os.ReadFile(f.config)
		if err != nil {
			return cfg, fmt.Errorf("read config %s: %w", f.config, err)
		}
		var fc fileConfig
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&fc); err != nil {
			return cfg, fmt.Errorf("read config %s: %w", f.config, err)
		}
		// Relative paths in the file are relative to the file, so the same
		// config works from cron, systemd and a shell.
		base := filepath.Dir(f.config)
		if !set["db"] && fc.DB != "" {
			f.db = besideConfig(base, fc.DB)
		}
		if !set["archive"] && fc.Archive != "" {
			f.archive = besideConfig(base, fc.Archive)
		}
		if !set["source"] && fc.Source != "" {
			f.source = fc.Source
		}
		f.allowHosts = append(fc.AllowHosts, f.allowHosts...)
		for _, l := range fc.Lookups {
			cfg.Lookups = append(cfg.Lookups, besideConfig(base, l))
		}
		for y, src := range fc.Population {
			cfg.Population[y] = besideConfig(base, src)
		}
	}
	for _, p := range f.population {
		year, src, ok := strings.Cut(p, "=")
		if !ok || src == "" {
			return cfg, usageError{fmt.Sprintf("--population %q: want YEAR=URL_OR_PATH", p)}
		}
		cfg.Population[strings.TrimSpace(year)] = strings.TrimSpace(src)
	}
	for y := range cfg.Population {
		if _, err := figure.ParseMidYears(y); err != nil {
			return cfg, usageError{"population: " + err.Error()}
		}
	}
	cfg.Lookups = append(cfg.Lookups, f.lookups...)
	if f.maxMiB <= 0 || f.retries < 0 || f.rate <= 0 || f.timeout <= 0 || f.revalidate < 0 {
		return cfg, usageError{"--max-mib, --timeout and --rate must be positive and --retries and --revalidate not negative"}
	}
	cfg.Revalidate = f.revalidate
	return cfg, nil
}

// fetchers build the HTTP clients from the flags: one for GOV.UK, and one
// for the operator's population and lookup URLs, whose hosts it allows
// (naming them is consent) without opening them to GOV.UK attachments.
func (f *fetchFlags) fetchers(app *App, cfg pipeline.RunConfig) (site, inputs *fetch.Client, err error) {
	opts := []fetch.Option{
		fetch.WithAllowedHosts(f.allowHosts...),
		fetch.WithMaxBytes(f.maxMiB << 20),
		fetch.WithTimeouts(30*time.Second, f.timeout),
		fetch.WithRetries(f.retries, time.Second, 30*time.Second),
		fetch.WithRateLimit(f.rate),
		fetch.WithLogger(app.Log),
	}
	if isTerminal(app.Stderr) {
		opts = append(opts, fetch.WithProgress(func(label string, total int64) io.WriteCloser {
			return progressbar.NewOptions64(total, progressbar.OptionSetWriter(app.Stderr),
				progressbar.OptionSetDescription(label), progressbar.OptionShowBytes(true),
				progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}))
	}
	if site, err = fetch.New(f.source, opts...); err != nil {
		return nil, nil, usageError{err.Error()}
	}
	if inputs, err = fetch.New(f.source, opts...); err != nil {
		return nil, nil, usageError{err.Error()}
	}
	for _, src := range append(slices.Clone(cfg.Lookups), slices.Collect(maps.Values(cfg.Population))...) {
		if govuk.IsURL(src) {
			if err := inputs.AllowHostOf(src); err != nil {
				return nil, nil, usageError{err.Error()}
			}
		}
	}
	return site, inputs, nil
}

// besideConfig resolves a relative local path in the config file against
// the file's directory; URLs and absolute paths are kept.
func besideConfig(base, p string) string {
	if p == "" || filepath.IsAbs(p) || govuk.IsURL(p) {
		return p
	}
	return filepath.Join(base, p)
}

// isTerminal reports whether w is a terminal, where progress bars and
// console logs belong.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
