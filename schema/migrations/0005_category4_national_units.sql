-- The publication as it really is (issue 13): a fourth MAPPA category
-- (terrorist and terrorism risk offenders, from 2022-23), the National
-- Security Division, which is a MAPPA unit but no place, every measure the
-- MoJ publishes per area, and a record of every column mappa could not map.

-- What each row of areas is. The NSD row itself is seeded from
-- schema.NationalUnits, like the 42 areas.
ALTER TABLE areas ADD COLUMN area_type TEXT NOT NULL DEFAULT 'police_force_area'
    CHECK (area_type = 'police_force_area' OR area_type = 'national_unit' OR area_type = 'country');
UPDATE areas SET area_type = 'country' WHERE area_code = 'K04000001';

-- observations.category gains '4'. SQLite cannot change a CHECK in place:
-- the table is copied aside, dropped, created again and copied back, as in
-- 0004. The view that reads it is dropped first and created anew below.
DROP VIEW area_summary;

CREATE TEMP TABLE observations_0005 AS SELECT * FROM observations;
DROP TABLE observations;

CREATE TABLE observations (
    financial_year TEXT NOT NULL REFERENCES releases (financial_year),
    area_code      TEXT NOT NULL REFERENCES areas (area_code),
    measure        TEXT NOT NULL REFERENCES measures (measure),
    category       TEXT NOT NULL CHECK (category = '1' OR category = '2' OR category = '3' OR category = '4' OR category = 'all'),
    level          TEXT NOT NULL CHECK (level = '1' OR level = '2' OR level = '3' OR level = 'all'),
    value          NUMERIC,              -- NULL when the cell held a marker
    marker         TEXT,                 -- '[c]', '[z]', '*', '..', 'n/a', '-' (nil, stored as 0) ...
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    sheet          TEXT NOT NULL,
    cell           TEXT NOT NULL,        -- A1-style, e.g. 'D12'
    PRIMARY KEY (financial_year, area_code, measure, category, level)
);

INSERT INTO observations SELECT * FROM temp.observations_0005;
DROP TABLE temp.observations_0005;

-- Every header of an area table that maps to no measure, so that a new
-- measure in a release is seen, not lost.
CREATE TABLE unmapped_columns (
    financial_year TEXT NOT NULL REFERENCES releases (financial_year),
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    sheet          TEXT NOT NULL,
    cell           TEXT NOT NULL,        -- the header cell, A1-style
    header         TEXT NOT NULL,        -- its text as published (joined across header rows)
    PRIMARY KEY (financial_year, sheet, cell)
);

UPDATE measures SET
    description = 'MAPPA-eligible offenders by category (1 registered sexual offenders, 2 violent, 3 other dangerous, 4 terrorist and terrorism risk) and management level',
    published_as = 'Category 1: Registered sexual offenders - Level 1 (… Level 2, Level 3, Total); Category 2: Violent offenders; Category 3: Other dangerous offenders; Category 4: Terrorist and terrorism risk offenders; Total MAPPA-eligible offenders'
WHERE measure = 'offenders';
UPDATE measures SET
    description = 'RSOs cautioned or convicted for breach of notification requirements, published as one figure (to 2023-24)'
WHERE measure = 'rso_breach_convictions';
UPDATE measures SET
    description = 'Level 2 and 3 offenders returned to custody for breach of licence, by category and level where published',
    published_as = 'Level 2 and 3 offenders returned to custody; Category 1 Level 2 returned to custody for breach of licence'
WHERE measure = 'returned_to_custody';
UPDATE measures SET
    description = 'MAPPA offenders charged with a serious further offence, by category and level where published'
WHERE measure = 'sfos_charged';

