package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

const rateAxis = "RSOs per 100,000 population aged 10 and over"

// rateFigure is the year's computed rates as horizontal bars, so that all
// 42 names can be read, highest at the top, the chosen area in another
// colour and England and Wales as a labelled reference line.
func (r *Report) rateFigure() (chart, error) {
	f := chart{ID: "chart-rates", Title: fmt.Sprintf("RSOs per 100,000 population aged 10+, by area, %s", r.Year),
		Sources: r.yearSources()}
	var ranked []Row
	var unrated []string
	f.Table = dataTable{Head: []string{"Area", "Rank", "Rate per 100,000 (computed)", "Rate per 100,000 (published)"}}
	for _, a := range r.Areas { // highest rate first, areas without one last
		rank := cell{Text: Missing}
		if a.Rate.Known() {
			ranked = append(ranked, a)
			rank.Text = fmt.Sprint(len(ranked))
		} else {
			unrated = append(unrated, a.Name)
		}
		f.Table.Rows = append(f.Table.Rows, dataRow{Key: a.Code, Name: a.Name, Class: r.rowClass(a),
			Cells: []cell{rank, cellOf(a, "rso_rate_per_100k"), cellOf(a, "rso_rate_per_100k_published")}})
	}
	f.Table.Rows = append(f.Table.Rows, dataRow{Key: r.National.Code, Name: r.National.Name, Class: "total",
		Cells: []cell{{}, cellOf(r.National, "rso_rate_per_100k"), cellOf(r.National, "rso_rate_per_100k_published")}})
	if len(ranked) == 0 {
		f.Caption = fmt.Sprintf("No area has a computed rate for %s: no population estimate was loaded for it.", r.Year)
		return f, nil
	}
	f.Caption = r.rateFinding(ranked)
	if len(unrated) > 0 {
		f.Caption += fmt.Sprintf(" No computed rate (no RSO count or population estimate): %s.", strings.Join(unrated, ", "))
	}

	n := len(ranked)
	// A column of values at the right, clear of the bars and the reference
	// line, which labels at the bar ends would collide with.
	xMax := ranked[0].Rate.Float() * 1.15
	names, vals := make([]string, n), make(plotter.Values, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	chosen := -1
	for i, a := range ranked {
		j := n - 1 - i // gonum puts the first bar at the bottom
		names[j], vals[j] = a.Name, a.Rate.Float()
		labels.XYs[j], labels.Labels[j] = plotter.XY{X: xMax, Y: float64(j)}, FormatRate(a.Rate)
		if r.Area != nil && a.Code == r.Area.Code {
			chosen, names[j] = j, a.Name+" (highlighted)"
		}
	}
	p := newPlot(f.Title, rateAxis, "")
	addGrid(p, false)
	p.NominalY(names...)
	p.X.Tick.Marker = niceTicks
	barWidth := vg.Points(11)
	bars, err := plotter.NewBarChart(vals, barWidth)
	if err != nil {
		return f, fmt.Errorf("rate chart: %w", err)
	}
	bars.Horizontal, bars.Color, bars.LineStyle.Width = true, blue, 0
	p.Add(bars)
	if chosen >= 0 {
		hi, err := plotter.NewBarChart(plotter.Values{vals[chosen]}, barWidth)
		if err != nil {
			return f, fmt.Errorf("rate chart: %w", err)
		}
		hi.Horizontal, hi.Color, hi.LineStyle.Width, hi.XMin = true, vermillion, 0, float64(chosen)
		p.Add(hi)
	}
	values, err := plotter.NewLabels(labels)
	if err != nil {
		return f, fmt.Errorf("rate chart: %w", err)
	}
	for i := range values.TextStyle {
		values.TextStyle[i].Font = font.From(sans, 11)
		values.TextStyle[i].XAlign, values.TextStyle[i].YAlign = draw.XRight, draw.YCenter
	}
	p.Add(values)
	top := float64(n) - 0.4
	if nat := r.National.Rate; nat.Known() {
		ref, err := plotter.NewLine(plotter.XYs{{X: nat.Float(), Y: -0.6}, {X: nat.Float(), Y: top}})
		if err != nil {
			return f, fmt.Errorf("rate chart: %w", err)
		}
		ref.Color, ref.Width, ref.Dashes = black, vg.Points(2), []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(ref)
		label, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: nat.Float(), Y: top}},
			Labels: []string{"England and Wales " + FormatRate(nat)}})
		if err != nil {
			return f, fmt.Errorf("rate chart: %w", err)
		}
		label.TextStyle[0].Font = font.From(sans, 12)
		label.TextStyle[0].XAlign, label.TextStyle[0].YAlign = draw.XCenter, draw.YBottom
		label.Offset = vg.Point{Y: vg.Points(3)}
		p.Add(label)
	}
	p.X.Min, p.X.Max = 0, xMax
	p.Y.Min, p.Y.Max = -0.6, top+1.2
	f.SVG, err = renderSVG(p, f.ID, f.Title, chartWidth, vg.Points(float64(16*n+130)))
	return f, err
}

