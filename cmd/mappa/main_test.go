package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mappa": func() {
			os.Exit((&App{Stdout: os.Stdout, Stderr: os.Stderr}).Main(context.Background(), os.Args[1:]))
		},
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// real command, with the bundled fixtures at $FIXTURES.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", fixtures)
			return nil
		},
	})
}
