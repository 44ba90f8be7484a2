package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// filters name LibreOffice's export filter for each target format, so the
// output is BIFF8 .xls, OpenDocument .ods or OOXML .xlsx and never a guess.
var filters = map[string]string{
	"xls":  `xls:MS Excel 97`,
	"ods":  `ods:calc8`,
	"xlsx": `xlsx:Calc MS Excel 2007 XML`,
}

// convert runs LibreOffice once for a batch of files (starting it is the
// slow part), writing FILE.<format> for each input into outDir. A private
// profile directory keeps it from clashing with any other LibreOffice the
// machine is running.
func convert(inputs []string, format, outDir, profile string) error {
	if len(inputs) == 0 {
		return nil
	}
	args := []string{"-env:UserInstallation=file://" + profile, "--headless", "--norestore",
		"--convert-to", filters[format], "--outdir", outDir}
	cmd := exec.Command("soffice", append(args, inputs...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("soffice --convert-to %s: %v\n%s", format, err, out)
	}
	for _, in := range inputs {
		want := filepath.Join(outDir, strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))+"."+format)
		if _, err := os.Stat(want); err != nil {
			return fmt.Errorf("soffice did not produce %s:\n%s", filepath.Base(want), out)
		}
		if format == "ods" {
			if err := stampZip(want); err != nil {
				return err
			}
		}
	}
	return nil
}

// stampZip rewrites a zip container with every entry dated 1980-01-01, the
// date excelize uses, so regenerated ODS files are byte-identical (LibreOffice
// stamps the conversion time, which would make every run a git change).
// Entries are copied raw: order, compression and the stored mimetype entry
// that ODS requires first are kept.
func stampZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		fh := f.FileHeader
		// A fixed date keeps regenerated packages byte-identical.
		fh.Modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			return err
		}
		r, err := f.OpenRaw()
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, r); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
