// Package store is the mappa SQLite database and all the SQL mappa runs:
// loads (each in a transaction, or one Batch), the derived tables, run
// records, status, summary, exports and what the report reads.
package store
