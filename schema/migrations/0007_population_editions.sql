-- Editions of one mid-year (issue 14). ONS republishes estimates (mid-2012
-- to mid-2021 on the basis of Census 2021 in November 2023), and a
-- release's rates reproduce only on the edition the MoJ had. Every edition
-- is kept in population_editions; population keeps one row per mid-year
-- and area, from the latest edition, so a time series needs no filter.
DROP VIEW area_summary;

CREATE TABLE population_editions (
    mid_year         INTEGER NOT NULL,
    edition          TEXT NOT NULL,        -- the ONS release date, YYYY-MM-DD
    area_code        TEXT NOT NULL REFERENCES areas (area_code),
    persons_10plus   INTEGER NOT NULL,
    persons_all_ages INTEGER NOT NULL,
    source_sha256    TEXT NOT NULL REFERENCES source_files (sha256),
    PRIMARY KEY (mid_year, edition, area_code)
);

-- An estimate loaded before editions is the edition of the day it was
-- added, as one added now without a stated release date would be.
INSERT INTO population_editions
SELECT p.mid_year, substr(s.fetched_at, 1, 10), p.area_code, p.persons_10plus, p.persons_all_ages, p.source_sha256
FROM population p JOIN source_files s ON s.sha256 = p.source_sha256;

ALTER TABLE population ADD COLUMN edition TEXT;
UPDATE population SET edition = (SELECT e.edition FROM population_editions e
    WHERE e.mid_year = population.mid_year AND e.area_code = population.area_code);

CREATE TABLE population_sources_0007 (
    mid_year       INTEGER NOT NULL,
    edition        TEXT NOT NULL,
    edition_from   TEXT NOT NULL CHECK (edition_from IN ('file', 'option', 'added')),
    edition_cell   TEXT,                   -- where the file states its release date
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    sheet          TEXT NOT NULL,
    level          TEXT NOT NULL,
    lookup         TEXT,
    england_and_wales_cell TEXT,           -- the file's own England and Wales row, NULL when it has none
    reconciliation TEXT NOT NULL CHECK (reconciliation IN ('pass', 'not_checked')),
    is_current     INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    PRIMARY KEY (mid_year, edition)
);
INSERT INTO population_sources_0007
SELECT ps.mid_year, substr(s.fetched_at, 1, 10), 'added', NULL, ps.source_sha256, ps.sheet, ps.level, ps.lookup,
    NULL, 'not_checked', 1
FROM population_sources ps JOIN source_files s ON s.sha256 = ps.source_sha256;
DROP TABLE population_sources;
ALTER TABLE population_sources_0007 RENAME TO population_sources;

ALTER TABLE releases ADD COLUMN rates_population_edition TEXT;
ALTER TABLE rso_rates ADD COLUMN population_edition TEXT;
-- Each mid-year had one estimate until now, so the rates already computed
-- used that edition; the next load derives everything again anyway.
UPDATE rso_rates SET population_edition = (SELECT s.edition FROM population_sources s
    WHERE s.mid_year = rso_rates.population_mid_year);
UPDATE releases SET rates_population_edition = (SELECT s.edition FROM population_sources s
    WHERE s.mid_year = releases.rates_population_mid_year);

-- area_summary keeps its columns in their places and appends
-- population_edition, the edition of the estimate its rate used.
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
    p.population_10plus_published, r.population_edition
FROM pivot p
JOIN areas a ON a.area_code = p.area_code
LEFT JOIN rso_rates r ON r.financial_year = p.financial_year AND r.area_code = p.area_code
LEFT JOIN growth_pivot g ON g.financial_year = p.financial_year AND g.area_code = p.area_code;
