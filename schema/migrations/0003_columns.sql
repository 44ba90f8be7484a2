-- SQLite keeps no column comments, so descriptions that tools (and the
-- data dictionary, exports and report) can read live in a table. Its rows
-- are reference data, refreshed from schema/columns.tsv on every migration
-- run, so a wording fix needs no new migration.
CREATE TABLE columns (
    table_name  TEXT NOT NULL,
    column_name TEXT NOT NULL,
    description TEXT NOT NULL,
    unit        TEXT,                    -- NULL where no unit applies
    PRIMARY KEY (table_name, column_name)
);

-- The wording analysts will see in the spreadsheets, so they can match a
-- measure to the column it came from.
ALTER TABLE measures ADD COLUMN published_as TEXT;

UPDATE measures SET published_as = CASE measure
    WHEN 'offenders' THEN 'Category 1: Registered sexual offenders - Level 1 (… Level 2, Level 3, Total); Category 2: Violent offenders; Category 3: Other dangerous offenders; Total MAPPA-eligible offenders'
    WHEN 'rso_rate_per_100k' THEN 'RSOs per 100,000 population; Rate per 100,000 population aged 10 and over'
    WHEN 'rso_breach_convictions' THEN 'RSOs cautioned or convicted for breach of notification requirements'
    WHEN 'rso_revocations' THEN 'RSOs whose indefinite notification requirements were revoked on application'
    WHEN 'shpos_imposed' THEN 'Sexual Harm Prevention Orders (SHPOs) imposed'
    WHEN 'shpos_foreign_travel' THEN 'SHPOs with foreign travel restrictions imposed'
    WHEN 'notification_orders' THEN 'Notification Orders imposed'
    WHEN 'sexual_risk_orders' THEN 'Sexual Risk Orders (SROs) imposed'
    WHEN 'returned_to_custody' THEN 'Level 2 and 3 offenders returned to custody'
    WHEN 'sfos_charged' THEN 'MAPPA offenders charged with a serious further offence (SFO)'
END;
