package report

import (
	"context"
	"fmt"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/store"
)

// maxRevisedShown is how many revised figures the page lists for one
// revision; the rest are counted, and the revisions table has them all.
const maxRevisedShown = 10

// Revision is one change to the report's year as the page tells it: a
// revision of its figures, a page withdrawn, gone or moved, or a change
// note.
type Revision struct {
	At, What string
	// Figures are the revised figures, "Essex, registered sexual
	// offenders, all levels: 1,596 → 1,601", at most maxRevisedShown.
	Figures []string
	// More counts the revised figures not listed.
	More int
}

// readRevisions reads what changed in the report's year since it was
// first published.
func (r *Report) readRevisions(ctx context.Context, st *store.Store) error {
	changes, err := st.Changes(ctx, "", r.Year)
	if err != nil {
		return err
	}
	for _, c := range changes {
		rev := Revision{At: c.At[:min(10, len(c.At))]} // the day
		switch c.Kind {
		case store.ChangeNewRelease:
			continue
		case store.ChangeRevised:
			rev.What = fmt.Sprintf("%s replaced %s: %s changed", c.File.Filename, c.PreviousFile.Filename, plural(len(c.Revised), "figure"))
			for i, f := range c.Revised {
				if i == maxRevisedShown {
					rev.More = len(c.Revised) - i
					break
				}
				rev.Figures = append(rev.Figures, fmt.Sprintf("%s, %s: %s → %s", f.AreaName, f.Figure,
					RevisedFigure(f.PreviousValue, f.PreviousMarker, f.PreviousCell), RevisedFigure(f.Value, f.Marker, f.Cell)))
			}
		default:
			rev.What = c.What
		}
		r.Revisions = append(r.Revisions, rev)
	}
	return nil
}

// RevisedFigure is one side of a revision as people read it: the figure
// to the precision published, its marker, or "none" where that vintage
// had no such figure (no cell).
func RevisedFigure(v *float64, marker, cell string) string {
	switch {
	case cell == "":
		return "none"
	case v == nil:
		return marker
	}
	return FormatPublished(figure.Of(*v))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
