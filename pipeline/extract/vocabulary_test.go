package extract

import (
	"errors"
	"strconv"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

func TestClassifyHeader(t *testing.T) {
	col := func(m, cat, level string) figure.Column {
		return figure.Column{Measure: m, Category: cat, Level: level}
	}
	all := figure.All
	for _, tc := range []struct {
		header string
		want   figure.Column
	}{
		{"Category 1:\nRegistered sexual offenders (1) Level 2", col(figure.MeasureOffenders, "1", "2")},
		{"Category 1: Registered sexual offenders - Total [note 2]", col(figure.MeasureOffenders, "1", all)},
		{"Registered Sex Offenders (RSOs)", col(figure.MeasureOffenders, "1", all)},
		{"Registered sexual offenders (category 1 total)", col(figure.MeasureOffenders, "1", all)},
		{"Category 2: Violent offenders - Level 3", col(figure.MeasureOffenders, "2", "3")},
		{"Category 3: Other dangerous offenders Total", col(figure.MeasureOffenders, "3", all)},
		{"Total MAPPA-eligible offenders", col(figure.MeasureOffenders, all, all)},
		{"Total MAPPA offenders¹", col(figure.MeasureOffenders, all, all)},
		// Category 4, in the wordings a user would expect.
		{"Category 4: Terrorist and terrorism risk offenders - Level 1", col(figure.MeasureOffenders, "4", "1")},
		{"Cat 4 Level 3", col(figure.MeasureOffenders, "4", "3")},
		{"Terrorist offenders", col(figure.MeasureOffenders, "4", all)},
		{"Terrorism risk offenders - Total", col(figure.MeasureOffenders, "4", all)},
		{"Terrorism offenders (category 4) Level 2", col(figure.MeasureOffenders, "4", "2")},
		// During the year: a count over the year, never the snapshot.
		{"Category 1 Level 2 (during the year)", col(figure.MeasureOffendersDuringYear, "1", "2")},
		{"Category 1 offenders managed at level 2 at any time during the year", col(figure.MeasureOffendersDuringYear, "1", "2")},
		{"Category 4 offenders managed at level 3 in the year", col(figure.MeasureOffendersDuringYear, "4", "3")},
		{"Category 2 offenders managed at level 2 or 3 during the year", col(figure.MeasureOffendersDuringYear, "2", all)},
		{"Category 2 offenders managed at level 2 or 3 during the year Level 3", col(figure.MeasureOffendersDuringYear, "2", "3")},
		{"Category 1 offenders managed at levels 2 and 3 during the year Total", col(figure.MeasureOffendersDuringYear, "1", all)},
		{"RSOs per 100,000 population²", col(figure.MeasureRSORate, "1", all)},
		{"RSOs per 100k population", col(figure.MeasureRSORate, "1", all)},
		{"RSOs per 100 000 population", col(figure.MeasureRSORate, "1", all)},
		{"Registered sexual offenders per 100k population aged 10+", col(figure.MeasureRSORate, "1", all)},
		{"All categories", col(figure.MeasureOffenders, all, all)},
		{"All categories Level 1", col(figure.MeasureOffenders, all, "1")},
		{"Category 1 Level 1 as at 31st March", col(figure.MeasureOffenders, "1", "1")},
		{"Category 4: Terrorism and terrorism-connected offenders", col(figure.MeasureOffenders, "4", all)},
		{"Category 1 offenders managed at level 2 at any time", col(figure.MeasureOffendersDuringYear, "1", "2")},
		{"Category 1 Level 2 managed in year", col(figure.MeasureOffendersDuringYear, "1", "2")},
		{"Category 1 offenders managed at level 2 during 2023", col(figure.MeasureOffendersDuringYear, "1", "2")},
		{"Rate per 100,000 population aged 10 and over [note 4]", col(figure.MeasureRSORate, "1", all)},
		{"Population aged 10 and over (rounded to the nearest 100) [note 4]", col(figure.MeasurePopulation, all, all)},
		{"RSOs cautioned or convicted for breach of notification requirements", col(figure.MeasureBreachConvictions, "1", all)},
		{"RSOs cautioned/convicted for breach of\nnotification requirements", col(figure.MeasureBreachConvictions, "1", all)},
		{"RSOs cautioned for breach of notification requirements", col(figure.MeasureBreachCautioned, "1", all)},
		{"RSOs convicted for breach of notification requirements", col(figure.MeasureBreachConvicted, "1", all)},
		{"Level 2 RSOs convicted for breach of notification requirements", col(figure.MeasureBreachConvicted, "1", "2")},
		{"RSOs whose indefinite (lifetime) notification requirements were revoked on application", col(figure.MeasureRevocations, "1", all)},
		{"SHPOs imposed with foreign travel restrictions", col(figure.MeasureSHPOsForeignTravel, all, all)},
		{"Foreign Travel Orders granted", col(figure.MeasureForeignTravelOrders, all, all)},
		{"Sexual Harm Prevention Orders (SHPOs) imposed", col(figure.MeasureSHPOs, all, all)},
		{"SHPOs/SOPOs granted", col(figure.MeasureSHPOs, all, all)},
		{"Notification Orders imposed", col(figure.MeasureNotificationOrders, all, all)},
		{"Sexual Risk Orders (SROs) imposed", col(figure.MeasureSexualRiskOrders, all, all)},
		{"Breaches of SHPOs", col(figure.MeasureSHPOBreaches, all, all)},
		{"Breaches of Sexual Risk Orders", col(figure.MeasureSROBreaches, all, all)},
		{"Level 2 and 3 offenders returned to custody", col(figure.MeasureReturnedCustody, all, all)},
		{"Category 1 Level 2 offenders returned to custody for breach of licence", col(figure.MeasureReturnedCustody, "1", "2")},
		{"Serious Further Offences (SFOs) charged", col(figure.MeasureSFOsCharged, all, all)},
		{"MAPPA offenders charged with a serious further offence", col(figure.MeasureSFOsCharged, all, all)},
		{"Serious further offences (SFOs) convicted", col(figure.MeasureSFOsConvicted, all, all)},
		{"SFOs still charged at 31 March", col(figure.MeasureSFOsStillCharged, all, all)},
		{"SFOs: other outcome", col(figure.MeasureSFOsOtherOutcome, all, all)},
		{"Category 2 Level 3 SFOs charged", col(figure.MeasureSFOsCharged, "2", "3")},
		{"Serious case reviews - Level 3", col(figure.MeasureSeriousCaseReviews, all, "3")},
	} {
		t.Run(tc.header, func(t *testing.T) {
			got, kind, err := ClassifyHeader(tc.header)
			if err != nil || kind != Mapped || got != tc.want {
				t.Errorf("ClassifyHeader(%q) = %+v, %v, %v; want %+v, mapped", tc.header, got, kind, err, tc.want)
			}
		})
	}
}

// TestClassifyHeaderUnmapped: headers that name no measure are either the
// row's identifiers (nothing to record) or unmapped (recorded), and those
// that name a category or level, or two measures, are refused.
func TestClassifyHeaderUnmapped(t *testing.T) {
	for _, tc := range []struct {
		header string
		kind   HeaderKind
		err    error
	}{
		{"Area", Identifier, nil},
		{"Area code", Identifier, nil},
		{"MAPPA meetings held", Unmapped, nil},
		{"Number of MAPPA co-ordinators", Unmapped, nil},
		{"Total", Unmapped, nil},
		{"Level 1", Unmapped, ErrUnknownMeasure},
		{"Category 1 Level 2 meetings held", Unmapped, ErrUnknownMeasure},
		{"Category 4 offenders managed at level 1 during the year", Unmapped, ErrUnknownMeasure},
		{"Category 1 and 2 offenders", Unmapped, ErrAmbiguousHeader},
		{"Category 1 offenders Level 2 and 3", Unmapped, ErrAmbiguousHeader},
		{"SHPOs and SROs imposed", Unmapped, ErrAmbiguousHeader},
		{"Notification orders and foreign travel orders", Unmapped, ErrAmbiguousHeader},
		{"RSOs in breach of notification requirements", Unmapped, ErrAmbiguousHeader},
		{"Serious further offences", Unmapped, ErrAmbiguousHeader},
		// Found in review: each was read into a measure it is not.
		{"Category 4 Level 3 (year)", Unmapped, ErrUnknownMeasure},
		{"RSO population", Unmapped, ErrAmbiguousHeader},
		{"SFOs: not convicted", Unmapped, ErrAmbiguousHeader},
		{"SFOs convicted of a lesser offence", Unmapped, ErrAmbiguousHeader},
		{"Category 1 Level 1 (%)", Unmapped, ErrUnknownMeasure},
		{"Percentage of RSOs managed at level 1", Unmapped, ErrUnknownMeasure},
		{"Share of offenders (%)", Unmapped, nil},
		{"Category 2 offenders convicted for breach of notification requirements", Unmapped, ErrUnknownMeasure},
		{"Applications to revoke notification requirements", Unmapped, nil},
		{"Level 2 and 3 offenders returned to custody Level 1", Unmapped, ErrUnknownMeasure},
		{"MAPPA area code", Identifier, nil},
		{"Police force area name", Identifier, nil},
	} {
		t.Run(tc.header, func(t *testing.T) {
			got, kind, err := ClassifyHeader(tc.header)
			if kind != tc.kind || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) || got != (figure.Column{}) {
				t.Errorf("ClassifyHeader(%q) = %+v, %v, %v; want kind %v, error %v", tc.header, got, kind, err, tc.kind, tc.err)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		in      string
		num     *float64
		marker  string
		ok, bad bool
	}{
		{"1596", f(1596), "", true, false},
		{"1,596", f(1596), "", true, false},
		{" 125.2 ", f(125.2), "", true, false},
		{"1.2520000000000001E2", f(125.20000000000001), "", true, false},
		{"-", f(0), "-", true, false},
		{"[c]", nil, "[c]", true, false},
		{"[Z]", nil, "[z]", true, false},
		{"[low]", nil, "[low]", true, false},
		{"*", nil, "*", true, false},
		{"..", nil, "..", true, false},
		{"N/A", nil, "n/a", true, false},
		{"1,596 [r]", f(1596), "[r]", true, false},
		{"", nil, "", false, false},
		{"twelve", nil, "", false, true},
		{"Inf", nil, "", false, true},
		{"0x10", nil, "", false, true},
		{"12 [note 1]", nil, "", false, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			v, ok, err := figure.ParseValue(tc.in)
			if (err != nil) != tc.bad || ok != tc.ok || v.Marker != tc.marker {
				t.Fatalf("ParseValue(%q) = %+v, %v, %v", tc.in, v, ok, err)
			}
			if (v.Number == nil) != (tc.num == nil) || (v.Number != nil && *v.Number != *tc.num) {
				t.Errorf("ParseValue(%q) number = %v, want %v", tc.in, v.Number, tc.num)
			}
		})
	}
}

// FuzzClassifyHeader feeds arbitrary header and cell text to the header to
// measure mapping (ClassifyHeader), the area matcher and ParseValue. None
// may panic, and a cell ParseValue accepts holds a number or a marker.
// Seeds are literals and every text cell of the area-tables fixtures in
// testdata/published.
func FuzzClassifyHeader(f *testing.F) {
	for _, s := range []string{"Category 1:\nRegistered sexual offenders (1) Level 2", "RSOs per 100,000 population²", "London¹", "[note 3]"} {
		f.Add(s)
	}
	// Every text cell of the area-tables fixtures: their headers, titles
	// and notes (numbers are left to FuzzExtract).
	seen := map[string]bool{}
	for _, wb := range pipelinetest.Workbooks(f, "area-tables") {
		for _, sh := range wb.Sheets {
			for _, row := range sh.Rows {
				for _, v := range row {
					if _, err := strconv.ParseFloat(v, 64); err != nil && v != "" && !seen[v] {
						seen[v] = true
						f.Add(v)
					}
				}
			}
		}
	}
	m := New().Areas
	f.Fuzz(func(t *testing.T, s string) {
		ClassifyHeader(s)
		m.Match(s)
		if v, ok, err := figure.ParseValue(s); err == nil && ok && v.Number == nil && v.Marker == "" {
			t.Errorf("ParseValue(%q) gave neither number nor marker", s)
		}
	})
}
