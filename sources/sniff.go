package sources

import (
	"archive/zip"
	"bytes"
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
		zr, err := zip.NewReader(r, size)
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
