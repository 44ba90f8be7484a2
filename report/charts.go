package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Charts are drawn in points at this width; the page scales them to its
// column, so font sizes below are chosen for roughly 1.3 px per point.
const chartWidth = 680

var (
	// sans is gonum's bundled Liberation Sans, metrically the same as Arial
	// and Helvetica, which the SVG names as fallbacks: the fonts are not
	// embedded (that would add half a megabyte per chart), so a viewer
	// without Liberation still lays text out as measured.
	sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

	// Okabe–Ito colours, distinguishable with the common colour-vision
	// deficiencies; lines also differ in dash and marker shape.
	black      = color.RGBA{A: 255}
	blue       = color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 255}
	vermillion = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 255}
	gridGrey   = color.RGBA{R: 0xDD, G: 0xDD, B: 0xDD, A: 255}
)

// chart is one chart with the data behind it.
type chart struct {
	ID, Title string
	// Caption states the chart's key finding in words.
	Caption string
	SVG     template.HTML
	Table   dataTable
	// Sources names the releases and estimates the chart is drawn from.
	Sources string
}

// dataTable is the table behind a chart: a header row and rows whose first
// cell names the row.
type dataTable struct {
	Head []string
	Rows []dataRow
}

type dataRow struct {
	Key   string // data-key: an area code or financial year
	Name  string
	Cells []cell
	Class string
}

// newPlot returns a plot in the report's style.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 15)
	p.Title.Padding = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 13)
		a.Tick.Label.Font = font.From(sans, 12)
		a.Label.Padding = vg.Points(6)
	}
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.Legend.TextStyle.Font = font.From(sans, 12)
	p.Legend.Padding = vg.Points(4)
	return p
}

// addGrid draws light grid lines at the major ticks; horizontal lines would
// run through the bars of a horizontal bar chart, so they are optional.
func addGrid(p *plot.Plot, horizontal bool) {
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridGrey, nil
	if horizontal {
		grid.Horizontal.Color = gridGrey
	}
	p.Add(grid)
}

// niceTicks are major ticks at 1, 2, 2.5 or 5 × 10^k, about six to an
// axis (gonum's default gives three or four, too few to read values off),
// labelled with thousands separators.
var niceTicks = plot.TickerFunc(func(min, max float64) []plot.Tick {
	if !(max > min) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	target := (max - min) / 6
	mag := math.Pow(10, math.Floor(math.Log10(target)))
	step, decimals := 10*mag, 0
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= target {
			step = m * mag
			break
		}
	}
	for scaled := step; decimals < 6 && math.Abs(scaled-math.Round(scaled)) > 1e-9; scaled *= 10 {
		decimals++
	}
	var ts []plot.Tick
	for i := math.Ceil(min / step); i*step <= max*(1+1e-9); i++ {
		ts = append(ts, plot.Tick{Value: i * step, Label: group(strconv.FormatFloat(i*step, 'f', decimals, 64))})
	}
	return ts
})

// renderSVG draws the plot and returns an <svg> element for inlining: the
// XML prelude dropped, an accessible name (a <title> the element is
// labelled by) added, and font fallbacks named.
func renderSVG(p *plot.Plot, id, title string, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("draw chart %s: %w", id, err)
	}
	s := b.String()
	start := strings.Index(s, "<svg")
	if start < 0 {
		return "", fmt.Errorf("draw chart %s: no <svg> element in the output", id)
	}
	s = s[start:]
	end := strings.IndexByte(s, '>')
	s = fmt.Sprintf(`%s role="img" aria-labelledby="%s-title" aria-describedby="%s-caption" class="chart"><title id="%s-title">%s</title>%s`,
		s[:end], id, id, id, html.EscapeString(title), s[end+1:])
	s = strings.ReplaceAll(s, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	// Safe to inline: gonum escapes the text it draws, and the title is
	// escaped above.
	return template.HTML(s), nil
}

// segments splits a series at missing values, so a line never bridges a
// year without a figure.
func segments(vs []Value) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i, v := range vs {
		if !v.Known() || math.IsNaN(v.Float()) || math.IsInf(v.Float(), 0) {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, plotter.XY{X: float64(i), Y: v.Float()})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// series is one line of a trend chart.
type series struct {
	Name   string
	Values []Value
	Color  color.Color
	Dashes []vg.Length
	Glyph  draw.GlyphDrawer
}

// addSeries draws each series as lines through markers, with one legend
// entry each.
func addSeries(p *plot.Plot, ss []series) error {
	for _, s := range ss {
		var thumbs []plot.Thumbnailer
		for _, seg := range segments(s.Values) {
			line, points, err := plotter.NewLinePoints(seg)
			if err != nil {
				return fmt.Errorf("plot %s: %w", s.Name, err)
			}
			line.Color, line.Width, line.Dashes = s.Color, vg.Points(2.5), s.Dashes
			points.Color, points.Radius, points.Shape = s.Color, vg.Points(4), s.Glyph
			p.Add(line, points)
			if thumbs == nil {
				thumbs = []plot.Thumbnailer{line, points}
			}
		}
		if thumbs != nil {
			p.Legend.Add(s.Name, thumbs...)
		}
	}
	return nil
}

// trendPlot is a line chart over the loaded financial years, y from zero
// so that changes are not exaggerated, with headroom for the legend.
func trendPlot(title, yLabel string, years []figure.FinancialYear, ss []series) (*plot.Plot, error) {
	p := newPlot(title, "Financial year (counts at 31 March)", yLabel)
	addGrid(p, true)
	p.Y.Tick.Marker = niceTicks
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs = vg.Points(8)
	if err := addSeries(p, ss); err != nil {
		return nil, err
	}
	names := make([]string, len(years))
	for i, y := range years {
		names[i] = y.String()
	}
	p.NominalX(names...)
	p.X.Tick.Label.Font = font.From(sans, 11)
	p.X.Min, p.X.Max = -0.5, float64(len(years))-0.5
	p.Y.Min = 0
	p.Y.Max = math.Max(p.Y.Max*1.2, 1)
	return p, nil
}
