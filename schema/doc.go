// Package schema owns the SQL side of mappa: embedded, numbered migrations
// and the reference data (the 42 MAPPA areas) the database is seeded with.
package schema
