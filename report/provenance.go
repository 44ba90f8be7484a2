package report

import (
	"context"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/schema"
)

// SourceFile is an archived file that figures were read from.
type SourceFile = store.FileSource

// ReleaseSource is the publication one financial year's figures came from.
type ReleaseSource = store.ReleaseSource

// PopulationSource is the file one mid-year population estimate came from.
type PopulationSource = store.EstimateSource

// readProvenance reads where every figure came from.
func (r *Report) readProvenance(ctx context.Context, st *store.Store) error {
	var err error
	if r.DataAsOf, err = st.DataAsOf(ctx); err != nil {
		return err
	}
	if r.Releases, err = st.ReleaseSources(ctx); err != nil {
		return err
	}
	if r.Populations, err = st.EstimateSources(ctx); err != nil {
		return err
	}
	for _, rel := range r.Releases {
		if schema.IsSyntheticFixture(rel.File.SHA256) {
			r.SyntheticYears = append(r.SyntheticYears, rel.Year)
		}
	}
	return nil
}

// release returns the provenance of one financial year, or nil.
func (r *Report) release(year figure.FinancialYear) *ReleaseSource {
	for i := range r.Releases {
		if r.Releases[i].Year == year {
			return &r.Releases[i]
		}
	}
	return nil
}

// population returns the provenance of one estimate, or nil.
func (r *Report) population(b *store.RateBasis) *PopulationSource {
	for i := range r.Populations {
		if p := &r.Populations[i]; p.MidYear == b.MidYear && p.Edition == b.Edition {
			return p
		}
	}
	return nil
}

// yearSources names the release and population estimate behind the year's
// rates, and says why that estimate.
func (r *Report) yearSources() string {
	rel := r.release(r.Year)
	if rel == nil {
		return ""
	}
	s := fmt.Sprintf("Area tables %s (%s)", rel.File.Name, r.Year)
	if b := rel.Rates; b != nil {
		if pop := r.population(b); pop != nil {
			s += fmt.Sprintf("; mid-%d population estimate %s", b.MidYear, pop.File.Name)
		}
		return s + ". " + b.Describe()
	}
	return s + "."
}

// trendSources names what a trend chart is drawn from; the files of each
// year are listed under Provenance.
func (r *Report) trendSources(rates bool) string {
	s := fmt.Sprintf("Area tables of the %d loaded releases, %s to %s", len(r.Releases), r.Years[0], r.Years[len(r.Years)-1])
	if rates {
		s += fmt.Sprintf(", and %d mid-year population estimates", len(r.Populations))
	}
	return s + "; the files are listed under Provenance."
}
