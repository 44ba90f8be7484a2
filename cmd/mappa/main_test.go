package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mappa": func() { os.Exit(run()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// real command, with the bundled fixtures at $FIXTURES.
func TestScripts(t *testing.T) {
	skipProcessSuite(t)
	fixtures, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			return setupGOVUK(fixtures)(env)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"setcell": setCell, "govuk": govukCmd, "holdlock": holdLock, "waitrun": waitRun},
	})
}

// setCell copies an XLSX workbook with one cell changed, to make bad input
// from good fixtures: setcell SRC SHEET CELL VALUE DST.
func setCell(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: setcell SRC SHEET CELL VALUE DST")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	ts.Check(f.SetCellStr(args[1], args[2], args[3]))
	ts.Check(f.SaveAs(ts.MkAbs(args[4])))
}
