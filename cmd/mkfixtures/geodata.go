package main

// This file holds the invented geography as plain data: one entry per police
// force area (PFA) with its region, a 2013 all-ages population, a yearly
// growth rate and its local authority districts. District names are real
// place names so the fixtures read plausibly; codes are assigned in geo.go
// and only have the shape of real ONS codes. Populations are invented.

// District kinds, named after the ONS code prefix they receive.
const (
	kindUnitary  = "E06" // unitary authority (England)
	kindDistrict = "E07" // non-metropolitan district, part of a county (E10)
	kindMetro    = "E08" // metropolitan district, part of a metropolitan county (E11)
	kindBorough  = "E09" // London borough
	kindWelsh    = "W06" // Welsh unitary authority
)

// ladSpec describes one district: name, kind and, for E07/E08, the county or
// metropolitan county it sits in.
type ladSpec struct {
	name, kind, county string
}

// pfaSpec describes one police force area.
type pfaSpec struct {
	code, name string
	region     string  // E12 code, or "" for Wales
	pop2013    float64 // all ages, mid-2013, in thousands
	growth     float64 // yearly growth of the population aged 10 and over
	lads       []ladSpec
}

func u(names ...string) []ladSpec { return of(kindUnitary, "", names) }
func m(county string, names ...string) []ladSpec {
	return of(kindMetro, county, names)
}
func d(county string, names ...string) []ladSpec {
	return of(kindDistrict, county, names)
}
func w(names ...string) []ladSpec { return of(kindWelsh, "", names) }

func of(kind, county string, names []string) []ladSpec {
	out := make([]ladSpec, len(names))
	for i, n := range names {
		out[i] = ladSpec{name: n, kind: kind, county: county}
	}
	return out
}

