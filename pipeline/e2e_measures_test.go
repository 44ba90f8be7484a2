package pipeline_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
)

// offenderKey is a generator key of an offender count: c1_level2,
// c4_total, during_c1_level3.
var offenderKey = regexp.MustCompile(`^(during_)?c([1-4])_(level([1-3])|total)$`)

// measureKey maps the fixture generator's measure keys (expected.json) to
// the columns mappa stores them under.
func measureKey(key string) (figure.Column, bool) {
	col := func(m, cat, level string) (figure.Column, bool) {
		return figure.Column{Measure: m, Category: cat, Level: level}, true
	}
	if m := offenderKey.FindStringSubmatch(key); m != nil {
		level := m[4]
		if level == "" {
			level = figure.All
		}
		if m[1] != "" {
			return col(figure.MeasureOffendersDuringYear, m[2], level)
		}
		return col(figure.MeasureOffenders, m[2], level)
	}
	all := figure.All
	switch key {
	case "total_offenders":
		return col(figure.MeasureOffenders, all, all)
	case "rate":
		return col(figure.MeasureRSORate, "1", all)
	case "pop10plus_published":
		return col(figure.MeasurePopulation, all, all)
	case "breach":
		return col(figure.MeasureBreachConvictions, "1", all)
	case "breach_cautioned":
		return col(figure.MeasureBreachCautioned, "1", all)
	case "breach_convicted":
		return col(figure.MeasureBreachConvicted, "1", all)
	case "revoked":
		return col(figure.MeasureRevocations, "1", all)
	}
	m, ok := map[string]string{"shpo": figure.MeasureSHPOs, "shpo_travel": figure.MeasureSHPOsForeignTravel,
		"notification_orders": figure.MeasureNotificationOrders, "sro": figure.MeasureSexualRiskOrders,
		"returned_to_custody": figure.MeasureReturnedCustody, "sfo_charged": figure.MeasureSFOsCharged,
		"fto": figure.MeasureForeignTravelOrders, "shpo_breaches": figure.MeasureSHPOBreaches, "sro_breaches": figure.MeasureSROBreaches,
		"sfo_convicted": figure.MeasureSFOsConvicted, "sfo_still_charged": figure.MeasureSFOsStillCharged,
		"sfo_other": figure.MeasureSFOsOtherOutcome, "scr": figure.MeasureSeriousCaseReviews}[key]
	if !ok {
		return figure.Column{}, false
	}
	return col(m, all, all)
}

