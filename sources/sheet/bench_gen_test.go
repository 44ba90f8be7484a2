package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The generated benchmark sheet: an area table made long. Each row is an
// area name and a category (short strings from small sets, as in the real
// tables) followed by numbers, some integers and some decimals.
const (
	genRows = 200_000
	genCols = 10
)

var genAreas = []string{
	"Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "Cleveland",
	"Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys",
	"Essex", "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire",
	"Hertfordshire", "Humberside", "Kent", "Lancashire", "Leicestershire",
	"Lincolnshire", "London", "Merseyside", "Norfolk", "North Wales",
	"North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire",
	"South Wales", "South Yorkshire", "Staffordshire", "Suffolk", "Surrey",
	"Sussex", "Thames Valley", "Warwickshire", "West Mercia", "West Midlands",
	"West Yorkshire", "Wiltshire",
}

// genCell returns the value of the generated sheet's cell at row r, column
// c, and whether it is a number.
func genCell(r, c int) (string, bool) {
	switch {
	case c == 0:
		return genAreas[r%len(genAreas)], false
	case c == 1:
		return "Category " + strconv.Itoa(1+r%3), false
	case c%3 == 0:
		return strconv.FormatFloat(float64((r*7+c*13)%100000)/10, 'f', -1, 64), true
	}
	return strconv.Itoa((r*31 + c*17) % 5000), true
}

// genODS returns the generated sheet as an ODS package and the size of its
// content.xml. Cells are written as LibreOffice writes them (value-type
// and calcext attributes, a text:p with the displayed text), except that
// most numbers omit the display paragraph, which ODF allows: with every
// paragraph the document would be ~200 MB, close to the part limit.
func genODS() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err == nil {
		_, err = io.WriteString(w, odsSpreadsheetMT)
	}
	if err == nil {
		w, err = zw.Create("content.xml")
	}
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	doc := odsDoc("\x00")
	head, tail, _ := strings.Cut(doc, "\x00")
	bw.WriteString(head)
	bw.WriteString(`<table:table table:name="Long" table:style-name="ta1"><table:table-column table:style-name="co1" table:number-columns-repeated="10" table:default-cell-style-name="Default"/>`)
	for r := range genRows {
		bw.WriteString(`<table:table-row table:style-name="ro1">`)
		for c := range genCols {
			v, num := genCell(r, c)
			switch {
			case !num:
				fmt.Fprintf(bw, `<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>%s</text:p></table:table-cell>`, v)
			case c == 2:
				fmt.Fprintf(bw, `<table:table-cell office:value-type="float" office:value="%s" calcext:value-type="float"><text:p>%s</text:p></table:table-cell>`, v, v)
			default:
				fmt.Fprintf(bw, `<table:table-cell office:value-type="float" office:value="%s"/>`, v)
			}
		}
		bw.WriteString(`</table:table-row>`)
	}
	bw.WriteString(`</table:table>`)
	bw.WriteString(tail)
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// genXLSX returns the generated sheet as an XLSX package, written by
// excelize's StreamWriter (inline strings, no shared strings table).
func genXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	row := make([]any, genCols)
	for r := range genRows {
		for c := range genCols {
			v, num := genCell(r, c)
			row[c] = v
			if num {
				row[c], _ = strconv.ParseFloat(v, 64)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// generatedCache holds the last package generated, so -count=N builds it
// once, and only one: the heap a benchmark keeps alive raises the heap the
// collector lets garbage reach, which peak-MB-beyond-result would count.
var generatedCache struct {
	sync.Mutex
	name string
	data []byte
}

// generated returns the package gen builds, named name, failing the
// benchmark if it could not be built.
func generated(b *testing.B, name string, gen func() ([]byte, error)) []byte {
	b.Helper()
	c := &generatedCache
	c.Lock()
	defer c.Unlock()
	if c.name != name {
		c.name, c.data = "", nil
		runtime.GC()
		data, err := gen()
		if err != nil {
			b.Fatal(err)
		}
		c.name, c.data = name, data
	}
	return c.data
}
