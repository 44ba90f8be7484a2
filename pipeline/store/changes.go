package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// Change is one thing that changed in what GOV.UK published, as
// `mappa changes` tells it: a release first loaded, a year revised (a
// restatement or a replaced attachment, with its revised figures), a page
// moved, withdrawn or gone, or a change note.
type Change struct {
	At            string               `json:"at"` // when mappa found it (RFC 3339), or the note's date
	FinancialYear figure.FinancialYear `json:"financial_year,omitempty"`
	Kind          string               `json:"kind"` // one of the Change* kinds
	What          string               `json:"what"` // one sentence
	// File and PreviousFile are the vintages' files (new release,
	// revision); URL the page or file concerned.
	File         *VintageFile `json:"file,omitempty"`
	PreviousFile *VintageFile `json:"previous_file,omitempty"`
	Revised      []Revision   `json:"revised,omitempty"`
}

// The kinds of Change.
const (
	ChangeNewRelease = "new_release"
	ChangeRevised    = "revised"
	ChangeMoved      = "page_moved"
	ChangeWithdrawn  = "page_withdrawn"
	ChangeGone       = "page_gone"
	ChangeNoted      = "change_note"
)

// VintageFile is the file of one vintage.
type VintageFile struct {
	Vintage     int    `json:"vintage"`
	SHA256      string `json:"sha256"`
	Filename    string `json:"filename"`
	URL         string `json:"url,omitempty"`
	FinalURL    string `json:"final_url,omitempty"`
	PublishedAt string `json:"published_at,omitempty"`
	FetchedAt   string `json:"fetched_at"`
}

// Revision is one figure that changed between two vintages. A figure new
// in the later vintage has no PreviousCell; one dropped, no Cell.
type Revision struct {
	AreaName       string   `json:"area_name"`
	Figure         string   `json:"figure"` // the measure, category and level in words
	Measure        string   `json:"measure"`
	Category       string   `json:"category"`
	Level          string   `json:"level"`
	PreviousValue  *float64 `json:"previous_value"`
	PreviousMarker string   `json:"previous_marker,omitempty"`
	Value          *float64 `json:"value"`
	Marker         string   `json:"marker,omitempty"`
	PreviousCell   string   `json:"previous_cell,omitempty"`
	Cell           string   `json:"cell,omitempty"`
}

// Changes lists what changed, oldest first: everything found on or after
// since (YYYY-MM-DD, or "" for all) for year (or every year when "").
func (s *Store) Changes(ctx context.Context, since string, year figure.FinancialYear) ([]Change, error) {
	var out []Change
	vintages, err := s.vintageFiles(ctx, year)
	if err != nil {
		return nil, err
	}
	for _, v := range vintages {
		if len(v.files) == 0 {
			continue
		}
		for i, f := range v.files {
			c := Change{At: f.FetchedAt, FinancialYear: v.year, File: &v.files[i]}
			if i == 0 {
				c.Kind, c.What = ChangeNewRelease, fmt.Sprintf("%s first loaded: %s%s", v.year, f.Filename, publishedOn(f))
			} else {
				prev := v.files[i-1]
				c.Kind, c.PreviousFile = ChangeRevised, &prev
				if c.Revised, err = s.revisionsOf(ctx, v.year, f.Vintage); err != nil {
					return nil, err
				}
				how := ""
				if f.URL != "" && f.URL == prev.URL {
					how = ", behind the same link"
				}
				c.What = fmt.Sprintf("%s revised: %s (%s) replaced %s (%s)%s%s%s; %s changed", v.year, f.Filename, f.SHA256[:12],
					prev.Filename, prev.SHA256[:12], how, finalURL(f), publishedOn(f), figures(len(c.Revised)))
			}
			out = append(out, c)
		}
	}
	pages, err := s.pageChanges(ctx, year)
	if err != nil {
		return nil, err
	}
	out = append(out, pages...)
	out = keepSince(out, since)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out, nil
}

func keepSince(cs []Change, since string) []Change {
	if since == "" {
		return cs
	}
	var out []Change
	for _, c := range cs {
		if c.At >= since {
			out = append(out, c)
		}
	}
	return out
}

func publishedOn(f VintageFile) string {
	if f.PublishedAt == "" {
		return " (added by hand " + day(f.FetchedAt) + ")"
	}
	return " (published " + day(f.PublishedAt) + ", fetched " + day(f.FetchedAt) + ")"
}

func finalURL(f VintageFile) string {
	if f.FinalURL == "" {
		return ""
	}
	return ", the link now leading to " + f.FinalURL
}

func figures(n int) string {
	if n == 1 {
		return "1 figure"
	}
	return fmt.Sprintf("%d figures", n)
}

func day(ts string) string { return strings.SplitN(ts, "T", 2)[0] }

type yearFiles struct {
	year  figure.FinancialYear
	files []VintageFile
}

