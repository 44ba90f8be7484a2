package pipeline_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	testFunc   = regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Benchmark)\w+)\(`)
	citedTest  = regexp.MustCompile("`((?:Test|Fuzz|Benchmark)\\w+)(?:/([^`]+))?`")
	citedAsset = regexp.MustCompile("`([\\w-]+\\.txtar)`")
)

// testFiles maps each test, fuzz and benchmark function in the module to
// the text of the file that declares it, and to that file's directory from
// the module root ("./pipeline/ons").
func testFiles(t *testing.T) (funcs, dirs map[string]string) {
	t.Helper()
	funcs, dirs = map[string]string{}, map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range testFunc.FindAllStringSubmatch(string(b), -1) {
			funcs[m[1]] = string(b)
			dirs[m[1]] = "./" + filepath.ToSlash(filepath.Dir(strings.TrimPrefix(path, "../")))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return funcs, dirs
}

// docs/reliability.md says which test covers each fault and hostile input.
// This keeps it true: every row cites a test (or end-to-end script) that
// exists, a cited subtest is a case name in that test's file, and every
// fuzz target is both documented and run by make fuzz.
func TestReliabilityDocIsTrue(t *testing.T) {
	doc, err := os.ReadFile("../docs/reliability.md")
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	funcs, dirs := testFiles(t)
	rows := 0
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| fault") || strings.HasPrefix(line, "|---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 || strings.TrimSpace(cells[2]) == "" {
			t.Errorf("row needs three cells (fault, test, observed): %s", line)
			continue
		}
		rows++
		tests, scripts := citedTest.FindAllStringSubmatch(cells[1], -1), citedAsset.FindAllStringSubmatch(cells[1], -1)
		if len(tests)+len(scripts) == 0 {
			t.Errorf("row cites no test: %s", line)
		}
		for _, m := range tests {
			src, ok := funcs[m[1]]
			switch {
			case !ok:
				t.Errorf("%s is cited but no such test exists", m[1])
			case m[2] != "" && !strings.Contains(src, `"`+m[2]+`"`):
				t.Errorf("%s/%s is cited but %s has no case named %q", m[1], m[2], m[1], m[2])
			}
		}
		for _, m := range scripts {
			if _, err := os.Stat(filepath.Join("../cmd/mappa/testdata/script", m[1])); err != nil {
				t.Errorf("script %s is cited but does not exist", m[1])
			}
		}
	}
	if rows < 30 {
		t.Errorf("only %d rows found; is the table format intact?", rows)
	}
	for name := range funcs {
		if !strings.HasPrefix(name, "Fuzz") {
			continue
		}
		if !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("fuzz target %s is not in docs/reliability.md", name)
		}
		if !strings.Contains(string(makefile), "$(GO) test "+dirs[name]+" -run '^$$' -fuzz '^"+name+"$$'") {
			t.Errorf("fuzz target %s is not run by make fuzz in its package %s", name, dirs[name])
		}
	}
}
