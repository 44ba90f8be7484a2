// Package extract reads MAPPA area tables by meaning, whatever their
// layout: it finds the column of area names, the header above it, maps
// each header to a measure (vocabulary.go) and reads every area row into
// observations that name their cell.
package extract
