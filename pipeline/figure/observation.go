package figure

// Observation is one published figure: a measure for one area and financial
// year, with the exact cell it was read from.
type Observation struct {
	FinancialYear FinancialYear
	AreaCode      string
	Column
	Value
	Sheet, Cell string
}

// IsRSOCount reports whether an observation is the count of registered
// sexual offenders: the category 1 total.
func (o Observation) IsRSOCount() bool {
	return o.Measure == MeasureOffenders && o.Category == "1" && o.Level == All
}

// Population is persons of one MAPPA area (or England and Wales, K04000001)
// in one ONS mid-year estimate.
type Population struct {
	MidYear        MidYear
	Edition        Edition // which ONS release of the mid-year; "" until it is known
	AreaCode       string  // one of the 42 MAPPA area codes or K04000001
	Persons10Plus  int64   // sum of single-year ages 10..90+
	PersonsAllAges int64
}

// PopulationSource says how a population file was read, for provenance.
type PopulationSource struct {
	Sheet  string // e.g. "MYE2 - Persons"
	Level  string // "police force area" or "local authority"
	Lookup string // name of the lookup used, "" at PFA level
	// Edition is the release the file says it is, from a "Date published"
	// or "Release date" line (EditionCell says where); "" when it does not
	// say.
	Edition     Edition
	EditionCell string // "Notes and definitions!A63"
	// EnglandAndWalesCell is the file's own England and Wales row, which
	// the 42 areas were reconciled to: "MYE2 - Persons!A8"; "" when the
	// file has none and nothing could be reconciled.
	EnglandAndWalesCell string
}

// UnmappedColumn is a header of an area table that maps to no measure
// mappa knows: recorded so that what a release published and mappa did not
// load is seen.
type UnmappedColumn struct {
	Sheet, Cell string
	Header      string // as published, joined across header rows onto one line
}