func cat(parts ...[]ladSpec) []ladSpec {
	var out []ladSpec
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// regions lists the nine English regions (E12) in ONS order.
var regions = []struct{ code, name string }{
	{"E12000001", "NORTH EAST"},
	{"E12000002", "NORTH WEST"},
	{"E12000003", "YORKSHIRE AND THE HUMBER"},
	{"E12000004", "EAST MIDLANDS"},
	{"E12000005", "WEST MIDLANDS"},
	{"E12000006", "EAST"},
	{"E12000007", "LONDON"},
	{"E12000008", "SOUTH EAST"},
	{"E12000009", "SOUTH WEST"},
}

// metroCounties gives the real E11 codes of the metropolitan counties.
var metroCounties = map[string]string{
	"Greater Manchester": "E11000001",
	"Merseyside":         "E11000002",
	"South Yorkshire":    "E11000003",
	"Tyne and Wear":      "E11000004",
	"West Midlands":      "E11000005",
	"West Yorkshire":     "E11000006",
}

// Northamptonshire's districts are merged into two unitaries from mid-2021:
// the one boundary change the fixtures model (as happened in April 2021).
const mergedPFA = "E23000022"

var unitaryMerges = []struct {
	name string
	from []string
}{
	{"North Northamptonshire", []string{"Corby", "Kettering", "Wellingborough"}},
	{"West Northamptonshire", []string{"Daventry", "Northampton", "South Northamptonshire"}},
}

// mergeYear is the first mid-year estimate published on the new boundaries.
const mergeYear = 2021

// pfas lists all 43 police force areas, City of London included, in the
// reference order of areas.csv (City of London last in England).
var pfas = []pfaSpec{
	{"E23000036", "Avon and Somerset", "E12000009", 1640, 0.0072, cat(
		u("Bristol, City of", "Bath and North East Somerset", "North Somerset", "South Gloucestershire"),
		d("Somerset", "Mendip", "Sedgemoor", "Somerset West and Taunton", "South Somerset"))},
	{"E23000026", "Bedfordshire", "E12000006", 630, 0.0085, u("Bedford", "Central Bedfordshire", "Luton")},
	{"E23000023", "Cambridgeshire", "E12000006", 820, 0.0090, cat(u("Peterborough"),
		d("Cambridgeshire", "Cambridge", "East Cambridgeshire", "Fenland", "Huntingdonshire", "South Cambridgeshire"))},
	{"E23000006", "Cheshire", "E12000002", 1030, 0.0050, u("Cheshire East", "Cheshire West and Chester", "Halton", "Warrington")},
	{"E23000013", "Cleveland", "E12000001", 560, 0.0020, u("Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees")},
	{"E23000002", "Cumbria", "E12000002", 500, 0.0010,
		d("Cumbria", "Allerdale", "Barrow-in-Furness", "Carlisle", "Copeland", "Eden", "South Lakeland")},
	{"E23000018", "Derbyshire", "E12000004", 1025, 0.0060, cat(u("Derby"),
		d("Derbyshire", "Amber Valley", "Bolsover", "Chesterfield", "Erewash", "High Peak", "South Derbyshire"))},
	{"E23000035", "Devon and Cornwall", "E12000009", 1690, 0.0065, cat(
		u("Cornwall", "Isles of Scilly", "Plymouth", "Torbay"),
		d("Devon", "East Devon", "Exeter", "Mid Devon", "North Devon", "Teignbridge"))},
	{"E23000039", "Dorset", "E12000009", 750, 0.0055, u("Bournemouth, Christchurch and Poole", "Dorset")},
	{"E23000008", "Durham", "E12000001", 620, 0.0030, u("County Durham", "Darlington")},
	{"E23000028", "Essex", "E12000006", 1750, 0.0070, cat(u("Southend-on-Sea", "Thurrock"),
		d("Essex", "Basildon", "Braintree", "Brentwood", "Chelmsford", "Colchester", "Epping Forest", "Harlow", "Tendring"))},
	{"E23000037", "Gloucestershire", "E12000009", 605, 0.0068,
		d("Gloucestershire", "Cheltenham", "Cotswold", "Forest of Dean", "Gloucester", "Stroud", "Tewkesbury")},
	{"E23000005", "Greater Manchester", "E12000002", 2710, 0.0070,
		m("Greater Manchester", "Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford", "Wigan")},
	{"E23000030", "Hampshire", "E12000008", 1890, 0.0060, cat(u("Portsmouth", "Southampton", "Isle of Wight"),
		d("Hampshire", "Basingstoke and Deane", "Eastleigh", "Fareham", "New Forest", "Test Valley", "Winchester"))},
	{"E23000027", "Hertfordshire", "E12000006", 1140, 0.0080,
		d("Hertfordshire", "Broxbourne", "Dacorum", "East Hertfordshire", "St Albans", "Stevenage", "Watford", "Welwyn Hatfield")},
	{"E23000012", "Humberside", "E12000003", 925, 0.0030,
		u("East Riding of Yorkshire", "Kingston upon Hull, City of", "North East Lincolnshire", "North Lincolnshire")},
	{"E23000032", "Kent", "E12000008", 1760, 0.0085, cat(u("Medway"),
		d("Kent", "Ashford", "Canterbury", "Dartford", "Maidstone", "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling"))},
	{"E23000003", "Lancashire", "E12000002", 1440, 0.0045, cat(u("Blackburn with Darwen", "Blackpool"),
		d("Lancashire", "Burnley", "Chorley", "Lancaster", "Preston", "South Ribble", "West Lancashire", "Wyre"))},
	{"E23000021", "Leicestershire", "E12000004", 1035, 0.0080, cat(u("Leicester", "Rutland"),
		d("Leicestershire", "Charnwood", "Harborough", "Hinckley and Bosworth", "North West Leicestershire"))},
	{"E23000020", "Lincolnshire", "E12000004", 725, 0.0070,
		d("Lincolnshire", "Boston", "East Lindsey", "Lincoln", "North Kesteven", "South Holland", "South Kesteven", "West Lindsey")},
	{"E23000001", "Metropolitan Police", "E12000007", 8410, 0.0062, of(kindBorough, "", []string{
		"Barnet", "Brent", "Camden", "Croydon", "Ealing", "Hackney", "Islington", "Lambeth", "Newham", "Southwark", "Tower Hamlets", "Westminster"})},
	{"E23000004", "Merseyside", "E12000002", 1390, 0.0045, m("Merseyside", "Knowsley", "Liverpool", "St. Helens", "Sefton", "Wirral")},
	{"E23000024", "Norfolk", "E12000006", 875, 0.0065,
		d("Norfolk", "Breckland", "Broadland", "Great Yarmouth", "King's Lynn and West Norfolk", "North Norfolk", "Norwich", "South Norfolk")},
	{"E23000022", "Northamptonshire", "E12000004", 705, 0.0085,
		d("Northamptonshire", "Corby", "Kettering", "Wellingborough", "Daventry", "Northampton", "South Northamptonshire")},
	{"E23000007", "Northumbria", "E12000001", 1430, 0.0030, cat(u("Northumberland"),
		m("Tyne and Wear", "Gateshead", "Newcastle upon Tyne", "North Tyneside", "South Tyneside", "Sunderland"))},
	{"E23000009", "North Yorkshire", "E12000003", 800, 0.0035, cat(u("York"),
		d("North Yorkshire", "Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"))},
	{"E23000019", "Nottinghamshire", "E12000004", 1100, 0.0060, cat(u("Nottingham"),
		d("Nottinghamshire", "Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood", "Rushcliffe"))},
	{"E23000011", "South Yorkshire", "E12000003", 1355, 0.0045, m("South Yorkshire", "Barnsley", "Doncaster", "Rotherham", "Sheffield")},
	{"E23000015", "Staffordshire", "E12000005", 1105, 0.0045, cat(u("Stoke-on-Trent"),
		d("Staffordshire", "Cannock Chase", "East Staffordshire", "Lichfield", "Newcastle-under-Lyme", "Stafford", "Tamworth"))},
	{"E23000025", "Suffolk", "E12000006", 735, 0.0050, d("Suffolk", "Babergh", "East Suffolk", "Ipswich", "Mid Suffolk", "West Suffolk")},
	{"E23000031", "Surrey", "E12000008", 1150, 0.0055,
		d("Surrey", "Elmbridge", "Guildford", "Reigate and Banstead", "Runnymede", "Spelthorne", "Waverley", "Woking")},
	{"E23000033", "Sussex", "E12000008", 1640, 0.0065, cat(u("Brighton and Hove"),
		d("East Sussex", "Eastbourne", "Hastings", "Lewes", "Wealden"), d("West Sussex", "Crawley", "Horsham", "Worthing"))},
	{"E23000029", "Thames Valley", "E12000008", 2310, 0.0075, cat(
		u("Milton Keynes", "Reading", "Slough", "West Berkshire", "Wokingham"),
		d("Buckinghamshire", "Aylesbury Vale", "Wycombe"), d("Oxfordshire", "Cherwell", "Oxford", "Vale of White Horse"))},
	{"E23000017", "Warwickshire", "E12000005", 550, 0.0090,
		d("Warwickshire", "North Warwickshire", "Nuneaton and Bedworth", "Rugby", "Stratford-on-Avon", "Warwick")},
	{"E23000016", "West Mercia", "E12000005", 1225, 0.0050, cat(u("Herefordshire, County of", "Shropshire", "Telford and Wrekin"),
		d("Worcestershire", "Bromsgrove", "Malvern Hills", "Redditch", "Worcester", "Wychavon", "Wyre Forest"))},
	{"E23000014", "West Midlands", "E12000005", 2810, 0.0070,
		m("West Midlands", "Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton")},
	{"E23000010", "West Yorkshire", "E12000003", 2250, 0.0048, m("West Yorkshire", "Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield")},
	{"E23000038", "Wiltshire", "E12000009", 695, 0.0060, u("Swindon", "Wiltshire")},
	{"E23000034", "City of London", "E12000007", 8, 0.0190, nil}, // its one district is added in geo.go
	{"W15000001", "North Wales", "", 690, 0.0030, w("Isle of Anglesey", "Gwynedd", "Conwy", "Denbighshire", "Flintshire", "Wrexham")},
	{"W15000002", "Gwent", "", 580, 0.0035, w("Blaenau Gwent", "Caerphilly", "Monmouthshire", "Newport", "Torfaen")},
	{"W15000003", "South Wales", "", 1265, 0.0045,
		w("Bridgend", "Vale of Glamorgan", "Cardiff", "Rhondda Cynon Taf", "Merthyr Tydfil", "Swansea", "Neath Port Talbot")},
	{"W15000004", "Dyfed-Powys", "", 510, 0.0025, w("Powys", "Ceredigion", "Pembrokeshire", "Carmarthenshire")},
}
