package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
)

// yearArg reads a financial year typed on the command line, in any of
// the forms ParseFinancialYear accepts, as a usage error when it is none;
// "" (a --year not given) is no year.
func yearArg(s string) (figure.FinancialYear, error) {
	if s == "" {
		return "", nil
	}
	y, err := figure.ParseFinancialYear(s)
	if err != nil {
		return "", usageError{err.Error()}
	}
	return y, nil
}

// areaArg finds the area named on the command line; a name it does not
// know is a usage error suggesting the closest names.
func areaArg(s string) (schema.Area, error) {
	a, err := schema.FindArea(s)
	if err == nil {
		return a, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, a := range schema.AllAreas() {
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return schema.Area{}, usageError{err.Error() + didYouMean(s, names)}
}

// loadedYear checks that the database holds year (any when ""), and
// otherwise is a usage error listing the years it does hold.
func loadedYear(ctx context.Context, st *store.Store, year figure.FinancialYear) error {
	if year == "" {
		return nil
	}
	years, err := st.Years(ctx)
	if err != nil {
		return err
	}
	for _, y := range years {
		if y == year {
			return nil
		}
	}
	if len(years) == 0 {
		return fmt.Errorf("no figures loaded for %s: the database holds no financial year yet (run 'mappa run' or 'mappa add')", year)
	}
	return usageError{fmt.Sprintf("no figures loaded for %s; loaded years: %s", year, figure.JoinYears(years, ", "))}
}

// outFile checks a path given for a file to write (report --out): not a
// directory, and in a directory that exists. The file itself may or may
// not exist; it is replaced.
func outFile(flagName, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageError{fmt.Sprintf("%s %s is a directory: give the file to write, such as %s", flagName, path, filepath.Join(path, "mappa-report.html"))}
	}
	return parentExists(flagName, path)
}

// parentExists checks that the directory a file is to be written in
// exists, so that a mistyped path is named as such rather than surfacing
// as a failure to create a temporary or lock file.
func parentExists(flagName, path string) error {
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usageError{fmt.Sprintf("%s %s: directory %s does not exist (create it first)", flagName, path, dir)}
	case err != nil:
		return fmt.Errorf("%s %s: %w", flagName, path, err)
	case !fi.IsDir():
		return usageError{fmt.Sprintf("%s %s: %s is not a directory", flagName, path, dir)}
	}
	return nil
}
