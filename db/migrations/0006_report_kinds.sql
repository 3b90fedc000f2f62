-- gridbot: foreign_keys off
-- Report kinds beyond arrivals and disputes: tips (举报), gathering applications (聚集活动申报) and health alerts
-- from home monitoring. SQLite cannot change a CHECK in place, so `reports` is rebuilt (SQLite's documented
-- twelve-step procedure; the runner turns foreign keys off around this migration and checks them before commit).

CREATE TABLE reports_new (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,          -- G0101-20260409-0007
    grid_id          INTEGER NOT NULL REFERENCES areas(id),
    kind             TEXT NOT NULL CHECK (kind IN ('arrival', 'dispute', 'tip', 'gathering', 'health')),
    priority         TEXT NOT NULL CHECK (priority IN ('normal', 'high')),
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'resolved')),
    reporter_user    INTEGER NOT NULL,              -- Telegram user id of whoever filled the form
    on_behalf        INTEGER NOT NULL DEFAULT 0,    -- reported for someone else
    details          TEXT NOT NULL,                 -- the answers, JSON (personal data: never in a group)
    assignee_id      INTEGER REFERENCES people(id),
    level            INTEGER NOT NULL DEFAULT 0,    -- 0 worker, 1 grid leader, 2 community, 3 town
    outcome          TEXT,
    created_at       TEXT NOT NULL,
    accepted_at      TEXT,
    resolved_at      TEXT,
    accept_due_at    TEXT NOT NULL,
    resolve_due_at   TEXT NOT NULL
);
INSERT INTO reports_new (id, number, grid_id, kind, priority, status, reporter_user, on_behalf, details, assignee_id,
                         level, outcome, created_at, accepted_at, resolved_at, accept_due_at, resolve_due_at)
    SELECT id, number, grid_id, kind, priority, status, reporter_user, on_behalf, details, assignee_id,
           level, outcome, created_at, accepted_at, resolved_at, accept_due_at, resolve_due_at FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_grid ON reports(grid_id, created_at);
CREATE INDEX reports_assignee ON reports(assignee_id, status);
CREATE INDEX reports_reporter ON reports(reporter_user, created_at);
