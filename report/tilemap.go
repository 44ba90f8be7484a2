package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// tile places one area on the tile map: a square per area, laid out
// roughly where it lies, as data journalists draw England and Wales. The
// layout is mappa's own, by hand: column 0 is the west (Wales), row 0 the
// north (Northumbria).
type tile struct {
	code, label string
	col, row    int
}

// tiles is the tile map's layout: every one of the 42 areas once.
var tiles = []tile{
	{"E23000007", "NBR", 4, 0},
	{"E23000002", "CUM", 3, 1}, {"E23000008", "DUR", 4, 1},
	{"E23000003", "LAN", 2, 2}, {"E23000009", "NYO", 3, 2}, {"E23000013", "CLE", 4, 2},
	{"E23000004", "MER", 1, 3}, {"E23000005", "GMA", 2, 3}, {"E23000010", "WYO", 3, 3}, {"E23000012", "HUM", 4, 3},
	{"W15000001", "NWA", 0, 4}, {"E23000006", "CHE", 1, 4}, {"E23000018", "DER", 2, 4}, {"E23000011", "SYO", 3, 4}, {"E23000020", "LIN", 4, 4},
	{"W15000004", "DYF", 0, 5}, {"E23000015", "STA", 1, 5}, {"E23000014", "WMI", 2, 5}, {"E23000019", "NOT", 3, 5}, {"E23000021", "LEI", 4, 5},
	{"E23000024", "NFK", 5, 5},
	{"W15000003", "SWA", 0, 6}, {"W15000002", "GWE", 1, 6}, {"E23000016", "WME", 2, 6}, {"E23000017", "WAR", 3, 6}, {"E23000022", "NHA", 4, 6},
	{"E23000023", "CAM", 5, 6}, {"E23000025", "SUF", 6, 6},
	{"E23000037", "GLO", 1, 7}, {"E23000029", "TVA", 2, 7}, {"E23000026", "BED", 3, 7}, {"E23000027", "HER", 4, 7}, {"E23000028", "ESS", 5, 7},
	{"E23000036", "AVS", 1, 8}, {"E23000038", "WIL", 2, 8}, {"E23000031", "SUR", 3, 8}, {"E23000001", "LON", 4, 8}, {"E23000032", "KEN", 5, 8},
	{"E23000035", "DEC", 0, 9}, {"E23000039", "DOR", 1, 9}, {"E23000030", "HAM", 2, 9}, {"E23000033", "SUS", 3, 9},
}

// sequential is a colour-blind-safe sequential scale (viridis, five
// steps), light for the lowest rates to dark for the highest; ink is the
// text colour legible on each.
var (
	sequential = []string{"#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"}
	ink        = []string{"#1a1a1a", "#1a1a1a", "#ffffff", "#ffffff", "#ffffff"}
)

const (
	tileSize = 58
	tileGap  = 4
	mapLeft  = 8
	mapTop   = 40
)

