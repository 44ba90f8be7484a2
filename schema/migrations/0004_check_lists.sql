-- The same constraints on observations and check_results, written so
-- that checking them is cheap. SQLite codes `x IN (a list of more than two
-- constants)` as a lookup in a temporary index, and in a CHECK constraint
-- it made that lookup for every row written: inserting 220,000
-- observations spent 40% of its time in the two checks on category and
-- level (the sqlite3 shell: 0.81 s with them, 0.47 s as comparisons joined
-- by OR). The allowed values are unchanged.
--
-- SQLite cannot change a CHECK in place. The tables are copied aside,
-- dropped, created again and copied back: renaming a new table into
-- place, as 0002 did for runs, fails here, because area_summary refers to
-- observations and SQLite checks views when it renames a table.

CREATE TEMP TABLE observations_0003 AS SELECT * FROM observations;
DROP TABLE observations;

CREATE TABLE observations (
    financial_year TEXT NOT NULL REFERENCES releases (financial_year),
    area_code      TEXT NOT NULL REFERENCES areas (area_code),
    measure        TEXT NOT NULL REFERENCES measures (measure),
    category       TEXT NOT NULL CHECK (category = '1' OR category = '2' OR category = '3' OR category = 'all'),
    level          TEXT NOT NULL CHECK (level = '1' OR level = '2' OR level = '3' OR level = 'all'),
    value          NUMERIC,              -- NULL when the cell held a marker
    marker         TEXT,                 -- '[c]', '[z]', '*', '..', 'n/a', '-' (nil, stored as 0) ...
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    sheet          TEXT NOT NULL,
    cell           TEXT NOT NULL,        -- A1-style, e.g. 'D12'
    PRIMARY KEY (financial_year, area_code, measure, category, level)
);

INSERT INTO observations SELECT * FROM temp.observations_0003;
DROP TABLE temp.observations_0003;

CREATE TEMP TABLE check_results_0003 AS SELECT * FROM check_results;
DROP TABLE check_results;

CREATE TABLE check_results (
    financial_year TEXT NOT NULL,
    check_name     TEXT NOT NULL,
    subject        TEXT NOT NULL,        -- area code, or area and measure the check is about
    status         TEXT NOT NULL CHECK (status = 'pass' OR status = 'fail' OR status = 'not_checked'),
    detail         TEXT NOT NULL,
    PRIMARY KEY (financial_year, check_name, subject)
);

INSERT INTO check_results SELECT * FROM temp.check_results_0003;
DROP TABLE temp.check_results_0003;