// rateFinding says which areas have the highest and lowest rates, the
// national rate, and where the chosen area ranks.
func (r *Report) rateFinding(ranked []Row) string {
	hi, lo := ranked[0], ranked[len(ranked)-1]
	s := fmt.Sprintf("%s has the highest rate, %s per 100,000 aged 10 and over, and %s the lowest, %s; England and Wales %s.",
		hi.Name, FormatRate(hi.Rate), lo.Name, FormatRate(lo.Rate), FormatRate(r.National.Rate))
	for i, a := range ranked {
		if r.Area != nil && a.Code == r.Area.Code {
			s += fmt.Sprintf(" %s: %s, %s of %d.", a.Name, FormatRate(a.Rate), ordinal(i+1), len(ranked))
		}
	}
	return s
}

func (r *Report) rowClass(a Row) string {
	if r.Area != nil && a.Code == r.Area.Code {
		return "chosen"
	}
	return ""
}

// countFigure is the trend of RSOs and violent offenders in one area, or,
// for a national unit (which manages terrorist and terrorism risk
// offenders, not RSOs), of its category 4 and all its offenders.
func (r *Report) countFigure(id, code, name string, rows []Row) (chart, error) {
	first := countSeries{"rsos", "RSOs", "RSOs", "Registered sexual offenders"}
	second := countSeries{"violent_offenders", "violent offenders", "Violent offenders", "Violent offenders"}
	what := "RSOs and violent offenders"
	if r.Area != nil && code == r.Area.Code && r.Area.Type == schema.NationalUnit {
		first = countSeries{"terrorism_offenders", "terrorism offenders", "Terrorism offenders", "Terrorist and terrorism risk offenders (category 4)"}
		second = countSeries{"total_offenders", "all MAPPA offenders", "All MAPPA offenders", "All MAPPA-eligible offenders"}
		what = "Terrorism and all MAPPA offenders"
	}
	f := chart{ID: id, Title: fmt.Sprintf("%s, %s, %s to %s", what, name, r.Years[0], r.Years[len(r.Years)-1]),
		Sources: r.trendSources(false)}
	byYear := r.byYear(code, rows)
	a, b := values(byYear, first.column), values(byYear, second.column)
	f.Caption = fmt.Sprintf("%s: %s %s; %s %s.", name, first.caption, trendText(r.Years, a, FormatCount),
		second.caption, trendText(r.Years, b, FormatCount))
	f.Table = dataTable{Head: []string{"Financial year", first.short, second.short, "RSO growth on previous year, %"}}
	for _, x := range byYear {
		f.Table.Rows = append(f.Table.Rows, dataRow{Key: x.Year.String(), Name: x.Year.String(),
			Cells: []cell{cellOf(x, first.column), cellOf(x, second.column), cellOf(x, "rso_growth_pct")}})
	}
	p, err := trendPlot(f.Title, "People", r.Years, []series{
		{Name: first.long, Values: a, Color: blue, Glyph: draw.CircleGlyph{}},
		{Name: second.long, Values: b, Color: vermillion, Dashes: []vg.Length{vg.Points(7), vg.Points(4)},
			Glyph: draw.TriangleGlyph{}},
	})
	if err != nil {
		return f, err
	}
	f.SVG, err = renderSVG(p, f.ID, f.Title, chartWidth, 340)
	return f, err
}

// countSeries is one line of a count chart: its area_summary column, its
// name in the caption, its heading in the data table and in the legend.
type countSeries struct{ column, caption, short, long string }