// tileMapFigure draws the year's computed rates on the tile map, with a
// legend of the five bands, England and Wales stated beside it, the chosen
// area outlined, and the table of areas, rates and bands behind it.
func (r *Report) tileMapFigure() chart {
	f := chart{ID: "chart-map", Title: fmt.Sprintf("RSOs per 100,000 aged 10+ by area, %s, as a tile map", r.Year)}
	rates := map[string]Row{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range r.Areas {
		rates[a.Code] = a
		if a.Rate.Known() {
			lo, hi = math.Min(lo, a.Rate.Float()), math.Max(hi, a.Rate.Float())
		}
	}
	if math.IsInf(lo, 1) {
		f.Caption = fmt.Sprintf("No map: no area has a computed rate for %s, since no population estimate was loaded for it.", r.Year)
		return f
	}
	band := func(v float64) int {
		if hi == lo {
			return 2
		}
		return min(4, int(float64(len(sequential))*(v-lo)/(hi-lo)))
	}
	width := mapLeft + 7*(tileSize+tileGap) + 280
	height := mapTop + 10*(tileSize+tileGap) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title" aria-describedby="%s-caption">`, width, height, f.ID, f.ID)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, f.ID, template.HTMLEscapeString(f.Title))
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="16" font-weight="bold">%s</text>`, mapLeft, template.HTMLEscapeString(f.Title))
	f.Table = dataTable{Head: []string{"Area", "Per 100,000 aged 10+", "Band"}}
	for _, t := range tiles {
		a, ok := rates[t.code]
		if !ok {
			continue
		}
		x, y := mapLeft+t.col*(tileSize+tileGap), mapTop+t.row*(tileSize+tileGap)
		fill, text, value, bandText := "#e6e6e6", "#1a1a1a", Missing, "no rate"
		if a.Rate.Known() {
			k := band(a.Rate.Float())
			fill, text, value, bandText = sequential[k], ink[k], FormatRate(a.Rate), fmt.Sprint(k+1, " of 5")
		}
		stroke := `stroke="#ffffff" stroke-width="1"`
		if r.Area != nil && r.Area.Code == t.code {
			stroke = `stroke="#D55E00" stroke-width="5"`
		}
		fmt.Fprintf(&b, `<g data-area-code="%s"><title>%s: %s per 100,000</title>`, t.code, template.HTMLEscapeString(a.Name), value)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" %s/>`, x, y, tileSize, tileSize, fill, stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="15" font-weight="bold" text-anchor="middle" fill="%s">%s</text>`, x+tileSize/2, y+24, text, t.label)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="%s">%s</text></g>`, x+tileSize/2, y+44, text, value)
		f.Table.Rows = append(f.Table.Rows, dataRow{Key: t.code, Name: a.Name + " (" + t.label + ")", Class: r.rowClass(a),
			Cells: []cell{cellOf(a, "rso_rate_per_100k"), {Text: bandText}}})
	}
	lx := mapLeft + 7*(tileSize+tileGap) + 12
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" font-weight="bold">Per 100,000 aged 10+</text>`, lx, mapTop+14)
	y := mapTop + 26
	swatch := func(fill, label string) {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="22" height="22" fill="%s"/>`, lx, y, fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14">%s</text>`, lx+30, y+16, label)
		y += 28
	}
	bands := "in five equal bands from " + oneDecimal(lo) + " to " + oneDecimal(hi)
	if hi == lo {
		bands = "every area at " + oneDecimal(lo)
		swatch(sequential[2], "all "+oneDecimal(lo))
	} else {
		step := (hi - lo) / float64(len(sequential))
		for k := range sequential {
			swatch(sequential[k], oneDecimal(lo+float64(k)*step)+" to "+oneDecimal(lo+float64(k+1)*step))
		}
	}
	unrated := 0
	for _, a := range r.Areas {
		if !a.Rate.Known() {
			unrated++
		}
	}
	if unrated > 0 {
		swatch("#e6e6e6", "no rate")
	}
	nat := Missing
	if r.National.Rate.Known() {
		nat = FormatRate(r.National.Rate)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14">England and Wales: %s</text>`, lx, y+14, nat)
	y += 28
	if r.Area != nil && onMap(r.Area.Code) {
		// The name on its own line: long ones would run off the map.
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="22" height="22" fill="none" stroke="#D55E00" stroke-width="4"/>`, lx, y)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14">highlighted:</text>`, lx+30, y+16)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14">%s</text>`, lx+30, y+34, template.HTMLEscapeString(r.Area.Name))
	}
	b.WriteString(`</svg>`)
	f.SVG = template.HTML(b.String())
	f.Caption = fmt.Sprintf("Each square is one of the 42 areas, placed roughly where it lies, coloured by its rate %s per 100,000; England and Wales %s.", bands, nat)
	if unrated > 0 {
		f.Caption += fmt.Sprintf(" %s no computed rate, in grey.", map[bool]string{true: "1 area has", false: fmt.Sprintf("%d areas have", unrated)}[unrated == 1])
	}
	if len(r.Units) > 0 {
		f.Caption += " The National Security Division, a national unit and no place, is not on the map."
	}
	return f
}

// onMap reports whether an area has a tile.
func onMap(code string) bool {
	for _, t := range tiles {
		if t.code == code {
			return true
		}
	}
	return false
}
