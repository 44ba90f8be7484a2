package govuk

import (
	"errors"
	"testing"
)

// bulletin and nationalTables are on every statistics page beside the
// area tables, and must never be picked.
func bulletin(fy string) Attachment {
	return Attachment{Title: "MAPPA annual report " + fy, Filename: "mappa-bulletin-" + fy + ".pdf", ContentType: ctPDF,
		URL: "https://assets.example/media/b/mappa-bulletin-" + fy + ".pdf"}
}

func nationalTables(fy string) Attachment {
	return Attachment{Title: "MAPPA annual report " + fy + ": tables", Filename: "mappa-tables-" + fy + ".xlsx",
		ContentType: ctXLSX, URL: "https://assets.example/media/t/mappa-tables-" + fy + ".xlsx"}
}

func statsPage(title string, area ...Attachment) Page {
	atts := append([]Attachment{bulletin("2019-20"), nationalTables("2019-20")}, area...)
	return Page{Title: title, Details: PageDetails{Attachments: atts}}
}

func TestPickAreaTables(t *testing.T) {
	const page1920 = "Multi-agency public protection arrangements (MAPPA) annual report 2019 to 2020"
	xlsx := Attachment{Title: "MAPPA annual report 2019-20: area tables", Filename: "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx",
		ContentType: ctXLSX, URL: "https://assets.example/media/1/MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", FileSize: 9000}
	ods := xlsx
	ods.Filename, ods.ContentType, ods.URL = "MAPPA_Annual_Report_2019-20_Area_Tables.ods", ctODS, "https://assets.example/media/2/MAPPA_Annual_Report_2019-20_Area_Tables.ods"
	xls := xlsx
	xls.Filename, xls.ContentType = "MAPPA_Annual_Report_2019-20_Area_Tables.xls", ctXLS
	for _, tc := range []struct {
		name     string
		page     Page
		wantYear string
		wantFile string
		wantURL  string // checked when set
		wantErr  error
	}{
		{"area tables beside bulletin and national tables", statsPage(page1920, xlsx), "2019-20",
			"MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", xlsx.URL, nil},
		{"title names area tables and year", statsPage("MAPPA statistics",
			Attachment{Title: "MAPPA Annual Report 2015-16 Area Tables", Filename: "tables.xls", ContentType: ctXLS, URL: "u"}),
			"2015-16", "tables.xls", "", nil},
		{"slash year in attachment title", statsPage("MAPPA annual report 2018 to 2019",
			Attachment{Title: "MAPPA annual report 2018/19: area tables", Filename: "mappa-annual-report-2018-19-area-tables.xlsx", ContentType: ctXLSX}),
			"2018-19", "mappa-annual-report-2018-19-area-tables.xlsx", "", nil},
		{"year only on the page title", statsPage("MAPPA annual report 2016 to 2017",
			Attachment{Title: "Area tables", Filename: "area.xlsx", ContentType: ctXLSX}), "2016-17", "area.xlsx", "", nil},
		{"file name only, ends in area", statsPage("MAPPA annual report 2014 to 2015",
			Attachment{Filename: "mappa-annual-report-2014-15-area.xls"}), "2014-15", "mappa-annual-report-2014-15-area.xls", "", nil},
		{"file name only, by area", statsPage("",
			Attachment{Filename: "mappa-annual-report-2013-14-by-area.xls", ContentType: ctXLS}), "2013-14", "mappa-annual-report-2013-14-by-area.xls", "", nil},
		{"file name only, areas tables, year last", statsPage("MAPPA annual report 2022 to 2023",
			Attachment{Filename: "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx"}), "2022-23", "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx", "", nil},
		{"no file name: name from url", statsPage("MAPPA annual report 2014 to 2015",
			Attachment{Title: "Area tables", URL: "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/800001/mappa-annual-report-2014-15-area.xls"}),
			"2014-15", "mappa-annual-report-2014-15-area.xls", "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/800001/mappa-annual-report-2014-15-area.xls", nil},
		{"url-encoded name from url", statsPage("MAPPA annual report 2019 to 2020",
			Attachment{URL: "https://assets.example/media/9/Area%20tables%202019-20.xls"}),
			"2019-20", "Area tables 2019-20.xls", "", nil},
		{"same table in two formats with format words in titles", statsPage(page1920,
			Attachment{Title: "Area tables (Excel)", Filename: "a.xlsx", ContentType: ctXLSX},
			Attachment{Title: "Area tables (ODS)", Filename: "a.ods", ContentType: ctODS}),
			"2019-20", "a.ods", "", nil},
		{"no content type: extension decides", statsPage(page1920,
			Attachment{Title: "Area tables", Filename: "area-tables-2019-20.ods"}), "2019-20", "area-tables-2019-20.ods", "", nil},
		{"ods preferred to xlsx", statsPage(page1920, xlsx, ods), "2019-20", ods.Filename, ods.URL, nil},
		{"ods preferred, listed first", statsPage(page1920, ods, xlsx), "2019-20", ods.Filename, ods.URL, nil},
		{"xlsx preferred to xls", statsPage(page1920, xls, xlsx), "2019-20", xlsx.Filename, xlsx.URL, nil},
		{"three formats, no titles", statsPage(page1920,
			Attachment{Filename: "area-tables-2019-20.xls"}, Attachment{Filename: "area-tables-2019-20.ods"}, Attachment{Filename: "area-tables-2019-20.xlsx"}),
			"2019-20", "area-tables-2019-20.ods", "", nil},
		{"two different area tables", statsPage(page1920,
			xlsx, Attachment{Title: "MAPPA annual report 2019-20: area tables (revised)", Filename: "revised-area-tables.xlsx", ContentType: ctXLSX}),
			"", "", "", ErrAmbiguous},
		{"two area tables of different years", Page{Title: "MAPPA reports", Details: PageDetails{Attachments: []Attachment{
			{Filename: "area-tables-2019-20.xlsx"}, {Filename: "area-tables-2020-21.xlsx"}}}}, "", "", "", ErrAmbiguous},
		{"attachment year disagrees with page", statsPage(page1920,
			Attachment{Title: "MAPPA annual report 2020-21: area tables", Filename: "area.xlsx", ContentType: ctXLSX}), "", "", "", ErrAmbiguous},
		{"attachment title and file name disagree", statsPage("MAPPA",
			Attachment{Title: "Area tables 2019-20", Filename: "area-tables-2020-21.xlsx"}), "", "", "", ErrAmbiguous},
		{"no year anywhere", statsPage("MAPPA annual report",
			Attachment{Title: "Area tables", Filename: "area-tables.xlsx", ContentType: ctXLSX}), "", "", "", ErrAmbiguous},
		{"page title names two years", statsPage("MAPPA annual reports 2018 to 2019 and 2019 to 2020", xlsx), "", "", "", ErrAmbiguous},
		{"no spreadsheet", Page{Title: page1920, Details: PageDetails{Attachments: []Attachment{bulletin("2019-20"),
			{Title: "Area tables", Filename: "area-tables-2019-20.pdf", ContentType: ctPDF}}}}, "", "", "", ErrNoAreaTables},
		{"national tables alone", Page{Title: page1920, Details: PageDetails{Attachments: []Attachment{nationalTables("2019-20")}}},
			"", "", "", ErrNoAreaTables},
		{"no attachments", Page{Title: page1920}, "", "", "", ErrNoAreaTables},
		{"area tables as csv", statsPage(page1920, Attachment{Title: "Area tables", Filename: "area-tables.csv", ContentType: "text/csv"}),
			"", "", "", ErrNoAreaTables},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PickAreaTables(tc.page)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("PickAreaTables = %+v, %v; want %v", got, err, tc.wantErr)
				}
				if got != (Candidate{}) {
					t.Errorf("a failed pick returned %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("PickAreaTables: %v", err)
			}
			if got.FinancialYear != tc.wantYear || got.Filename() != tc.wantFile {
				t.Errorf("picked %s %q, want %s %q", got.FinancialYear, got.Filename(), tc.wantYear, tc.wantFile)
			}
			if tc.wantURL != "" && got.Attachment.URL != tc.wantURL {
				t.Errorf("picked url %q, want %q", got.Attachment.URL, tc.wantURL)
			}
		})
	}
}