// rateTrendFigure is the computed rate over the years for England and
// Wales and the chosen area.
func (r *Report) rateTrendFigure() (chart, error) {
	who := "England and Wales"
	if r.AreaTrend != nil {
		who += " and " + r.Area.Name
	}
	f := chart{ID: "chart-rate-trend", Title: fmt.Sprintf("RSOs per 100,000 aged 10+, %s, %s to %s", who, r.Years[0], r.Years[len(r.Years)-1]),
		Sources: r.trendSources(true)}
	nat := r.byYear(schema.EnglandAndWales, r.Trend)
	natRates := values(nat, "rso_rate_per_100k")
	if !slices.ContainsFunc(natRates, Value.Known) {
		// No population, no rate: say so, rather than draw an empty chart.
		f.Caption = "No rate can be computed for any year: no population estimate is loaded. The counts are charted below."
		return f, nil
	}
	ss := []series{{Name: "England and Wales", Values: natRates, Color: black, Glyph: draw.CircleGlyph{}}}
	f.Caption = "England and Wales: " + trendText(r.Years, natRates, perHundredThousand) + "."
	f.Table = dataTable{Head: []string{"Financial year", "England and Wales"}}
	var area []Row
	if r.AreaTrend != nil && r.Area.Type == schema.NationalUnit {
		// No population, so no rate: say so rather than draw nothing.
		f.Caption += fmt.Sprintf(" %s: a national unit, not a place, with no population and so no rate.", r.Area.Name)
	} else if r.AreaTrend != nil {
		area = r.byYear(r.Area.Code, r.AreaTrend)
		rates := values(area, "rso_rate_per_100k")
		ss = append(ss, series{Name: r.Area.Name, Values: rates, Color: vermillion,
			Dashes: []vg.Length{vg.Points(7), vg.Points(4)}, Glyph: draw.TriangleGlyph{}})
		f.Caption += fmt.Sprintf(" %s: %s.", r.Area.Name, trendText(r.Years, rates, perHundredThousand))
		f.Table.Head = append(f.Table.Head, r.Area.Name)
	}
	f.Table.Head = append(f.Table.Head, "Population estimate used")
	for i, x := range nat {
		cells := []cell{cellOf(x, "rso_rate_per_100k")}
		if area != nil {
			cells = append(cells, cellOf(area[i], "rso_rate_per_100k"))
		}
		pop := cell{Text: Missing, Note: "no estimate loaded"}
		if x.PopulationYear.Known() {
			pop = cell{Text: fmt.Sprintf("mid-%.0f", x.PopulationYear.Float()), Raw: raw(x.PopulationYear)}
		}
		f.Table.Rows = append(f.Table.Rows, dataRow{Key: x.Year.String(), Name: x.Year.String(), Cells: append(cells, pop)})
	}
	p, err := trendPlot(f.Title, "Per 100,000 aged 10+", r.Years, ss)
	if err != nil {
		return f, err
	}
	f.SVG, err = renderSVG(p, f.ID, f.Title, chartWidth, 340)
	return f, err
}

// byYear lines an area's rows up with the loaded years: an area missing
// from a release gets a row with no figures, so its lines break there.
func (r *Report) byYear(code string, rows []Row) []Row {
	have := map[figure.FinancialYear]Row{}
	for _, x := range rows {
		have[x.Year] = x
	}
	out := make([]Row, len(r.Years))
	for i, y := range r.Years {
		x, ok := have[y]
		if !ok {
			x = Row{Year: y, Code: code}
		}
		out[i] = x
	}
	return out
}

// values is one column of rows.
func values(rows []Row, column string) []Value {
	out := make([]Value, len(rows))
	for i, x := range rows {
		out[i] = x.Get(column)
	}
	return out
}

// trendText describes a series from its first figure to its last: "71,630
// in 2024-25, up 37.5% from 52,087 in 2013-14".
func trendText(years []figure.FinancialYear, vs []Value, format func(Value) string) string {
	first, last := -1, -1
	for i, v := range vs {
		if v.Known() {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	switch {
	case first < 0:
		return "no figures loaded"
	case first == last:
		return fmt.Sprintf("%s in %s", format(vs[last]), years[last])
	}
	a, b := vs[first].Float(), vs[last].Float()
	dir := "up"
	if b < a {
		dir = "down"
	}
	switch {
	case format(vs[first]) == format(vs[last]):
		dir = "unchanged"
	case a != 0:
		dir += fmt.Sprintf(" %s%%", oneDecimal(math.Abs(b-a)/math.Abs(a)*100))
	}
	return fmt.Sprintf("%s in %s, %s from %s in %s", format(vs[last]), years[last], dir, format(vs[first]), years[first])
}

func perHundredThousand(v Value) string { return FormatRate(v) + " per 100,000" }

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprint(n) + suffix
}
