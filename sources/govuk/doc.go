// Package govuk reads the GOV.UK Content API: the MAPPA collection, each
// statistics page, and which attachment of a page is its area tables and
// for which financial year.
package govuk
