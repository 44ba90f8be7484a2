// Package report builds a self-contained HTML report of the MAPPA figures in
// a mappa database: one year's RSO rates by area, the trend across all
// loaded years for England and Wales and one chosen area, a table of areas
// with their failing checks, and the releases and population estimates
// behind every figure. Build gathers the figures through the store, which
// holds all the SQL; Report.Write draws the charts and renders the page, so
// tests can check what it shows against the database.
package report

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
)

// Report is everything the page shows, read from one database.
type Report struct {
	// Year is the financial year of the area table and bar chart.
	Year figure.FinancialYear
	// Years are all loaded financial years, oldest first.
	Years []figure.FinancialYear
	// Area is the chosen area, or nil when none was chosen.
	Area *schema.Area
	// DataAsOf is when the newest source file entered the archive; the
	// page carries no other date, so the same database gives the same page.
	DataAsOf string
	// National is England and Wales in Year.
	National Row
	// Areas are the 42 areas in Year, highest computed rate first.
	Areas []Row
	// Units are the national units in Year (the National Security
	// Division): listed in the area table, but with no population they
	// have no rate to chart or rank.
	Units []Row
	// YearChecks are Year's failing checks that are about no single area.
	YearChecks []Check
	// CheckCounts counts Year's check results by status; FailingKinds
	// names the checks that fail in Year, in the order first found, for
	// the banner at the top of the page.
	CheckCounts  map[string]int
	FailingKinds []string
	// Trend is England and Wales in every loaded year; AreaTrend is the
	// chosen area (nil without one, or when it is England and Wales).
	Trend, AreaTrend []Row
	// Columns describe the columns of the area table, from the columns
	// table, in the order the table shows them.
	Columns []Column
	// SyntheticYears are the years whose release is one of mappa's
	// bundled fixtures: made-up figures the page must not pass off as the
	// MoJ's (Synthetic: all of them).
	SyntheticYears []figure.FinancialYear
	// Revisions are what changed in Year since it was first published,
	// oldest first.
	Revisions []Revision
	// Releases and Populations are the provenance of the figures.
	Releases    []ReleaseSource
	Populations []PopulationSource
}

// Row is one area (or England and Wales) in one financial year, as
// area_summary has it.
type Row struct {
	Year                             figure.FinancialYear
	Code, Name                       string
	RSOs, Violent, Terrorism, Total  Value
	Rate, RatePublished, RSOGrowth   Value
	Population10Plus, PopulationYear Value
	// Failing are the area's failing checks in the year.
	Failing []Check
	// Reasons say, by area_summary column, why a figure no marker explains
	// is missing ("first loaded year").
	Reasons map[string]string
}

// Value is a figure that may be missing, with the marker the release
// printed in its place ("[c]", ".."): the store's own figure.Value.
type Value = figure.Value

// Check is one failing consistency check.
type Check struct {
	Name, Subject, Detail string
}

// Column is one column of area_summary that the area table shows, with its
// description from the columns table (empty if the table lacks one).
type Column struct {
	Name, Label, Description, Unit string
}

// tableColumns are the area_summary columns the area table shows, in order,
// with their headings.
var tableColumns = []Column{
	{Name: "area_name", Label: "Area"},
	{Name: "rsos", Label: "RSOs"},
	{Name: "violent_offenders", Label: "Violent offenders"},
	{Name: "terrorism_offenders", Label: "Terrorism offenders"},
	{Name: "total_offenders", Label: "All MAPPA offenders"},
	{Name: "population_10plus", Label: "Population aged 10+"},
	{Name: "rso_rate_per_100k", Label: "RSOs per 100,000 (computed)"},
	{Name: "rso_rate_per_100k_published", Label: "RSOs per 100,000 (published)"},
	{Name: "rso_growth_pct", Label: "RSO growth on previous year, %"},
}

// fields are the figures of a Row by area_summary column, each with the
// format the page shows it in.
var fields = map[string]struct {
	get    func(Row) Value
	format func(Value) cell
}{
	"rsos":                        {func(r Row) Value { return r.RSOs }, countCell},
	"violent_offenders":           {func(r Row) Value { return r.Violent }, countCell},
	"terrorism_offenders":         {func(r Row) Value { return r.Terrorism }, countCell},
	"total_offenders":             {func(r Row) Value { return r.Total }, countCell},
	"population_10plus":           {func(r Row) Value { return r.Population10Plus }, countCell},
	"rso_rate_per_100k":           {func(r Row) Value { return r.Rate }, rateCell},
	"rso_rate_per_100k_published": {func(r Row) Value { return r.RatePublished }, publishedCell},
	"rso_growth_pct":              {func(r Row) Value { return r.RSOGrowth }, growthCell},
}

// Get returns the row's figure for an area_summary column the report shows.
func (r Row) Get(column string) Value { return fields[column].get(r) }

