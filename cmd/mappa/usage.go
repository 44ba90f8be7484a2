package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"regexp"
	"strings"
)

// commandDoc is a command's usage text taken apart: the one that
// `mappa CMD -h` prints, so that completion and the man page say exactly
// what the commands say.
type commandDoc struct {
	Name, Summary, Synopsis, Examples string
	Flags                             []flagDoc
}

// flagDoc is one flag as -h lists it.
type flagDoc struct {
	Name, Arg, Usage string // Arg is "" for a boolean flag
}

// flagLine is the first line of a flag in PrintDefaults: "  -db string".
var flagLine = regexp.MustCompile(`^  -(\S+)(?: (\S+))?$`)

// docs reads every command's usage text, by running it with -h.
func (a *App) docs(ctx context.Context) ([]commandDoc, error) {
	var out []commandDoc
	for _, c := range a.commands() {
		var buf bytes.Buffer
		quiet := &App{Stdout: &buf, Stderr: &buf, Log: a.Log}
		for _, qc := range quiet.commands() {
			if qc.Name() != c.Name() {
				continue
			}
			if err := qc.Run(ctx, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
				return nil, errors.New("mappa " + c.Name() + " -h printed no usage")
			}
		}
		out = append(out, parseUsage(c.Name(), c.Summary(), buf.String()))
	}
	return out, nil
}

// parseUsage takes apart "Usage: …\n\nFlags:\n…\n\nExamples:\n…".
func parseUsage(name, summary, text string) commandDoc {
	d := commandDoc{Name: name, Summary: summary}
	head, examples, _ := strings.Cut(text, "\nExamples:\n")
	d.Examples = strings.TrimRight(examples, "\n")
	synopsis, flags, _ := strings.Cut(head, "\n\nFlags:\n")
	d.Synopsis = strings.TrimSpace(strings.TrimPrefix(synopsis, "Usage: "))
	var cur *flagDoc
	for _, line := range strings.Split(flags, "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			d.Flags = append(d.Flags, flagDoc{Name: m[1], Arg: m[2]})
			cur = &d.Flags[len(d.Flags)-1]
			continue
		}
		if t := strings.TrimSpace(line); cur != nil && t != "" {
			cur.Usage = strings.TrimSpace(cur.Usage + " " + t)
		}
	}
	return d
}
