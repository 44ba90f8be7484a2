// Package figure holds the values every stage of mappa shares: a
// published figure and its marker (Value), what a column measures
// (Column), an observation with its source cell, a population estimate,
// and the financial years and mid-years they belong to, parsed once.
package figure
