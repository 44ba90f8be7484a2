package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
	"github.com/mappa-etl/mappa/pipeline/store"
	"github.com/mappa-etl/mappa/sources/govuk/govuktest"
)

// The fake GOV.UK's requests, by what they ask for: the collection and
// its 13 pages (one reached through a 303) and the withdrawn one (read for
// its notice), the 12 population files and 2 lookups configured, and the
// 13 attachments (5 through old upload URLs that redirect).
const (
	pageRequests       = 1 + 13 + 1 + 1
	inputRequests      = 12 + 2
	attachmentRequests = 13 + 5
)

// requestCounts sorts the requests the fake GOV.UK saw since it was last
// asked into Content API pages, configured inputs and attachments, and
// lists the attachment paths.
func requestCounts(srv *govuktest.Server) (pages, inputs, attachments int, paths []string) {
	for _, r := range srv.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/api/"):
			pages++
		case strings.HasPrefix(r.Path, "/ons/"):
			inputs++
		default:
			attachments++
			paths = append(paths, r.Path)
		}
	}
	return pages, inputs, attachments, paths
}

// clockedFixture is a liveFixture whose runs trust a confirmed attachment
// for a week, on an archive clock the test moves.
func clockedFixture(t *testing.T) (*liveFixture, *time.Time) {
	t.Helper()
	l := newLiveFixture(t)
	now := time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC)
	l.archive.Now = func() time.Time { return now }
	l.cfg.Revalidate = DefaultRevalidate
	return l, &now
}

// TestUnchangedRunAsksOnlyPagesAndInputs counts the requests of runs on
// days nothing changed upstream: the first run fetches everything; the
// next ones, for a week, read the collection, its pages and the configured
// inputs and ask for no attachment; a week after the last check, every
// attachment is revalidated (conditionally, answered 304), and the week
// starts again.
func TestUnchangedRunAsksOnlyPagesAndInputs(t *testing.T) {
	l, now := clockedFixture(t)
	first, revalidated := *now, *now
	for _, step := range []struct {
		name        string
		after       time.Duration // since the first run
		attachments int
		fetched     int
	}{
		{name: "first run fetches everything", attachments: attachmentRequests, fetched: 27},
		{name: "a minute later", after: time.Minute},
		{name: "six days later", after: 6 * 24 * time.Hour},
		{name: "a week less a second after the check", after: DefaultRevalidate - time.Second},
		{name: "a week after the check", after: DefaultRevalidate, attachments: attachmentRequests},
		{name: "a minute after the revalidation", after: DefaultRevalidate + time.Minute},
		{name: "two weeks after the first", after: 2 * DefaultRevalidate, attachments: attachmentRequests},
	} {
		*now = first.Add(step.after)
		totals, err := l.run(t)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		pages, inputs, attachments, _ := requestCounts(l.srv)
		if pages != pageRequests || inputs != inputRequests || attachments != step.attachments {
			t.Errorf("%s: %d page, %d input and %d attachment requests; want %d, %d and %d", step.name,
				pages, inputs, attachments, pageRequests, inputRequests, step.attachments)
		}
		if totals.Count(store.FileFetched) != step.fetched || totals.Count(store.FileUnchanged) != 27-step.fetched {
			t.Errorf("%s: files %+v; want %d fetched, the rest unchanged", step.name, totals.Files, step.fetched)
		}
		// The manifest dates each check: the inputs' this run, the
		// attachments' when they were last asked for.
		if step.attachments > 0 {
			revalidated = *now
		}
		m, err := l.archive.Manifest()
		if err != nil || len(m.Fetched) != 27 {
			t.Fatalf("%s: manifest %d fetched URLs, %v", step.name, len(m.Fetched), err)
		}
		for url, rec := range m.Fetched {
			want, input := revalidated, strings.Contains(url, "/ons/")
			if input {
				want = *now
			}
			if rec.CheckedAt != want.Format(time.RFC3339) || (rec.PageSHA256 == "") != input {
				t.Errorf("%s: %s checked at %s on page %q; want %s", step.name, url, rec.CheckedAt, rec.PageSHA256, want.Format(time.RFC3339))
			}
		}
	}
}

