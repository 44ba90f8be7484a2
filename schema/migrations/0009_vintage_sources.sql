-- A vintage made by a later release republishing some of a year's figures
-- (vintages.republished_in) holds figures of two files: the year's own and
-- the republishing one. Each figure of a vintage therefore names its own
-- file, and revisions names the file of each side of a figure.
ALTER TABLE vintage_observations ADD COLUMN source_sha256 TEXT REFERENCES source_files (sha256);
UPDATE vintage_observations SET source_sha256 = (SELECT v.source_sha256 FROM vintages v
    WHERE v.financial_year = vintage_observations.financial_year AND v.vintage = vintage_observations.vintage);

DROP VIEW revisions;
CREATE VIEW revisions AS
WITH pairs AS (
    SELECT v.financial_year, p.vintage AS previous_vintage, v.vintage
    FROM vintages v JOIN vintages p ON p.financial_year = v.financial_year AND p.vintage = v.vintage - 1
)
SELECT pr.financial_year, po.area_code, po.measure, po.category, po.level,
       po.value AS previous_value, po.marker AS previous_marker, o.value, o.marker,
       po.source_sha256 AS previous_sha256,
       COALESCE(o.source_sha256, (SELECT v.source_sha256 FROM vintages v WHERE v.financial_year = pr.financial_year AND v.vintage = pr.vintage)) AS source_sha256,
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
       (SELECT v.source_sha256 FROM vintages v WHERE v.financial_year = pr.financial_year AND v.vintage = pr.previous_vintage),
       o.source_sha256,
       pr.previous_vintage, pr.vintage, NULL, o.sheet || '!' || o.cell
FROM pairs pr
JOIN vintage_observations o ON o.financial_year = pr.financial_year AND o.vintage = pr.vintage
LEFT JOIN vintage_observations po ON po.financial_year = pr.financial_year AND po.vintage = pr.previous_vintage
    AND po.area_code = o.area_code AND po.measure = o.measure AND po.category = o.category AND po.level = o.level
WHERE po.area_code IS NULL;
