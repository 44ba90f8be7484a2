package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// PageRecord is one GOV.UK statistics page of the collection as runs last
// saw it (release_pages), with its change notes.
type PageRecord struct {
	Page, FinancialYear, Status, LandingURL string
	MovedFrom                               []string
	Notice, NoticeAt, FirstSeenAt, SeenAt   string
	ChangeNotes                             []ChangeNote
}

// ChangeNote is one note of a page's change history.
type ChangeNote struct{ At, Note string }

// RecordPages replaces release_pages and change_notes with pages, in one
// transaction: the archive's manifest holds them, and this copies it.
func (s *Store) RecordPages(ctx context.Context, pages []PageRecord) error {
	return s.withTxOnly(ctx, func(tx *sql.Tx) error { return recordPages(ctx, tx, pages) })
}

// RecordPages is Store.RecordPages within the batch.
func (t *Tx) RecordPages(ctx context.Context, pages []PageRecord) error {
	return recordPages(ctx, t.tx, pages)
}

func recordPages(ctx context.Context, tx *sql.Tx, pages []PageRecord) error {
	sort.Slice(pages, func(i, j int) bool { return pages[i].Page < pages[j].Page })
	for _, q := range []string{"DELETE FROM change_notes", "DELETE FROM release_pages"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("record pages: %w", err)
		}
	}
	for _, p := range pages {
		_, err := tx.ExecContext(ctx, `INSERT INTO release_pages (page, financial_year, status, landing_url, moved_from,
				notice, notice_at, first_seen_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Page, nullable(p.FinancialYear), p.Status, nullable(p.LandingURL), nullable(strings.Join(p.MovedFrom, " > ")),
			nullable(p.Notice), nullable(p.NoticeAt), p.FirstSeenAt, p.SeenAt)
		if err != nil {
			return fmt.Errorf("record page %s: %w", p.Page, err)
		}
		seen := map[ChangeNote]bool{}
		for _, n := range p.ChangeNotes {
			if seen[n] {
				continue
			}
			seen[n] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO change_notes (page, financial_year, noted_at, note) VALUES (?, ?, ?, ?)`,
				p.Page, nullable(p.FinancialYear), n.At, n.Note); err != nil {
				return fmt.Errorf("record change note of %s: %w", p.Page, err)
			}
		}
	}
	return nil
}

// PublishedYear is a loaded financial year whose current file came from a
// GOV.UK page.
type PublishedYear struct {
	FinancialYear string
	LandingURL    string
}

// PublishedYears lists the loaded years whose release came from GOV.UK
// (releases.landing_url is set), in order.
func (s *Store) PublishedYears(ctx context.Context) ([]PublishedYear, error) {
	var out []PublishedYear
	err := EachRow(ctx, s.DB, "SELECT financial_year, landing_url FROM releases WHERE landing_url IS NOT NULL ORDER BY financial_year", nil,
		func(rows *sql.Rows) error {
			var y PublishedYear
			err := rows.Scan(&y.FinancialYear, &y.LandingURL)
			out = append(out, y)
			return err
		})
	return out, err
}
