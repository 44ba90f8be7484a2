package main

import "fmt"

// repeatSuffix marks the tag of a repeated column's cells.
const repeatSuffix = "|repeat"

// Column sets shared by the accessible years.

// categoryCols are the offenders on 31 March by category and level, then
// the total; with cat4 category 4 comes after category 3 (17 columns: 0-3
// category 1, 4-7 category 2, 8-11 category 3, 12-15 category 4, 16 total).
func categoryCols(noteCat1 string, cat4 bool) []accCol {
	var cols []accCol
	names := []string{"Category 1: Registered sexual offenders", "Category 2: Violent offenders",
		"Category 3: Other dangerous offenders"}
	groups := catMeasures[:]
	if cat4 {
		names = append(names, "Category 4: Terrorist and terrorism risk offenders")
		groups = append(groups[:3:3], [4]measure{c4l1, c4l2, c4l3, c4t})
	}
	for c, ms := range groups {
		for i, m := range ms {
			h := names[c] + " - " + levels4[i]
			if c == 0 && noteCat1 != "" {
				h += " " + noteCat1
			}
			cols = append(cols, accCol{m: m, header: h})
		}
	}
	return append(cols, accCol{m: total, header: "Total MAPPA-eligible offenders"})
}

func orderCols() []accCol {
	return []accCol{{m: shpo, header: "Sexual Harm Prevention Orders (SHPOs) imposed"},
		{m: shpoTravel, header: "SHPOs with foreign travel restrictions"},
		{m: notifOrder, header: "Notification Orders imposed"},
		{m: sro, header: "Sexual Risk Orders (SROs) imposed"},
		{m: recalled, header: "Level 2 and 3 offenders returned to custody"},
		{m: sfo, header: "Serious further offences (SFOs) charged"}}
}

// eventCols are the orders and outcomes added from 2022-23.
func eventCols() []accCol {
	return []accCol{{m: fto, header: "Foreign Travel Orders granted"},
		{m: shpoBreaches, header: "Breaches of SHPOs"},
		{m: sroBreaches, header: "Breaches of Sexual Risk Orders"},
		{m: sfoConvicted, header: "Serious further offences (SFOs) convicted"},
		{m: sfoStillCharged, header: "SFOs still charged at 31 March"},
		{m: sfoOther, header: "SFOs: other outcome"},
		{m: scr, header: "Serious case reviews"}}
}

const (
	rateHeader    = "RSOs per 100,000 population aged 10 and over"
	breachHeader  = "RSOs cautioned or convicted for breach of notification requirements"
	revokedHeader = "RSOs whose indefinite notification requirements were revoked on application"
)

func rateCols(note string) []accCol {
	return []accCol{{m: rate, header: rateHeader + " " + note},
		{m: breach, header: breachHeader}, {m: revoked, header: revokedHeader}}
}

// rateColsSplit is Table_2 from 2024-25: the RSO count repeated from
// Table_1, the rate, the rounded population it uses, breaches as cautions
// and convictions (no combined column), revocations.
func rateColsSplit() []accCol {
	return []accCol{{m: c1t, header: "Registered sexual offenders (category 1 total)", repeat: true},
		{m: rate, header: rateHeader + " [note 4]"},
		{m: pop10pub, header: "Population aged 10 and over (rounded to the nearest 100) [note 4]"},
		{m: breachCautioned, header: "RSOs cautioned for breach of notification requirements"},
		{m: breachConvicted, header: "RSOs convicted for breach of notification requirements"},
		{m: revoked, header: revokedHeader}}
}

// meetingsCol maps to no measure of the pipeline (2023-24 only).
var meetingsCol = accCol{m: meetings, header: "MAPPA meetings held"}

// duringCols are the offenders managed at level 2 or 3 at any time during
// the year, categories 1 to 4, in one of the two wordings of the releases.
func duringCols(longWording bool) []accCol {
	var cols []accCol
	for i, p := range duringOf {
		cat, level := i/2+1, i%2+2
		h := fmt.Sprintf("Category %d - Level %d (during the year)", cat, level)
		if longWording {
			h = fmt.Sprintf("Category %d offenders managed at level %d at any time during the year", cat, level)
		}
		cols = append(cols, accCol{m: p[0], header: h})
	}
	return cols
}

// pick reorders columns: the 2022-23 tables list them out of the usual order.
func pick(cols []accCol, order ...int) []accCol {
	out := make([]accCol, len(order))
	for i, o := range order {
		out[i] = cols[o]
	}
	return out
}

func concat(parts ...[]accCol) []accCol {
	var out []accCol
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
