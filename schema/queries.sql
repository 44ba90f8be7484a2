-- The README's example queries (its Querying section), as Datasette's canned
-- queries: mappa export --format datasette. Each starts at a line naming
-- it ("query:" and its name); TestCannedQueriesAreTheReadmes keeps them the
-- README's.

-- query: highest_rso_rates
-- Highest RSO rates in the latest year, against England and Wales
SELECT a.area_name, a.rsos, ROUND(a.rso_rate_per_100k, 1) AS per_100k,
       ROUND(e.rso_rate_per_100k, 1) AS england_and_wales, ROUND(a.rso_growth_pct, 1) AS growth_pct
FROM area_summary a
JOIN area_summary e ON e.financial_year = a.financial_year AND e.area_code = 'K04000001'
WHERE a.financial_year = (SELECT MAX(financial_year) FROM releases) AND a.area_type = 'police_force_area'
ORDER BY a.rso_rate_per_100k DESC LIMIT 5;

-- query: rates_on_each_years_own_mid_year
-- Rates on each year's own mid-year (its latest edition) beside the ones
-- on the estimate the release's published rates used: 2022-23 and 2023-24
-- published theirs on the previous mid-year
SELECT o.financial_year, o.value AS rsos, p.mid_year, p.edition,
       ROUND(o.value * 100000.0 / p.persons_10plus, 1) AS same_year_per_100k,
       r.population_mid_year AS published_basis, ROUND(r.rso_rate_per_100k, 1) AS per_100k
FROM observations o
JOIN population p ON p.area_code = o.area_code AND p.mid_year = CAST(substr(o.financial_year, 1, 4) AS INTEGER)
JOIN rso_rates r ON r.financial_year = o.financial_year AND r.area_code = o.area_code
WHERE o.area_code = 'K04000001' AND o.measure = 'offenders' AND o.category = '1' AND o.level = 'all'
  AND o.financial_year >= '2020-21'
ORDER BY o.financial_year;

-- query: lowest_rso_rates
-- Lowest RSO rates in the latest year
SELECT area_name, rsos, ROUND(rso_rate_per_100k, 1) AS per_100k, population_10plus, population_mid_year
FROM area_summary
WHERE financial_year = (SELECT MAX(financial_year) FROM releases) AND area_type = 'police_force_area'
ORDER BY rso_rate_per_100k LIMIT 5;

-- query: one_area_trend
-- One area's ten-year trend, with England and Wales beside it
SELECT a.financial_year, a.rsos, a.violent_offenders, ROUND(a.rso_rate_per_100k, 1) AS per_100k,
       ROUND(e.rso_rate_per_100k, 1) AS england_and_wales, ROUND(a.rso_growth_pct, 1) AS growth_pct
FROM area_summary a
JOIN area_summary e ON e.financial_year = a.financial_year AND e.area_code = 'K04000001'
WHERE a.area_name = 'Essex'
ORDER BY a.financial_year DESC LIMIT 10;

-- query: computed_against_published_rates
-- Where the computed rate and the MoJ's published rate differ most
SELECT s.financial_year, s.area_name, ROUND(s.rso_rate_per_100k, 2) AS computed,
       s.rso_rate_per_100k_published AS published,
       ROUND(s.rso_rate_per_100k - s.rso_rate_per_100k_published, 2) AS difference, c.status AS check_status
FROM area_summary s
JOIN check_results c ON c.financial_year = s.financial_year AND c.subject = s.area_code
 AND c.check_name = 'rate_matches_published'
ORDER BY ABS(s.rso_rate_per_100k - s.rso_rate_per_100k_published) DESC, s.financial_year, s.area_name LIMIT 5;

-- query: category_4_offenders
-- Terrorist and terrorism risk offenders (category 4, from 2022-23): the
-- National Security Division, which is no place, against England and Wales
SELECT financial_year, area_name, area_type, terrorism_offenders, total_offenders,
       ROUND(rso_rate_per_100k, 1) AS per_100k
FROM area_summary
WHERE area_type <> 'police_force_area' AND financial_year >= '2022-23'
ORDER BY financial_year, area_type DESC;

-- query: breach_series
-- One breach series across the change of 2024-25, when cautions and
-- convictions were first published apart (derived = 1: mappa's sum)
SELECT financial_year, rso_breach_convictions, rso_breach_convictions_derived AS derived,
       rso_breach_cautioned, rso_breach_convicted
FROM area_summary WHERE area_name = 'Essex' AND financial_year >= '2022-23'
ORDER BY financial_year;

-- query: unmapped_columns
-- Columns a release published that map to no measure mappa knows
SELECT u.financial_year, f.filename, u.sheet, u.cell, u.header
FROM unmapped_columns u JOIN source_files f ON f.sha256 = u.source_sha256;

-- query: where_a_figure_came_from
-- Where a figure came from: file, sheet and cell
SELECT o.value, o.marker, f.filename, o.sheet, o.cell, substr(f.sha256, 1, 12) AS sha256
FROM observations o
JOIN source_files f ON f.sha256 = o.source_sha256
WHERE o.financial_year = '2019-20' AND o.area_code = 'E23000028'
  AND o.measure = 'offenders' AND o.category = '1' AND o.level = 'all';

-- query: figures_published_as_markers
-- Figures published as markers rather than numbers (their value is NULL)
SELECT marker, COUNT(*) AS figures, MIN(financial_year) AS first_year, MAX(financial_year) AS last_year
FROM observations WHERE value IS NULL
GROUP BY marker ORDER BY figures DESC, marker;
