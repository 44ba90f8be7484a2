// Package derive computes what the publication does not state: RSO rates
// per 100,000 people aged 10 and over, year-on-year growth, and the
// consistency checks of each year's figures.
package derive
