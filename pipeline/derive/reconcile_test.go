package derive

import (
	"testing"

	"github.com/mappa-etl/mappa/pipeline/figure"
	"github.com/mappa-etl/mappa/schema"
)

// TestReconciliationChecks: the estimate a year's rates use passes when
// its file's areas were reconciled to its England and Wales row, and is
// not checked, saying why, when the file had none or was loaded before
// estimates were reconciled; a year whose estimate was never read has no
// check.
func TestReconciliationChecks(t *testing.T) {
	bases := map[figure.FinancialYear]Basis{
		"2019-20": {MidYear: 2019, Edition: "2020-06-24"},
		"2020-21": {MidYear: 2020, Edition: "2021-06-25"},
		"2021-22": {MidYear: 2021, Edition: "2022-06-28"},
	}
	pops := []figure.Population{{MidYear: 2019, Edition: "2020-06-24", AreaCode: schema.EnglandAndWales, Persons10Plus: 52252671}}
	read := []Reconciled{
		{MidYear: 2019, Edition: "2020-06-24", File: "mye19.xls", Cell: "MYE2 - Persons!A8"},
		{MidYear: 2020, Edition: "2021-06-25", File: "mye20.xlsx"},
	}
	got := ReconciliationChecks(bases, pops, read)
	want := []CheckResult{
		{FinancialYear: "2019-20", Check: CheckPopulationReconciles, Subject: schema.EnglandAndWales, Status: CheckPass,
			Detail: "mid-2019 (edition of 2020-06-24): the 42 areas add up to 52252671 aged 10 and over, the England and Wales row of mye19.xls at MYE2 - Persons!A8"},
		{FinancialYear: "2020-21", Check: CheckPopulationReconciles, Subject: schema.EnglandAndWales, Status: CheckNotChecked,
			Detail: "mid-2020 (edition of 2021-06-25): not reconciled: mye20.xlsx has no England and Wales row, or was loaded before estimates were reconciled (mappa rebuild reconciles it)"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("check %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