func FuzzPickAreaTables(f *testing.F) {
	f.Add("MAPPA annual report 2019 to 2020", "MAPPA annual report 2019-20: area tables", "MAPPA_Annual_Report_2019-20_Area_Tables.xlsx", ctXLSX, "https://a.example/x.xlsx", true)
	f.Add("", "Area tables", "mappa-annual-report-2014-15-area.xls", "", "", false)
	f.Add("MAPPA annual report 2016 to 2017", "Area tables", "", "", "https://a.example/f/area.ods?x=1", true)
	f.Add("MAPPA 2019/20", "Area tables 2020-21", "MAPPA_Annual_Report_-_Areas_Tables_2022-23.xlsx", ctODS, "", false)
	f.Add("2020-10-29", "by area", "x.xls", ctXLS, "u", true)
	f.Fuzz(func(t *testing.T, pageTitle, title, filename, contentType, url string, twice bool) {
		if len(pageTitle)+len(title)+len(filename)+len(contentType)+len(url) > 4096 {
			return
		}
		a := Attachment{Title: title, Filename: filename, ContentType: contentType, URL: url}
		p := Page{Title: pageTitle, Details: PageDetails{Attachments: []Attachment{bulletin("2019-20"), a}}}
		if twice { // the same table in another format
			b := a
			b.ContentType = ctODS
			p.Details.Attachments = append(p.Details.Attachments, b)
		}
		c, err := PickAreaTables(p)
		if err != nil {
			if !errors.Is(err, ErrAmbiguous) && !errors.Is(err, ErrNoAreaTables) {
				t.Fatalf("PickAreaTables: unexpected error %v", err)
			}
			return
		}
		checkFinancialYear(t, c.FinancialYear)
		if c.Attachment != a && (!twice || c.Attachment != p.Details.Attachments[2]) {
			t.Fatalf("picked %+v, which is not an area tables attachment of the page", c.Attachment)
		}
		if c.Attachment.spreadsheetExt() == "" || !c.Attachment.namesAreaTables() {
			t.Fatalf("picked %+v as %q", c.Attachment, c.Filename())
		}
		if pageYear, _ := FinancialYearIn(pageTitle); pageYear != "" && c.FinancialYear != pageYear {
			t.Fatalf("page %q is for %s but the pick says %s", pageTitle, pageYear, c.FinancialYear)
		}
	})
}