func (s *Store) vintageFiles(ctx context.Context, year figure.FinancialYear) ([]yearFiles, error) {
	var out []yearFiles
	err := EachRow(ctx, s.DB, `SELECT v.financial_year, v.vintage, v.source_sha256, f.filename, COALESCE(v.url, ''), COALESCE(v.final_url, ''),
			COALESCE(v.published_at, ''), v.fetched_at
		FROM vintages v JOIN source_files f ON f.sha256 = v.source_sha256
		WHERE ?1 = '' OR v.financial_year = ?1 ORDER BY v.financial_year, v.vintage`, []any{year}, func(rows *sql.Rows) error {
		var y figure.FinancialYear
		var f VintageFile
		if err := rows.Scan(&y, &f.Vintage, &f.SHA256, &f.Filename, &f.URL, &f.FinalURL, &f.PublishedAt, &f.FetchedAt); err != nil {
			return err
		}
		if len(out) == 0 || out[len(out)-1].year != y {
			out = append(out, yearFiles{year: y})
		}
		out[len(out)-1].files = append(out[len(out)-1].files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read vintages: %w", err)
	}
	return out, nil
}

// categoryNames are the MAPPA categories in words.
var categoryNames = map[string]string{"1": "registered sexual offenders", "2": "violent offenders", "3": "other dangerous offenders",
	"4": "terrorist and terrorism risk offenders"}

// figureName says which figure a measure, category and level are, in
// words: "registered sexual offenders, all levels".
func figureName(measure, category, level string) string {
	name := strings.ReplaceAll(measure, "_", " ")
	if measure == "offenders" && categoryNames[category] != "" {
		name = categoryNames[category]
	} else if category != "all" {
		name += ", category " + category
	}
	if level == "all" {
		if measure == "offenders" {
			name += ", all levels"
		}
		return name
	}
	return name + ", level " + level
}

func (s *Store) revisionsOf(ctx context.Context, year figure.FinancialYear, vintage int) ([]Revision, error) {
	var out []Revision
	err := EachRow(ctx, s.DB, `SELECT COALESCE(a.area_name, r.area_code), r.measure, r.category, r.level, r.previous_value, COALESCE(r.previous_marker, ''),
			r.value, COALESCE(r.marker, ''), COALESCE(r.previous_cell, ''), COALESCE(r.cell, '')
		FROM revisions r LEFT JOIN areas a ON a.area_code = r.area_code
		WHERE r.financial_year = ? AND r.vintage = ? ORDER BY a.area_name, r.measure, r.category, r.level`, []any{year, vintage},
		func(rows *sql.Rows) error {
			var r Revision
			var prev, now sql.NullFloat64
			if err := rows.Scan(&r.AreaName, &r.Measure, &r.Category, &r.Level, &prev, &r.PreviousMarker, &now, &r.Marker, &r.PreviousCell, &r.Cell); err != nil {
				return err
			}
			if prev.Valid {
				r.PreviousValue = &prev.Float64
			}
			if now.Valid {
				r.Value = &now.Float64
			}
			r.Figure = figureName(r.Measure, r.Category, r.Level)
			out = append(out, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read revisions of %s: %w", year, err)
	}
	return out, nil
}

func (s *Store) pageChanges(ctx context.Context, year figure.FinancialYear) ([]Change, error) {
	var out []Change
	err := EachRow(ctx, s.DB, `SELECT page, COALESCE(financial_year, ''), status, COALESCE(landing_url, ''), COALESCE(moved_from, ''),
			COALESCE(notice, ''), COALESCE(notice_at, ''), first_seen_at,
			EXISTS (SELECT 1 FROM releases r WHERE r.financial_year = p.financial_year)
		FROM release_pages p WHERE ?1 = '' OR financial_year = ?1 ORDER BY page`, []any{year}, func(rows *sql.Rows) error {
		var page, status, landing, moved, notice, noticeAt, seen string
		var y figure.FinancialYear
		var loaded bool
		if err := rows.Scan(&page, &y, &status, &landing, &moved, &notice, &noticeAt, &seen, &loaded); err != nil {
			return err
		}
		who := strings.TrimSpace(string(y) + " page " + page)
		kept := "; its figures stay loaded"
		if !loaded {
			kept = "; mappa holds no figures of it"
		}
		switch {
		case status == "withdrawn":
			out = append(out, Change{At: seen, FinancialYear: y, Kind: ChangeWithdrawn, What: who + " withdrawn" + on(noticeAt) + quote(notice) + kept})
		case status == "gone":
			out = append(out, Change{At: seen, FinancialYear: y, Kind: ChangeGone, What: who + " gone (removed from GOV.UK)" + on(noticeAt) + quote(notice) + kept})
		case moved != "":
			out = append(out, Change{At: seen, FinancialYear: y, Kind: ChangeMoved, What: fmt.Sprintf("%s page moved from %s to %s", y, moved, landing)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read release_pages: %w", err)
	}
	err = EachRow(ctx, s.DB, `SELECT COALESCE(financial_year, ''), noted_at, note FROM change_notes WHERE ?1 = '' OR financial_year = ?1
		ORDER BY noted_at, financial_year, note`, []any{year}, func(rows *sql.Rows) error {
		var y figure.FinancialYear
		var at, note string
		if err := rows.Scan(&y, &at, &note); err != nil {
			return err
		}
		out = append(out, Change{At: at, FinancialYear: y, Kind: ChangeNoted, What: fmt.Sprintf("%s change note: %q", y, note)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read change_notes: %w", err)
	}
	return out, nil
}

func on(at string) string {
	if at == "" {
		return ""
	}
	return " on " + day(at)
}

func quote(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(": %q", s)
}