// TestEveryPublishedFigureEndToEnd rebuilds the bundled archive and
// compares every number of every row (the 42 areas, the National Security
// Division and England and Wales) with the generator's model, measure by
// measure: category 4, counts during the year kept apart from the 31 March
// snapshot, breaches published whole and split, the published population,
// and nothing stored that the release did not print.
func TestEveryPublishedFigureEndToEnd(t *testing.T) {
	type row struct {
		All map[string]float64 `json:"all"`
	}
	var want struct {
		Years []struct {
			Period        string
			National      row
			Areas         map[string]row
			NationalUnits map[string]row `json:"national_units"`
		}
	}
	readExpected(t, &want)
	db := rebuiltFixtures(t)
	compared := 0
	for _, y := range want.Years {
		rows := map[string]row{"K04000001": y.National}
		for code, r := range y.Areas {
			rows[code] = r
		}
		for code, r := range y.NationalUnits {
			rows[code] = r
		}
		got := map[string]map[figure.Column]float64{}
		err := eachRow(db, `SELECT area_code, measure, category, level, value FROM observations
			WHERE financial_year = ? AND value IS NOT NULL`, []any{y.Period}, func(s func(...any) error) error {
			var code string
			var c figure.Column
			var v float64
			if err := s(&code, &c.Measure, &c.Category, &c.Level, &v); err != nil {
				return err
			}
			if got[code] == nil {
				got[code] = map[figure.Column]float64{}
			}
			got[code][c] = v
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for code, r := range rows {
			if len(r.All) == 0 {
				t.Fatalf("%s %s: expected.json lists no figures", y.Period, code)
			}
			for key, v := range r.All {
				col, ok := measureKey(key)
				if !ok {
					t.Fatalf("unknown measure key %q in expected.json", key)
				}
				if g, ok := got[code][col]; !ok || g != v {
					t.Errorf("%s %s %s (%+v) = %v (stored %v), want %v", y.Period, code, key, col, g, ok, v)
				}
				delete(got[code], col)
				compared++
			}
			for col, v := range got[code] {
				t.Errorf("%s %s: %+v = %v stored, but the release printed no such figure", y.Period, code, col, v)
			}
			delete(got, code)
		}
		for code := range got {
			t.Errorf("%s: figures stored for %s, which the release has no row for", y.Period, code)
		}
	}
	var numbers int
	if err := db.QueryRow("SELECT COUNT(*) FROM observations WHERE value IS NOT NULL").Scan(&numbers); err != nil || compared != numbers || numbers < 13000 {
		t.Errorf("%d figures compared, %d numbers stored (%v)", compared, numbers, err)
	}
	for _, tc := range []struct{ query, want string }{
		// The continuous breach series: published whole to 2023-24, the
		// sum of the two published figures from 2024-25, flagged.
		{`SELECT group_concat(financial_year || ':' || rso_breach_convictions_derived, ' ') FROM
			(SELECT * FROM area_summary WHERE area_code = 'E23000028' AND financial_year >= '2022-23' ORDER BY financial_year)`,
			"2022-23:0 2023-24:0 2024-25:1 2025-26:1"},
		{`SELECT COUNT(*) FROM area_summary WHERE financial_year >= '2024-25'
			AND rso_breach_convictions IS NOT rso_breach_cautioned + rso_breach_convicted`, "0"},
		{`SELECT financial_year || ' ' || sheet || '!' || cell || ' ' || header FROM unmapped_columns`,
			"2023-24 Table_2!S3 MAPPA meetings held"},
		{`SELECT group_concat(financial_year, ' ') FROM (SELECT financial_year FROM area_summary WHERE area_code = 'NSD'
			AND population_10plus IS NULL AND rso_rate_per_100k IS NULL ORDER BY financial_year)`, "2022-23 2023-24 2024-25 2025-26"},
		// National totals of 31 March 2025 (domain.md), the NSD included.
		{`SELECT rsos || ' ' || violent_offenders || ' ' || other_dangerous_offenders || ' ' || terrorism_offenders || ' ' || total_offenders
			FROM area_summary WHERE financial_year = '2024-25' AND area_code = 'K04000001'`, "73047 23237 557 209 97050"},
		{`SELECT COUNT(*) FROM check_results WHERE check_name = 'population_matches_published' AND status = 'pass'`, fmt.Sprint(2 * 43)},
		// 2022-23 and 2023-24 published their rates on the previous
		// mid-year, as the real releases did: found, and every rate agrees.
		{`SELECT group_concat(financial_year || ':' || rates_population_mid_year || ':' || rates_reproduced || '/' || rates_published, ' ')
			FROM (SELECT * FROM releases WHERE financial_year BETWEEN '2021-22' AND '2025-26' ORDER BY financial_year)`,
			"2021-22:2021:43/43 2022-23:2021:43/43 2023-24:2022:43/43 2024-25:2024:43/43 2025-26:2024:43/43"},
		{`SELECT COUNT(*) || ' ' || SUM(status = 'pass') FROM check_results WHERE check_name = 'rate_matches_published'
			AND financial_year IN ('2022-23', '2023-24')`, "86 86"},
	} {
		var got string
		if err := db.QueryRow(tc.query).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s = %q (%v), want %q", tc.query, got, err, tc.want)
		}
	}
}

// eachRow runs a query and calls fn with each row's Scan.
func eachRow(db *sql.DB, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := db.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