// editPage republishes a year's release page with a new update time, as
// GOV.UK does when a publisher replaces or edits an attachment.
func editPage(t *testing.T, l *liveFixture, year string) {
	t.Helper()
	editPageJSON(t, l, year, func(page map[string]any) { page["public_updated_at"] = "2026-11-01T09:30:00.000+00:00" })
}

// TestRevalidateAsksWhenItMust: within the week a run still asks for an
// attachment whose page changed, whose URL is new, or whose file the
// database lacks; a file changed in place under an unchanged page is seen
// once the week is up.
func TestRevalidateAsksWhenItMust(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(t *testing.T, l *liveFixture)
		later    time.Duration // the next run, after the first
		noTrust  bool          // RunConfig.Revalidate 0
		asked    int           // attachment requests
		wantPath string        // the attachment asked for, when one is
		loaded   string
		changes  bool // the database ends different from before the change
	}{
		{name: "page edited and file restated", change: func(t *testing.T, l *liveFixture) {
			editPage(t, l, "2020-21")
			restate(t, l, "2020-21")
		}, later: time.Hour, asked: 1, wantPath: "2020-21", loaded: "2020-21", changes: true},
		{name: "page edited, file the same", change: func(t *testing.T, l *liveFixture) { editPage(t, l, "2020-21") },
			later: time.Hour, asked: 1, wantPath: "2020-21"},
		{name: "file restated in place, page unchanged: not seen within the week", change: func(t *testing.T, l *liveFixture) {
			restate(t, l, "2020-21")
		}, later: 6 * 24 * time.Hour},
		{name: "file restated in place, page unchanged: seen after the week", change: func(t *testing.T, l *liveFixture) {
			restate(t, l, "2020-21")
		}, later: DefaultRevalidate, asked: attachmentRequests, loaded: "2020-21", changes: true},
		{name: "database lacks the file", change: func(t *testing.T, l *liveFixture) {
			if _, err := l.store.DB.Exec(`DELETE FROM observations WHERE financial_year = '2020-21';
				DELETE FROM rso_rates WHERE financial_year = '2020-21'; DELETE FROM growth WHERE financial_year IN ('2020-21', '2021-22');
				DELETE FROM check_results WHERE financial_year = '2020-21'; DELETE FROM releases WHERE financial_year = '2020-21'`); err != nil {
				t.Fatal(err)
			}
		}, later: time.Hour, asked: 1, wantPath: "2020-21", loaded: "2020-21"},
		{name: "revalidate 0 asks for every file", later: time.Minute, noTrust: true, asked: attachmentRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, now := clockedFixture(t)
			if _, err := l.run(t); err != nil {
				t.Fatalf("first run: %v", err)
			}
			before := pipelinetest.Dump(t, l.store.DB)
			l.srv.Requests()
			if tc.change != nil {
				tc.change(t, l)
			}
			*now = now.Add(tc.later)
			if tc.noTrust {
				l.cfg.Revalidate = 0
			}
			totals, err := l.run(t)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			_, _, asked, paths := requestCounts(l.srv)
			if asked != tc.asked || (tc.wantPath != "" && (len(paths) != 1 || !strings.Contains(paths[0], tc.wantPath))) {
				t.Errorf("attachment requests %v; want %d (%s)", paths, tc.asked, tc.wantPath)
			}
			if got := figure.JoinYears(totals.Years, ","); got != tc.loaded {
				t.Errorf("years loaded %q, want %q", got, tc.loaded)
			}
			if changed := pipelinetest.Dump(t, l.store.DB) != before; changed != tc.changes {
				t.Errorf("database changed: %v, want %v", changed, tc.changes)
			}
		})
	}
}