INSERT INTO measures (measure, description, unit, timing, published_as) VALUES
 ('offenders_managed_during_year', 'MAPPA-eligible offenders managed at level 2 or 3 at any time during the year, by category and level (level all: levels 2 and 3 together). A count over the year, not the 31 March snapshot in offenders', 'people', 'during the year',
  'Category 1 offenders managed at level 2 at any time during the year; Category 1 - Level 2 (during the year)'),
 ('population_10plus_published', 'Population aged 10 and over as the release published it (rounded to the nearest 100), the base of the published rate', 'people', 'at 30 June',
  'Population aged 10 and over (rounded to the nearest 100)'),
 ('rso_breach_cautioned', 'RSOs cautioned for breach of notification requirements (published apart from convictions from 2024-25)', 'people', 'during the year',
  'RSOs cautioned for breach of notification requirements'),
 ('rso_breach_convicted', 'RSOs convicted for breach of notification requirements (published apart from cautions from 2024-25)', 'people', 'during the year',
  'RSOs convicted for breach of notification requirements'),
 ('foreign_travel_orders', 'Foreign Travel Orders granted', 'orders', 'during the year',
  'Foreign Travel Orders granted'),
 ('shpo_breaches', 'Breaches of Sexual Harm Prevention Orders (and Sexual Offences Prevention Orders)', 'breaches', 'during the year',
  'Breaches of SHPOs'),
 ('sro_breaches', 'Breaches of Sexual Risk Orders', 'breaches', 'during the year',
  'Breaches of Sexual Risk Orders'),
 ('sfos_convicted', 'MAPPA offenders convicted of a serious further offence', 'people', 'during the year',
  'Serious further offences (SFOs) convicted'),
 ('sfos_still_charged', 'MAPPA offenders charged with a serious further offence and awaiting the outcome', 'people', 'at 31 March',
  'SFOs still charged at 31 March'),
 ('sfos_other_outcome', 'MAPPA offenders charged with a serious further offence whose case ended in another outcome', 'people', 'during the year',
  'SFOs: other outcome'),
 ('serious_case_reviews', 'Serious case reviews (MAPPA serious case reviews) held', 'reviews', 'during the year',
  'Serious case reviews');

-- area_summary keeps its columns in their places (scripts may read them by
-- position) and adds the new ones at the end. rso_breach_convictions stays
-- one series: the combined figure as published, or from 2024-25 the sum of
-- the cautions and convictions published apart, flagged as derived.
CREATE VIEW area_summary AS
WITH pivot AS (
    SELECT financial_year, area_code,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = 'all' THEN value END) AS rsos,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '1' THEN value END) AS rsos_level1,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '2' THEN value END) AS rsos_level2,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '3' THEN value END) AS rsos_level3,
        MAX(CASE WHEN measure = 'offenders' AND category = '2' AND level = 'all' THEN value END) AS violent_offenders,
        MAX(CASE WHEN measure = 'offenders' AND category = '3' AND level = 'all' THEN value END) AS other_dangerous_offenders,
        MAX(CASE WHEN measure = 'offenders' AND category = '4' AND level = 'all' THEN value END) AS terrorism_offenders,
        MAX(CASE WHEN measure = 'offenders' AND category = 'all' AND level = 'all' THEN value END) AS total_offenders,
        MAX(CASE WHEN measure = 'rso_breach_convictions' AND level = 'all' THEN value END) AS breach_combined,
        MAX(CASE WHEN measure = 'rso_breach_cautioned' AND level = 'all' THEN value END) AS breach_cautioned,
        MAX(CASE WHEN measure = 'rso_breach_convicted' AND level = 'all' THEN value END) AS breach_convicted,
        MAX(CASE WHEN measure = 'rso_revocations' AND level = 'all' THEN value END) AS rso_revocations,
        MAX(CASE WHEN measure = 'rso_rate_per_100k' THEN value END) AS rso_rate_per_100k_published,
        MAX(CASE WHEN measure = 'population_10plus_published' THEN value END) AS population_10plus_published
    FROM observations
    GROUP BY financial_year, area_code
),
growth_pivot AS (
    SELECT financial_year, area_code,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = 'all' THEN growth_pct END) AS rso_growth_pct,
        MAX(CASE WHEN measure = 'offenders' AND category = '2' AND level = 'all' THEN growth_pct END) AS violent_growth_pct,
        MAX(CASE WHEN measure = 'offenders' AND category = 'all' AND level = 'all' THEN growth_pct END) AS total_growth_pct
    FROM growth
    GROUP BY financial_year, area_code
)
SELECT p.financial_year, p.area_code, a.area_name,
    p.rsos, p.rsos_level1, p.rsos_level2, p.rsos_level3,
    p.violent_offenders, p.other_dangerous_offenders, p.total_offenders,
    COALESCE(p.breach_combined, p.breach_cautioned + p.breach_convicted) AS rso_breach_convictions,
    p.rso_revocations,
    r.population_10plus, r.population_mid_year,
    r.rso_rate_per_100k, p.rso_rate_per_100k_published,
    g.rso_growth_pct, g.violent_growth_pct, g.total_growth_pct,
    a.area_type, p.terrorism_offenders,
    CASE WHEN p.breach_combined IS NOT NULL THEN 0
        WHEN p.breach_cautioned + p.breach_convicted IS NOT NULL THEN 1 END AS rso_breach_convictions_derived,
    p.breach_cautioned AS rso_breach_cautioned, p.breach_convicted AS rso_breach_convicted,
    p.population_10plus_published
FROM pivot p
JOIN areas a ON a.area_code = p.area_code
LEFT JOIN rso_rates r ON r.financial_year = p.financial_year AND r.area_code = p.area_code
LEFT JOIN growth_pivot g ON g.financial_year = p.financial_year AND g.area_code = p.area_code;