// cellOf is a row's figure as the page shows it, labelled with where in
// area_summary it comes from.
func cellOf(r Row, column string) cell {
	f := fields[column]
	v := f.get(r)
	c := f.format(v)
	if c.Note == "" && !v.Known() {
		c.Note = r.Reasons[column]
	}
	c.Year, c.Area, c.Column = r.Year.String(), r.Code, column
	return c
}

type config struct {
	year figure.FinancialYear
	area string
}

// Option configures Build.
type Option func(*config)

// WithYear chooses the financial year ("2019-20") of the area table and bar
// chart; the default is the latest loaded.
func WithYear(year figure.FinancialYear) Option { return func(c *config) { c.year = year } }

// WithArea chooses an area, by ONS code, name or alias, to highlight and to
// show the trend of next to England and Wales.
func WithArea(area string) Option { return func(c *config) { c.area = area } }

// ErrNoData reports a database with no financial year loaded.
var ErrNoData = errors.New("no financial years loaded")

// Build reads the report's figures from the store.
func Build(ctx context.Context, st *store.Store, opts ...Option) (*Report, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	r := &Report{Year: cfg.year}
	var err error
	if r.Years, err = st.Years(ctx); err != nil {
		return nil, fmt.Errorf("read loaded years: %w", err)
	}
	if len(r.Years) == 0 {
		return nil, ErrNoData
	}
	if r.Year == "" {
		r.Year = r.Years[len(r.Years)-1]
	}
	if !slices.Contains(r.Years, r.Year) {
		return nil, fmt.Errorf("no figures loaded for %s (loaded: %s to %s)", r.Year, r.Years[0], r.Years[len(r.Years)-1])
	}
	if cfg.area != "" {
		a, err := schema.FindArea(cfg.area)
		if err != nil {
			return nil, err
		}
		r.Area = &a
	}
	for _, y := range r.Years {
		rows, err := st.Summary(ctx, y)
		if err != nil {
			return nil, fmt.Errorf("read area_summary for %s: %w", y, err)
		}
		for _, sr := range rows {
			row := newRow(sr, y == r.Years[0])
			switch {
			case y == r.Year && row.Code == schema.EnglandAndWales:
				r.National = row
			case y == r.Year && sr.AreaType == string(schema.NationalUnit):
				r.Units = append(r.Units, row)
			case y == r.Year:
				r.Areas = append(r.Areas, row)
			}
			switch {
			case row.Code == schema.EnglandAndWales:
				r.Trend = append(r.Trend, row)
			case r.Area != nil && row.Code == r.Area.Code:
				r.AreaTrend = append(r.AreaTrend, row)
			}
		}
	}
	if err := r.readChecks(ctx, st); err != nil {
		return nil, err
	}
	if r.Columns, err = readColumns(ctx, st); err != nil {
		return nil, err
	}
	if err := r.readProvenance(ctx, st); err != nil {
		return nil, err
	}
	if err := r.readRevisions(ctx, st); err != nil {
		return nil, err
	}
	return r, nil
}

// newRow copies a summary row, noting why a figure no marker explains is
// missing.
func newRow(s store.SummaryRow, firstYear bool) Row {
	r := Row{Year: s.FinancialYear, Code: s.AreaCode, Name: s.AreaName,
		RSOs: s.RSOs, Violent: s.Violent, Terrorism: s.Terrorism, Total: s.Total, Rate: s.Rate,
		RatePublished: s.RatePublished, RSOGrowth: s.RSOGrowthPct,
		Population10Plus: intValue(s.Population10Plus), PopulationYear: intValue(s.PopulationYear),
		Reasons: map[string]string{}}
	switch {
	case s.AreaType == string(schema.NationalUnit):
		r.Reasons["rso_rate_per_100k"] = "a national unit, not a place: no population"
		r.Reasons["population_10plus"] = r.Reasons["rso_rate_per_100k"]
	case !r.Rate.Known():
		r.Reasons["rso_rate_per_100k"] = "no RSO count or no population estimate"
	}
	if !r.Terrorism.Known() && s.FinancialYear.Start() < figure.FirstYearWithCategory4.Start() {
		r.Reasons["terrorism_offenders"] = "category 4 first published for " + figure.FirstYearWithCategory4.String()
	}
	if !r.RSOGrowth.Known() && firstYear {
		r.Reasons["rso_growth_pct"] = "first loaded year"
	}
	return r
}

func intValue(v *int64) Value {
	if v == nil {
		return Value{}
	}
	return figure.Of(float64(*v))
}

// Synthetic reports whether every release shown is one of the bundled
// fixtures.
func (r *Report) Synthetic() bool {
	return len(r.Releases) > 0 && len(r.SyntheticYears) == len(r.Releases)
}
