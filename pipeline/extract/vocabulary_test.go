package extract

import (
	"strconv"
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/pipeline/pipelinetest"
)

func TestClassifyHeader(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   figure.Column
		ok     bool
	}{
		{"Category 1:\nRegistered sexual offenders (1) Level 2", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: "2"}, true},
		{"Category 1: Registered sexual offenders - Total [note 2]", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}, true},
		{"Registered Sex Offenders (RSOs)", figure.Column{Measure: figure.MeasureOffenders, Category: "1", Level: figure.All}, true},
		{"Category 2: Violent offenders - Level 3", figure.Column{Measure: figure.MeasureOffenders, Category: "2", Level: "3"}, true},
		{"Category 3: Other dangerous offenders Total", figure.Column{Measure: figure.MeasureOffenders, Category: "3", Level: figure.All}, true},
		{"Total MAPPA-eligible offenders", figure.Column{Measure: figure.MeasureOffenders, Category: figure.All, Level: figure.All}, true},
		{"Total MAPPA offenders¹", figure.Column{Measure: figure.MeasureOffenders, Category: figure.All, Level: figure.All}, true},
		{"RSOs per 100,000 population²", figure.Column{Measure: figure.MeasureRSORate, Category: "1", Level: figure.All}, true},
		{"Rate per 100,000 population aged 10 and over [note 4]", figure.Column{Measure: figure.MeasureRSORate, Category: "1", Level: figure.All}, true},
		{"RSOs cautioned or convicted for breach of notification requirements", figure.Column{Measure: figure.MeasureBreachConvictions, Category: "1", Level: figure.All}, true},
		{"RSOs whose indefinite (lifetime) notification requirements were revoked on application", figure.Column{Measure: figure.MeasureRevocations, Category: "1", Level: figure.All}, true},
		{"SHPOs imposed with foreign travel restrictions", figure.Column{Measure: figure.MeasureSHPOsForeignTravel, Category: figure.All, Level: figure.All}, true},
		{"Sexual Harm Prevention Orders (SHPOs) imposed", figure.Column{Measure: figure.MeasureSHPOs, Category: figure.All, Level: figure.All}, true},
		{"Notification Orders imposed", figure.Column{Measure: figure.MeasureNotificationOrders, Category: figure.All, Level: figure.All}, true},
		{"Sexual Risk Orders (SROs) imposed", figure.Column{Measure: figure.MeasureSexualRiskOrders, Category: figure.All, Level: figure.All}, true},
		{"Level 2 and 3 offenders returned to custody", figure.Column{Measure: figure.MeasureReturnedCustody, Category: figure.All, Level: figure.All}, true},
		{"Serious Further Offences (SFOs) charged", figure.Column{Measure: figure.MeasureSFOsCharged, Category: figure.All, Level: figure.All}, true},
		{"Area", figure.Column{}, false},
		{"Area code", figure.Column{}, false},
		{"Level 1", figure.Column{}, false},
	} {
		t.Run(tc.header, func(t *testing.T) {
			got, ok := ClassifyHeader(tc.header)
			if ok != tc.ok || got != tc.want {
				t.Errorf("ClassifyHeader(%q) = %+v, %v; want %+v, %v", tc.header, got, ok, tc.want, tc.ok)
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
