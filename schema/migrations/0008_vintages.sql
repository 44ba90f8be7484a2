-- Vintages (issue 16). Official statistics get corrected: every file ever
-- loaded for a financial year stays in the database as a vintage of that
-- year, with its figures and their cells. observations keeps meaning the
-- current figures (those of the newest vintage), so no query changes.
CREATE TABLE vintages (
    financial_year TEXT NOT NULL CHECK (financial_year GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    vintage        INTEGER NOT NULL CHECK (vintage >= 1), -- 1 for the first file loaded for the year
    source_sha256  TEXT NOT NULL REFERENCES source_files (sha256),
    published_at   TEXT,                                  -- when GOV.UK says the page was published, when known
    fetched_at     TEXT NOT NULL,                         -- when the file entered the archive
    url            TEXT,                                  -- where it was fetched from; NULL when added by hand
    final_url      TEXT,                                  -- where url led, when it redirected (a replaced attachment)
    republished_in TEXT,                                  -- the release whose file republished this earlier year's figures; NULL for the year's own file
    is_current     INTEGER NOT NULL CHECK (is_current IN (0, 1)),
    PRIMARY KEY (financial_year, vintage)
);

CREATE TABLE vintage_observations (
    financial_year TEXT NOT NULL,
    vintage        INTEGER NOT NULL,
    area_code      TEXT NOT NULL REFERENCES areas (area_code),
    measure        TEXT NOT NULL REFERENCES measures (measure),
    category       TEXT NOT NULL,
    level          TEXT NOT NULL,
    value          NUMERIC,
    marker         TEXT,
    sheet          TEXT NOT NULL,
    cell           TEXT NOT NULL,
    PRIMARY KEY (financial_year, vintage, area_code, measure, category, level),
    FOREIGN KEY (financial_year, vintage) REFERENCES vintages (financial_year, vintage) ON DELETE CASCADE
);

-- A database from before vintages holds one vintage of each year: its
-- current figures.
INSERT INTO vintages (financial_year, vintage, source_sha256, published_at, fetched_at, url, is_current)
    SELECT r.financial_year, 1, r.source_sha256, r.published_at, f.fetched_at, f.url, 1
    FROM releases r JOIN source_files f ON f.sha256 = r.source_sha256;
INSERT INTO vintage_observations (financial_year, vintage, area_code, measure, category, level, value, marker, sheet, cell)
    SELECT financial_year, 1, area_code, measure, category, level, value, marker, sheet, cell FROM observations;

-- Every figure whose value or marker differs between consecutive vintages
-- of a year, figures that appear or disappear included: changed or gone
-- (from the earlier vintage's side), then new (from the later's).
CREATE VIEW revisions AS
WITH pairs AS (
    SELECT v.financial_year, p.vintage AS previous_vintage, v.vintage,
           p.source_sha256 AS previous_sha256, v.source_sha256
    FROM vintages v JOIN vintages p ON p.financial_year = v.financial_year AND p.vintage = v.vintage - 1
)
SELECT pr.financial_year, po.area_code, po.measure, po.category, po.level,
       po.value AS previous_value, po.marker AS previous_marker, o.value, o.marker,
       pr.previous_sha256, pr.source_sha256,
       pr.previous_vintage, pr.vintage, po.sheet || '!' || po.cell AS previous_cell,
       CASE WHEN o.cell IS NULL THEN NULL ELSE o.sheet || '!' || o.cell END AS cell
FROM pairs pr
JOIN vintage_observations po ON po.financial_year = pr.financial_year AND po.vintage = pr.previous_vintage
LEFT JOIN vintage_observations o ON o.financial_year = pr.financial_year AND o.vintage = pr.vintage
    AND o.area_code = po.area_code AND o.measure = po.measure AND o.category = po.category AND o.level = po.level
WHERE o.area_code IS NULL OR o.value IS NOT po.value OR o.marker IS NOT po.marker
UNION ALL
SELECT pr.financial_year, o.area_code, o.measure, o.category, o.level,
       NULL, NULL, o.value, o.marker,
       pr.previous_sha256, pr.source_sha256,
       pr.previous_vintage, pr.vintage, NULL, o.sheet || '!' || o.cell
FROM pairs pr
JOIN vintage_observations o ON o.financial_year = pr.financial_year AND o.vintage = pr.vintage
LEFT JOIN vintage_observations po ON po.financial_year = pr.financial_year AND po.vintage = pr.previous_vintage
    AND po.area_code = o.area_code AND po.measure = o.measure AND po.category = o.category AND po.level = o.level
WHERE po.area_code IS NULL;

-- The collection's statistics pages as runs last saw them: GOV.UK moves
-- pages (a page answering with schema "redirect"), removes them (410, or
-- schema "gone") and withdraws them (a notice); figures loaded from a
-- page stay whatever becomes of it. Kept in the archive's manifest, so a
-- rebuild gives them back.
CREATE TABLE release_pages (
    page           TEXT PRIMARY KEY,      -- the page's path, as the collection lists it
    financial_year TEXT,                  -- the year it is for; NULL when it went without saying
    status         TEXT NOT NULL CHECK (status IN ('published', 'withdrawn', 'gone')),
    landing_url    TEXT,                  -- where the page is now, after any move
    moved_from     TEXT,                  -- the paths it moved from, oldest first, joined by ' > '
    notice         TEXT,                  -- the withdrawal notice or the explanation of a gone page
    notice_at      TEXT,                  -- its date, when given
    first_seen_at  TEXT NOT NULL,         -- when a run first found the page so
    seen_at        TEXT NOT NULL          -- when a run last did
);

CREATE TABLE change_notes (
    page           TEXT NOT NULL REFERENCES release_pages (page),
    financial_year TEXT,
    noted_at       TEXT NOT NULL,
    note           TEXT NOT NULL,
    PRIMARY KEY (page, noted_at, note)
);
