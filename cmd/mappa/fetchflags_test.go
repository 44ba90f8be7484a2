package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mappa-etl/mappa/sources/fetch"
)

func TestFetchFlagsMergeConfig(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "etc", "mappa.json")
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(body string) {
		if err := os.WriteFile(cfgPath, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	etc := filepath.Dir(cfgPath)
	tests := []struct {
		name       string
		config     string
		args       []string
		wantDB     string
		wantSource string
		wantPop    map[string]string
		wantLookup []string
		wantReval  string // cfg.Revalidate, when not ""
		wantErr    string
	}{
		{
			name:   "relative paths are relative to the config file",
			config: `{"db": "m.db", "archive": "arch", "population": {"2019": "pop/mye19.xlsx", "2020": "https://ons.example/mye20.xlsx"}, "lookups": ["/abs/lu.csv", "lu21.csv"]}`,
			wantDB: filepath.Join(etc, "m.db"), wantSource: "https://www.gov.uk",
			wantPop:    map[string]string{"2019": filepath.Join(etc, "pop/mye19.xlsx"), "2020": "https://ons.example/mye20.xlsx"},
			wantLookup: []string{"/abs/lu.csv", filepath.Join(etc, "lu21.csv")},
			wantReval:  "168h0m0s",
		},
		{
			name:   "flags win over the file; list flags add to it",
			config: `{"db": "m.db", "source": "https://mirror.example", "population": {"2019": "a.xlsx"}, "lookups": ["lu.csv"]}`,
			args:   []string{"--db", "other.db", "--population", "2019=b.xlsx", "--lookup", "more.csv"},
			wantDB: "other.db", wantSource: "https://mirror.example",
			wantPop:    map[string]string{"2019": "b.xlsx"},
			wantLookup: []string{filepath.Join(etc, "lu.csv"), "more.csv"},
		},
		{name: "revalidate every run", config: `{}`, args: []string{"--revalidate", "0"}, wantDB: "mappa.db", wantSource: "https://www.gov.uk",
			wantPop: map[string]string{}, wantReval: "0s"},
		{name: "revalidate daily", config: `{}`, args: []string{"--revalidate", "24h"}, wantDB: "mappa.db", wantSource: "https://www.gov.uk",
			wantPop: map[string]string{}, wantReval: "24h0m0s"},
		{name: "revalidate negative", config: `{}`, args: []string{"--revalidate", "-1h"}, wantErr: "--revalidate not negative"},
		{name: "unknown setting", config: `{"databse": "m.db"}`, wantErr: `unknown field "databse"`},
		{name: "bad mid-year", config: `{"population": {"19": "a.xlsx"}}`, wantErr: `mid-year "19"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(tc.config)
			app := &App{Stdout: io.Discard, Stderr: io.Discard}
			var ff fetchFlags
			fs := app.newFlagSet("run", "", "")
			ff.register(fs)
			if err := fs.Parse(append([]string{"--config", cfgPath}, tc.args...)); err != nil {
				t.Fatal(err)
			}
			cfg, err := ff.resolve(fs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ff.db != tc.wantDB || ff.source != tc.wantSource {
				t.Errorf("db, source = %q, %q; want %q, %q", ff.db, ff.source, tc.wantDB, tc.wantSource)
			}
			if !reflect.DeepEqual(cfg.Population, tc.wantPop) {
				t.Errorf("population = %v, want %v", cfg.Population, tc.wantPop)
			}
			if !reflect.DeepEqual(cfg.Lookups, tc.wantLookup) {
				t.Errorf("lookups = %v, want %v", cfg.Lookups, tc.wantLookup)
			}
			if tc.wantReval != "" && cfg.Revalidate.String() != tc.wantReval {
				t.Errorf("revalidate = %s, want %s", cfg.Revalidate, tc.wantReval)
			}
		})
	}
}

// TestInputHostsStayWithInputs: the host of a --population URL is allowed
// for that fetcher only, not for GOV.UK attachments.
func TestInputHostsStayWithInputs(t *testing.T) {
	app := &App{Stdout: io.Discard, Stderr: io.Discard}
	var ff fetchFlags
	fs := app.newFlagSet("run", "", "")
	ff.register(fs)
	if err := fs.Parse([]string{"--population", "2019=https://ons.invalid/mye19.xlsx", "--retries", "0", "--timeout", "1s"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := ff.resolve(fs)
	if err != nil {
		t.Fatal(err)
	}
	site, inputs, err := ff.fetchers(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sink := func(*fetch.Fetched, io.Reader) error { return nil }
	if _, err := site.Fetch(ctx, "https://ons.invalid/mye19.xlsx", fetch.Validators{}, "", sink); !errors.Is(err, fetch.ErrHostNotAllowed) {
		t.Errorf("GOV.UK fetcher: err = %v, want ErrHostNotAllowed", err)
	}
	if _, err := inputs.Fetch(ctx, "https://ons.invalid/mye19.xlsx", fetch.Validators{}, "", sink); err == nil || errors.Is(err, fetch.ErrHostNotAllowed) {
		t.Errorf("inputs fetcher: err = %v, want a network error, not a refusal", err)
	}
}

// TestAllowHostFlagAndConfig: hosts named with --allow-host or in the
// config file's allow_hosts are fetched from; any other host is refused
// before a connection is made.
func TestAllowHostFlagAndConfig(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "mappa.json")
	if err := os.WriteFile(cfgPath, []byte(`{"allow_hosts": ["files.invalid"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	app := &App{Stdout: io.Discard, Stderr: io.Discard}
	var ff fetchFlags
	fs := app.newFlagSet("run", "", "")
	ff.register(fs)
	if err := fs.Parse([]string{"--config", cfgPath, "--allow-host", "mirror.invalid", "--retries", "0", "--timeout", "1s"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := ff.resolve(fs)
	if err != nil {
		t.Fatal(err)
	}
	site, _, err := ff.fetchers(app, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := func(*fetch.Fetched, io.Reader) error { return nil }
	for _, tc := range []struct {
		url     string
		allowed bool
	}{
		{"https://files.invalid/a.xlsx", true},
		{"https://mirror.invalid/a.xlsx", true},
		{"https://assets.publishing.service.gov.uk.invalid/a.xlsx", false},
		{"https://elsewhere.invalid/a.xlsx", false},
	} {
		_, err := site.Fetch(context.Background(), tc.url, fetch.Validators{}, "", sink)
		if refused := errors.Is(err, fetch.ErrHostNotAllowed); refused == tc.allowed || err == nil {
			t.Errorf("fetch %s: err = %v; want allowed = %v (a network error if allowed)", tc.url, err, tc.allowed)
		}
	}
}
