-- Runs that fetch from GOV.UK record what they fetched, and each file's
-- outcome, so an operator can see what failed and when. SQLite cannot
-- change a CHECK constraint in place, so runs is rebuilt with the new
-- outcome 'interrupted' (SIGINT or SIGTERM during a run).

CREATE TABLE runs_v2 (
    run_id          INTEGER PRIMARY KEY,
    command         TEXT NOT NULL,
    args            TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    outcome         TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'interrupted')),
    error           TEXT,
    years_loaded    TEXT,                    -- comma-separated financial years
    files_fetched   INTEGER NOT NULL DEFAULT 0,  -- new bytes downloaded and archived
    files_unchanged INTEGER NOT NULL DEFAULT 0,  -- 304 Not Modified, or bytes already archived
    files_failed    INTEGER NOT NULL DEFAULT 0
);

INSERT INTO runs_v2 (run_id, command, args, started_at, finished_at, outcome, error, years_loaded)
SELECT run_id, command, args, started_at, finished_at, outcome, error, years_loaded FROM runs;

DROP TABLE runs;
ALTER TABLE runs_v2 RENAME TO runs;

CREATE TABLE run_files (
    run_id  INTEGER NOT NULL REFERENCES runs (run_id),
    url     TEXT NOT NULL,                   -- where it came from: a URL, or a local path
    kind    TEXT NOT NULL,                   -- area-tables, population, lookup; or page, collection, archive
    period  TEXT,                            -- financial year or mid-year, when known
    status  TEXT NOT NULL CHECK (status IN ('fetched', 'unchanged', 'failed')),
    sha256  TEXT,
    bytes   INTEGER,
    error   TEXT
);

CREATE INDEX run_files_by_run ON run_files (run_id);
