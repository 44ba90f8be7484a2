// Package ons reads ONS mid-year population estimates (MYE2 workbooks) and
// the lookups that map local authorities to police force areas, into the
// population aged 10 and over of each MAPPA area.
package ons
