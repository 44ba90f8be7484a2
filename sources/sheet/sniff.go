package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// cfbMagic opens every OLE2 compound file, the container of BIFF8 .xls.
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Sniff detects the spreadsheet format from the content, never the name:
// downloaded files are often misnamed or are HTML error pages.
func Sniff(r io.ReaderAt, size int64) (Format, error) {
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, cfbMagic):
		return FormatXLS, nil
	case bytes.HasPrefix(head, zipMagic):
		zr, err := indexZip(r, size)
		if errors.Is(err, ErrLimit) {
			// Both: it is no spreadsheet this reader will open, and the
			// reason is a limit rather than a malformed file.
			return "", fmt.Errorf("%w: %w", ErrNotSpreadsheet, err)
		}
		if err != nil {
			return "", fmt.Errorf("%w: broken zip container: %v", ErrNotSpreadsheet, err)
		}
		for _, f := range zr.File {
			switch f.Name {
			case "[Content_Types].xml":
				return FormatXLSX, nil
			case "mimetype", "content.xml":
				return FormatODS, nil
			}
		}
		return "", fmt.Errorf("%w: zip file without workbook parts", ErrNotSpreadsheet)
	}
	return "", ErrNotSpreadsheet
}

// openZip opens a zip package and applies the package limits from its
// central directory, before anything is inflated: entry count, each part's
// declared size and their sum. Bounding the declared sizes bounds what is
// read, so readers need no io.LimitReader of their own: archive/zip fails
// a part with zip.ErrFormat as soon as it inflates past its declared size
// (TestZipRefusesToInflatePastHeader).
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := indexZip(r, size)
	if err != nil {
		return nil, err
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > maxPartBytes {
			return nil, fmt.Errorf("read %s: %w", f.Name, limitError(
				"zip header declares %d bytes decompressed, more than %d", f.UncompressedSize64, maxPartBytes))
		}
		total += f.UncompressedSize64
	}
	if total > maxPackageBytes {
		return nil, limitError("zip parts declare %d bytes decompressed in all, more than %d", total, maxPackageBytes)
	}
	return zr, nil
}

// indexZip reads a zip's central directory within maxZipDirBytes and
// maxZipEntries.
func indexZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	// archive/zip indexes the whole central directory before the entry
	// count can be seen, and reads it to the end of the file whatever
	// count the directory end record declares; capping the bytes it may
	// read is what bounds that index. The end record search reads 66 KiB.
	cr := &zipDirReader{r: r, left: maxZipDirBytes + 128<<10}
	zr, err := zip.NewReader(cr, size)
	cr.left = -1
	if err != nil {
		return nil, err
	}
	if len(zr.File) > maxZipEntries {
		return nil, limitError("more than %d zip entries", maxZipEntries)
	}
	return zr, nil
}

// zipDirReader lets archive/zip read at most left bytes, until left is set
// negative once the directory is indexed.
type zipDirReader struct {
	r    io.ReaderAt
	left int64
}

func (z *zipDirReader) ReadAt(p []byte, off int64) (int, error) {
	if z.left >= 0 {
		if int64(len(p)) > z.left {
			return 0, limitError("zip central directory larger than %d bytes", maxZipDirBytes)
		}
		z.left -= int64(len(p))
	}
	return z.r.ReadAt(p, off)
}

// openPart opens a zip part for reading, turning archive/zip's refusal to
// inflate past the declared size (a bare "zip: not a valid zip file") into
// an error that says what happened. Callers name the part in read errors.
func openPart(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return &partReader{ReadCloser: rc, f: f}, nil
}

type partReader struct {
	io.ReadCloser
	f *zip.File
}

func (p *partReader) Read(b []byte) (int, error) {
	n, err := p.ReadCloser.Read(b)
	if errors.Is(err, zip.ErrFormat) {
		err = fmt.Errorf("inflates to more than the %d bytes its zip header declares: %w", p.f.UncompressedSize64, err)
	}
	return n, err
}
