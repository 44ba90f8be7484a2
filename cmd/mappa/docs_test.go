package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func appOutput(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr}
	if code := app.Main(context.Background(), args); code != exitOK {
		t.Fatalf("mappa %v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// TestManPageAndCompletionSayWhatTheCommandsSay: the man page and the
// completion scripts are made from the commands' own usage texts: every
// command and every flag is in each, the man page renders without a roff
// warning, and bash completes commands, flags and first words.
func TestManPageAndCompletionSayWhatTheCommandsSay(t *testing.T) {
	app := &App{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	docs, err := app.docs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != len(app.commands()) {
		t.Fatalf("%d usage texts for %d commands", len(docs), len(app.commands()))
	}
	man := appOutput(t, "man")
	fish := appOutput(t, "completion", "fish")
	bash := appOutput(t, "completion", "bash")
	zsh := appOutput(t, "completion", "zsh")
	for _, d := range docs {
		if d.Synopsis == "" || !strings.HasPrefix(d.Synopsis, "mappa "+d.Name) {
			t.Errorf("%s: synopsis %q", d.Name, d.Synopsis)
		}
		if !strings.Contains(man, ".SS "+roff(d.Name)+"\n") || !strings.Contains(fish, "-f -a "+d.Name+" ") || !strings.Contains(bash, "\t"+d.Name+")\n") {
			t.Errorf("%s is missing from the man page or a completion", d.Name)
		}
		for _, f := range d.Flags {
			if f.Usage == "" || !strings.Contains(man, ".B \\-\\-"+roff(f.Name)) || !strings.Contains(fish, "__fish_mappa_is "+d.Name+"' -l "+f.Name+" ") || !strings.Contains(bash, "--"+f.Name) {
				t.Errorf("%s --%s is missing from the man page or a completion (usage %q)", d.Name, f.Name, f.Usage)
			}
		}
	}
	if !strings.HasPrefix(zsh, "#compdef mappa\n") || !strings.HasSuffix(zsh, "_bash_complete -F __mappa_bash \"$@\"\n") {
		t.Errorf("zsh script starts %q", zsh[:min(40, len(zsh))])
	}
	dir := t.TempDir()
	if groff, err := exec.LookPath("groff"); err == nil {
		page := filepath.Join(dir, "mappa.1")
		os.WriteFile(page, []byte(man), 0o644)
		out, err := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z", page).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("groff: %v\n%s", err, out)
		}
	}
	script := filepath.Join(dir, "mappa.bash")
	os.WriteFile(script, []byte(bash), 0o644)
	for _, tc := range []struct{ words, want string }{
		{"mappa ad", "add"},
		{"mappa add --ed", "--edition"},
		{"mappa list ''", "areas measures years"},
		{"mappa rebuild --dr", "--dry-run"},
	} {
		out, err := exec.Command("bash", "-c", "source "+script+"; COMP_WORDS=("+tc.words+"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); __mappa_bash; echo \"${COMPREPLY[*]}\"").CombinedOutput()
		if err != nil || !strings.Contains(string(out), tc.want) {
			t.Errorf("completing %q: %q, %v; want %q", tc.words, out, err, tc.want)
		}
	}
}
