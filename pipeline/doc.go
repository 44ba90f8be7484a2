// Package pipeline turns cells into normalised observations, derived figures
// and database loads. One file per stage: labels and vocabulary (meaning of
// row labels and headers), extract (area tables), population and lookup
// (ONS estimates), derive (rates and growth), checks, and load (SQLite).
package pipeline
