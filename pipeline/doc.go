// Package pipeline runs mappa's stages end to end: ingest (parse one file,
// archive it and load it), fetch (a run against GOV.UK and the operator's
// inputs), sync (load what the archive holds and the database lacks),
// rebuild (a new database from the archive alone) and the writer lock. The
// stages themselves are its subpackages: extract and ons read figures from
// cells, derive computes from figures, store holds all the SQL.
package pipeline
