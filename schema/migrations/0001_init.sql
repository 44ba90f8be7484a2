-- Core tables of the mappa database. Names are public API: analysts'
-- queries depend on them, so columns are added, never renamed.

CREATE TABLE areas (
    area_code TEXT PRIMARY KEY,          -- ONS police force area code (E23/W15) or K04000001
    area_name TEXT NOT NULL,
    country   TEXT NOT NULL              -- England, Wales, or England and Wales
);

CREATE TABLE measures (
    measure     TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    unit        TEXT NOT NULL,
    timing      TEXT NOT NULL            -- 'at 31 March' (snapshot) or 'during the year'
);

INSERT INTO measures (measure, description, unit, timing) VALUES
 ('offenders', 'MAPPA-eligible offenders by category (1 registered sexual offenders, 2 violent, 3 other dangerous) and management level', 'people', 'at 31 March'),
 ('rso_rate_per_100k', 'Registered sexual offenders per 100,000 population aged 10 and over, as published', 'per 100,000 aged 10+', 'at 31 March'),
 ('rso_breach_convictions', 'RSOs cautioned or convicted for breach of notification requirements', 'people', 'during the year'),
 ('rso_revocations', 'RSOs whose indefinite notification requirements were revoked on application', 'people', 'during the year'),
 ('shpos_imposed', 'Sexual Harm Prevention Orders imposed', 'orders', 'during the year'),
 ('shpos_foreign_travel', 'Sexual Harm Prevention Orders with foreign travel restrictions imposed', 'orders', 'during the year'),
 ('notification_orders', 'Notification Orders imposed', 'orders', 'during the year'),
 ('sexual_risk_orders', 'Sexual Risk Orders imposed', 'orders', 'during the year'),
 ('returned_to_custody', 'Level 2 and 3 offenders returned to custody', 'people', 'during the year'),
 ('sfos_charged', 'MAPPA offenders charged with a serious further offence', 'people', 'during the year');

CREATE TABLE source_files (
    sha256     TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('area-tables', 'population', 'lookup')),
    period     TEXT,                     -- '2019-20' for area tables, '2019' for population
    url        TEXT,                     -- where it was fetched from, if fetched
    filename   TEXT NOT NULL,            -- original file name
    media_type TEXT NOT NULL,
    bytes      INTEGER NOT NULL,
    fetched_at TEXT NOT NULL             -- when it entered the archive (RFC 3339, UTC)
);

CREATE TABLE releases (
    financial_year TEXT PRIMARY KEY CHECK (financial_year GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    period_end     TEXT NOT NULL,        -- 'YYYY-03-31', the snapshot date
    title          TEXT,
    landing_url    TEXT,
    published_at   TEXT,
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256)
);

CREATE TABLE observations (
    financial_year TEXT NOT NULL REFERENCES releases (financial_year),
    area_code      TEXT NOT NULL REFERENCES areas (area_code),
    measure        TEXT NOT NULL REFERENCES measures (measure),
    category       TEXT NOT NULL CHECK (category IN ('1', '2', '3', 'all')),
    level          TEXT NOT NULL CHECK (level IN ('1', '2', '3', 'all')),
    value          NUMERIC,              -- NULL when the cell held a marker
    marker         TEXT,                 -- '[c]', '[z]', '*', '..', 'n/a', '-' (nil, stored as 0) ...
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    sheet          TEXT NOT NULL,
    cell           TEXT NOT NULL,        -- A1-style, e.g. 'D12'
    PRIMARY KEY (financial_year, area_code, measure, category, level)
);

CREATE TABLE population (
    mid_year         INTEGER NOT NULL,
    area_code        TEXT NOT NULL REFERENCES areas (area_code),
    persons_10plus   INTEGER NOT NULL,
    persons_all_ages INTEGER NOT NULL,
    source_sha256    TEXT NOT NULL REFERENCES source_files (sha256),
    PRIMARY KEY (mid_year, area_code)
);

CREATE TABLE population_sources (
    mid_year      INTEGER PRIMARY KEY,
    source_sha256 TEXT NOT NULL REFERENCES source_files (sha256),
    sheet         TEXT NOT NULL,
    level         TEXT NOT NULL,         -- 'police force area' or 'local authority'
    lookup        TEXT                   -- LAD to PFA lookup file used, if any
);

CREATE TABLE rso_rates (
    financial_year      TEXT NOT NULL REFERENCES releases (financial_year),
    area_code           TEXT NOT NULL REFERENCES areas (area_code),
    rsos                INTEGER NOT NULL,
    population_mid_year INTEGER NOT NULL,
    population_10plus   INTEGER NOT NULL,
    rso_rate_per_100k   REAL NOT NULL,   -- computed, unrounded
    PRIMARY KEY (financial_year, area_code)
);

CREATE TABLE growth (
    financial_year TEXT NOT NULL REFERENCES releases (financial_year),
    area_code      TEXT NOT NULL REFERENCES areas (area_code),
    measure        TEXT NOT NULL,
    category       TEXT NOT NULL,
    level          TEXT NOT NULL,
    value          NUMERIC NOT NULL,
    previous_value NUMERIC NOT NULL,     -- same area and measure, previous financial year
    growth_pct     REAL,                 -- NULL when the previous value is 0
    PRIMARY KEY (financial_year, area_code, measure, category, level)
);

CREATE TABLE runs (
    run_id       INTEGER PRIMARY KEY,
    command      TEXT NOT NULL,
    args         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed')),
    error        TEXT,
    years_loaded TEXT                    -- comma-separated financial years
);

CREATE TABLE check_results (
    financial_year TEXT NOT NULL,
    check_name     TEXT NOT NULL,
    subject        TEXT NOT NULL,        -- area code, or area and measure the check is about
    status         TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'not_checked')),
    detail         TEXT NOT NULL,
    PRIMARY KEY (financial_year, check_name, subject)
);

CREATE VIEW area_summary AS
WITH pivot AS (
    SELECT financial_year, area_code,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = 'all' THEN value END) AS rsos,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '1' THEN value END) AS rsos_level1,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '2' THEN value END) AS rsos_level2,
        MAX(CASE WHEN measure = 'offenders' AND category = '1' AND level = '3' THEN value END) AS rsos_level3,
        MAX(CASE WHEN measure = 'offenders' AND category = '2' AND level = 'all' THEN value END) AS violent_offenders,
        MAX(CASE WHEN measure = 'offenders' AND category = '3' AND level = 'all' THEN value END) AS other_dangerous_offenders,
        MAX(CASE WHEN measure = 'offenders' AND category = 'all' AND level = 'all' THEN value END) AS total_offenders,
        MAX(CASE WHEN measure = 'rso_breach_convictions' THEN value END) AS rso_breach_convictions,
        MAX(CASE WHEN measure = 'rso_revocations' THEN value END) AS rso_revocations,
        MAX(CASE WHEN measure = 'rso_rate_per_100k' THEN value END) AS rso_rate_per_100k_published
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
    p.rso_breach_convictions, p.rso_revocations,
    r.population_10plus, r.population_mid_year,
    r.rso_rate_per_100k, p.rso_rate_per_100k_published,
    g.rso_growth_pct, g.violent_growth_pct, g.total_growth_pct
FROM pivot p
JOIN areas a ON a.area_code = p.area_code
LEFT JOIN rso_rates r ON r.financial_year = p.financial_year AND r.area_code = p.area_code
LEFT JOIN growth_pivot g ON g.financial_year = p.financial_year AND g.area_code = p.area_code;
