package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
		wantErr    string
	}{
		{
			name:   "relative paths are relative to the config file",
			config: `{"db": "m.db", "archive": "arch", "population": {"2019": "pop/mye19.xlsx", "2020": "https://ons.example/mye20.xlsx"}, "lookups": ["/abs/lu.csv", "lu21.csv"]}`,
			wantDB: filepath.Join(etc, "m.db"), wantSource: "https://www.gov.uk",
			wantPop:    map[string]string{"2019": filepath.Join(etc, "pop/mye19.xlsx"), "2020": "https://ons.example/mye20.xlsx"},
			wantLookup: []string{"/abs/lu.csv", filepath.Join(etc, "lu21.csv")},
		},
		{
			name:   "flags win over the file; list flags add to it",
			config: `{"db": "m.db", "source": "https://mirror.example", "population": {"2019": "a.xlsx"}, "lookups": ["lu.csv"]}`,
			args:   []string{"--db", "other.db", "--population", "2019=b.xlsx", "--lookup", "more.csv"},
			wantDB: "other.db", wantSource: "https://mirror.example",
			wantPop:    map[string]string{"2019": "b.xlsx"},
			wantLookup: []string{filepath.Join(etc, "lu.csv"), "more.csv"},
		},
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
		})
	}
}
