package sheet

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits against hostile or broken workbooks, shared by the XLSX, ODS and
// XLS readers. Real inputs are far below every one of them: MAPPA area
// tables are about 50 rows × 30 columns on up to six sheets, ONS population
// workbooks (MYE2) about 450 rows × 95 columns on a few sheets, and the
// largest part of any published file is under 2 MB decompressed. The
// biggest legitimate input planned is a generated benchmark sheet of
// 200,000 rows × ~10 columns, which the cell and row limits must admit.
const (
	// maxFileBytes bounds the file read. Downloads are already capped at
	// 100 MiB; a local `mappa add` is not, and the XLSX and XLS libraries
	// hold the whole file in memory.
	maxFileBytes = 256 << 20

	// maxZipEntries bounds the entries of an XLSX or ODS package; real
	// ones have 10 to 20. maxZipDirBytes bounds the central directory that
	// archive/zip reads (and indexes, at ~250 bytes an entry, measured)
	// before the entry count can even be checked: 10,000 entries with
	// 350-byte names fit, and a directory of empty names stays at ~22 MB
	// of index.
	maxZipEntries  = 10_000
	maxZipDirBytes = 4 << 20

	// maxPartBytes bounds any one zip part decompressed and maxPackageBytes
	// all of them together. Both are checked from the central directory
	// before anything is inflated. A header that understates its size does
	// not get past them: archive/zip stops a part that inflates beyond its
	// declared size with zip.ErrFormat (see TestZipRefusesToInflatePastHeader).
	// The generated 200,000-row benchmark sheets are ~75 MB (XLSX) and
	// ~175 MB (ODS) of XML.
	maxPartBytes    = 256 << 20
	maxPackageBytes = 512 << 20

	// maxSharedStringsBytes bounds xl/sharedStrings.xml decompressed, and
	// maxSharedStrings its items: the reader holds the whole table, so a
	// few megabytes of "<si><t/></si>" must not become millions of strings.
	// Real tables are a few thousand items. (The bounds were set when
	// excelize read XLSX, at ~400 bytes an item: 262,144 items was ~105 MB.)
	maxSharedStringsBytes = 64 << 20
	maxSharedStrings      = 1 << 18

	// maxSheets bounds the sheets of a workbook; real ones have at most 20.
	maxSheets = 1000

	// maxRows and maxColumns are Excel's grid (LibreOffice's is the same
	// or smaller), so no sheet a person made exceeds them.
	maxRows    = 1 << 20
	maxColumns = 1 << 14

	// maxWorkbookRows bounds the rows materialised in a workbook, empty
	// ones included: each costs a 24-byte slice header, so one cell at the
	// bottom of every sheet would otherwise cost 24 MiB a sheet. Two full
	// grids' height is 48 MiB of headers.
	maxWorkbookRows = 1 << 21

	// maxCells bounds the cells materialised in a workbook, counting the
	// empty ones a row needs to reach its last value: each is a 16-byte
	// string header, so this is 64 MiB of headers. It is twice the
	// benchmark sheet's 2 million cells.
	maxCells = 1 << 22

	// maxTextBytes bounds the cell text of a workbook, counted as if every
	// cell held its own copy (repeated and shared strings are counted at
	// each use, as a reader that copies a shared string into every cell
	// using it would hold them). A workbook rejected here has held about this much, so it is
	// half the 128 MiB first planned; the benchmark sheet's text should
	// be under 20 MB.
	maxTextBytes = 64 << 20

	// maxCellChars is the longest cell text, in characters: Excel's limit.
	maxCellChars = 32767

	// maxBIFFRecords bounds the BIFF8 records walked across all sheets of
	// an XLS file: every cell is a record, and rows and formatting add
	// about as many again.
	maxBIFFRecords = 2 * maxCells
)

// ErrLimit marks a workbook rejected because it exceeds one of the reader
// limits (file or part size, zip entries, sheets, rows, columns, cells,
// cell text), as opposed to a malformed one. The error text names the limit.
var ErrLimit = errors.New("reader limit")

// limitError returns an error wrapping ErrLimit whose text states which
// limit was passed, such as "more than 1000 sheets (reader limit)".
func limitError(format string, args ...any) error {
	return fmt.Errorf(format+" (%w)", append(args, ErrLimit)...)
}

// checkFileSize applies maxFileBytes.
func checkFileSize(size int64) error {
	if size > maxFileBytes {
		return limitError("file is %d bytes, more than %d", size, maxFileBytes)
	}
	return nil
}

func errCellTooLong() error {
	return limitError("cell text longer than %d characters", maxCellChars)
}

// budget accounts for what a reader materialises into a workbook, so the
// grid and workbook limits are enforced in one place whatever the format.
// Readers charge before they allocate where the format allows it (ODS
// repeat counts), and at the latest as each row is appended.
type budget struct {
	sheets int
	height int64 // rows materialised in the current sheet
	rows   int64 // rows materialised in the workbook
	cells  int64
	text   int64 // bytes
}

// addSheet starts a new sheet.
func (b *budget) addSheet() error {
	b.sheets++
	b.height = 0
	if b.sheets > maxSheets {
		return limitError("more than %d sheets", maxSheets)
	}
	return nil
}

// setHeight charges the rows that growing the current sheet to height rows
// materialises.
func (b *budget) setHeight(height int64) error {
	if height > maxRows {
		return limitError("sheet taller than %d rows", maxRows)
	}
	if height > b.height {
		b.rows += height - b.height
		b.height = height
	}
	if b.rows > maxWorkbookRows {
		return limitError("more than %d rows in the workbook", maxWorkbookRows)
	}
	return nil
}

// charge charges n cells holding textBytes bytes of text between them.
func (b *budget) charge(n, textBytes int64) error {
	b.cells += n
	b.text += textBytes
	if b.cells > maxCells {
		return errTooManyCells()
	}
	if b.text > maxTextBytes {
		return errTooMuchText()
	}
	return nil
}

func errTooManyCells() error {
	return limitError("more than %d cells in the workbook", maxCells)
}

func errTooMuchText() error {
	return limitError("more than %d MiB of cell text in the workbook", maxTextBytes>>20)
}

// addRow charges cells as the row at zero-based index row of the current
// sheet, with the empty rows above it not yet charged. Errors name the
// first cell past the limit.
func (b *budget) addRow(row int64, cells []string) error {
	if err := b.setHeight(row + 1); err != nil {
		return fmt.Errorf("row %d: %w", row+1, err)
	}
	if len(cells) > maxColumns {
		return fmt.Errorf("cell %s: %w", CellName(int(row), maxColumns),
			limitError("row wider than %d columns", maxColumns))
	}
	if left := maxCells - b.cells; int64(len(cells)) > left {
		return fmt.Errorf("cell %s: %w", CellName(int(row), int(left)), errTooManyCells())
	}
	var text int64
	for c, v := range cells {
		// A string has at least as many bytes as characters, so only
		// long ones need counting.
		if len(v) > maxCellChars && utf8.RuneCountInString(v) > maxCellChars {
			return fmt.Errorf("cell %s: %w", CellName(int(row), c), errCellTooLong())
		}
		text += int64(len(v))
		if b.text+text > maxTextBytes {
			return fmt.Errorf("cell %s: %w", CellName(int(row), c), errTooMuchText())
		}
	}
	return b.charge(int64(len(cells)), text)
}
