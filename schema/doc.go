// Package schema owns the SQL side of mappa: embedded, numbered migrations,
// the reference data the database is seeded with (the 42 MAPPA areas and
// the description of every column), the data dictionary generated from
// them, and the matcher that maps published area labels to those areas.
package schema
