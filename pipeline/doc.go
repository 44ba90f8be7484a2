// Package pipeline turns cells into normalised observations, derived figures
// and database loads. One file per stage: labels and vocabulary (meaning of
// row labels and headers), extract (area tables), population and lookup
// (ONS estimates), derive (rates and growth), checks, and load (SQLite);
// then orchestration: ingest (one local file), fetch (a run against
// GOV.UK), sync (load what the archive holds and the database lacks),
// rebuild, and the writer lock.
package pipeline
