package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/google/renameio/v2"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"short": shortHash,
	"checks": func(cs []Check) string {
		if len(cs) == 0 {
			return "none"
		}
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s (%s): %s", c.Name, c.Subject, c.Detail))
		}
		return strings.Join(parts, "; ")
	},
	"last": func(ys []figure.FinancialYear) figure.FinancialYear { return ys[len(ys)-1] },
	"date": func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return t.Format("2 January 2006")
	},
	"datetime": func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return t.UTC().Format("2 January 2006 15:04 UTC")
	},
	"missing": func() string { return Missing },
	// count is "1 check" or "2 checks": n and the noun, singular for one.
	"count": func(n int, noun string) string { return plural(n, noun) },
}).Parse(pageTemplate))

// view is what the template renders: the report and its charts.
type view struct {
	*Report
	RateChart   chart
	MapChart    chart
	TrendCharts []chart
	// AreaName names the chosen area for the title, or is empty.
	AreaName string
}

// Unrated reports whether some area of the year has no computed rate:
// the areas table then lists those last, and its caption says so.
func (v view) Unrated() bool {
	for _, a := range v.Areas {
		if !a.Rate.Known() {
			return true
		}
	}
	return false
}

// YearRelease is the provenance of the report's year, or nil.
func (v view) YearRelease() *ReleaseSource { return v.release(v.Year) }

// areaRow is one line of the area table.
type areaRow struct {
	Row    Row
	Class  string
	Chosen bool
	Cells  []cell
}

// AreaRow lays out one area (or England and Wales) for the area table, in
// the order of its columns.
func (v view) AreaRow(x Row) areaRow {
	a := areaRow{Row: x, Chosen: v.Area != nil && v.Area.Code == x.Code}
	switch {
	case x.Code == schema.EnglandAndWales && a.Chosen:
		a.Class = "total chosen"
	case x.Code == schema.EnglandAndWales:
		a.Class = "total"
	case a.Chosen:
		a.Class = "chosen"
	}
	for _, c := range tableColumns[1:] {
		a.Cells = append(a.Cells, cellOf(x, c.Name))
	}
	return a
}

// Write renders the report as one HTML page that needs nothing else: the
// charts are inline SVG and the styles are embedded.
func (r *Report) Write(w io.Writer) error {
	v := view{Report: r}
	var err error
	if v.RateChart, err = r.rateFigure(); err != nil {
		return err
	}
	v.MapChart = r.tileMapFigure()
	trend, err := r.countFigure("chart-counts-national", schema.EnglandAndWales, "England and Wales", r.Trend)
	if err != nil {
		return err
	}
	v.TrendCharts = append(v.TrendCharts, trend)
	if r.Area != nil {
		v.AreaName = r.Area.Name
	}
	if r.AreaTrend != nil {
		area, err := r.countFigure("chart-counts-area", r.Area.Code, r.Area.Name, r.AreaTrend)
		if err != nil {
			return err
		}
		v.TrendCharts = append(v.TrendCharts, area)
	}
	rates, err := r.rateTrendFigure()
	if err != nil {
		return err
	}
	v.TrendCharts = append(v.TrendCharts, rates)
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// WriteFile renders the report to path atomically: a reader (or a web
// server) never sees half a page, and a failed render leaves the old one.
func (r *Report) WriteFile(path string) error {
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		return err
	}
	if err := renameio.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
