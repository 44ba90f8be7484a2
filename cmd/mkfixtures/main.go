// Command mkfixtures generates the published-file fixtures of mappa: MoJ
// MAPPA area tables for 2013-14 to 2025-26 in both layout families, ONS
// mid-year population estimates for mid-2013 to mid-2024 (2025-26, the
// latest release, uses mid-2024), the LAD to PFA lookups, a MANIFEST.tsv in
// load order and an expected.json for end-to-end tests.
//
// From 2022-23 the tables carry category 4 (terrorist and terrorism risk
// offenders) and a National Security Division row (code NSD in the model)
// that counts towards England and Wales but neither country; from 2024-25
// breaches are split into cautions and convictions, and the rounded
// population aged 10 and over is published beside the rate.
//
// Every number is invented but internally consistent: districts add up to
// police force areas, areas add up to England and Wales, and the figures
// the MoJ published (see shared/domain.md) are reproduced exactly. Output is
// reproducible: randomness comes from math/rand/v2 with a fixed seed, one
// stream per component so that changing one does not reshuffle the others.
//
// XLSX is written with excelize; XLS and ODS are made by converting XLSX
// with LibreOffice (soffice), which must be on PATH. The files are committed,
// so tests never need LibreOffice. After writing, every file is read back
// (converted back to XLSX where needed) and checked cell by cell.
//
// Usage:
//
//	go run ./cmd/mkfixtures -out testdata/published
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// seed fixes every random draw; change it and all numbers change.
const seed = 20250314

// Random streams, one per component. New components take new streams at
// the end, so that existing figures keep their draws.
const (
	streamGeography = iota + 1
	streamPopulation
	streamMAPPA
	streamCategory4 // category 4 and the National Security Division
	streamDetail2   // events added in 2022-23 on, during-year counts, split breaches
	streamLatest    // 2025-26, the year after the population range
)

func main() {
	out := flag.String("out", "testdata/published", "directory to write the fixtures to")
	verify := flag.Bool("verify", true, "read every produced file back and check it")
	flag.Parse()
	if err := run(*out, *verify); err != nil {
		log.Fatal(err)
	}
}

// entry is one line of MANIFEST.tsv. edition is a population file's: the
// synthetic estimates state no release date, so the archive is built with
// --edition, a nominal 30 June of the year after the mid-year.
type entry struct{ kind, period, file, edition string }

func run(out string, verify bool) error {
	stream := func(n uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, n)) }
	g := buildGeography(stream(streamGeography))
	pop := buildPopulation(g, stream(streamPopulation))
	years := buildMAPPA(g, pop, stream)
	if err := checkPins(years, g, pop); err != nil {
		return fmt.Errorf("model does not reproduce the calibration: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mkfixtures-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var manifest []entry
	for _, s := range lookupSpecs {
		if err := writeLookup(out, s, g); err != nil {
			return err
		}
		manifest = append(manifest, entry{"lookup", "", s.file(), ""})
	}
	var books []*book
	for _, s := range popSpecs {
		books = append(books, writePopulation(s, g, pop))
		manifest = append(manifest, entry{"population", fmt.Sprint(s.year), s.file, fmt.Sprintf("%d-06-30", s.year+1)})
	}
	areaFiles := map[int]string{}
	for fy := firstYear; fy <= lastFY; fy++ {
		b := areaTable(fy, years[fy])
		books = append(books, b)
		areaFiles[fy] = b.name
		manifest = append(manifest, entry{"area-tables", fyLabel(fy), b.name, ""})
	}
	if err := saveAll(books, out, tmp); err != nil {
		return err
	}
	if err := writeManifest(out, manifest); err != nil {
		return err
	}
	if err := writeExpected(out, years, g, pop, areaFiles); err != nil {
		return err
	}
	log.Printf("wrote %d files to %s", len(manifest)+2, out)
	if !verify {
		return nil
	}
	return verifyAll(out, tmp, books, years, g, pop)
}

// areaTable writes the year in whichever family it was published in.
func areaTable(fy int, yf *yearFigures) *book {
	for _, s := range legacySpecs {
		if s.fy == fy {
			return writeLegacy(s, yf)
		}
	}
	for _, s := range accessibleSpecs {
		if s.fy == fy {
			return writeAccessible(s, yf)
		}
	}
	// 2021-22 to 2025-26 are accessible, the rest legacy; a gap is a bug.
	panic(fmt.Sprintf("no layout for %s", fyLabel(fy)))
}

// saveAll writes XLSX books straight to out and stages the others as XLSX
// under tmp, converting them in one LibreOffice run per target format.
func saveAll(books []*book, out, tmp string) error {
	stage := filepath.Join(tmp, "stage")
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return err
	}
	pending := map[string][]string{}
	for _, b := range books {
		if b.format == "xlsx" {
			if err := b.save(filepath.Join(out, b.name)); err != nil {
				return err
			}
			continue
		}
		path := filepath.Join(stage, strings.TrimSuffix(b.name, filepath.Ext(b.name))+".xlsx")
		if err := b.save(path); err != nil {
			return err
		}
		pending[b.format] = append(pending[b.format], path)
	}
	formats := make([]string, 0, len(pending))
	for f := range pending {
		formats = append(formats, f)
	}
	sort.Strings(formats)
	for _, f := range formats {
		if err := convert(pending[f], f, out, filepath.Join(tmp, "profile")); err != nil {
			return err
		}
	}
	return nil
}

// writeManifest lists the files in load order: lookups, population, area
// tables. The first line is a header naming the four columns.
func writeManifest(out string, es []entry) error {
	var sb strings.Builder
	sb.WriteString("kind\tperiod\tfile\tedition\n")
	for _, e := range es {
		fmt.Fprintf(&sb, "%s\t%s\t%s\t%s\n", e.kind, e.period, e.file, e.edition)
	}
	return os.WriteFile(filepath.Join(out, "MANIFEST.tsv"), []byte(sb.String()), 0o644)
}
