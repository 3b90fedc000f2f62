-- Reports and their history, the outbox of messages to send, timers, and conversations in progress.

CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,          -- G0101-20260409-0007
    grid_id          INTEGER NOT NULL REFERENCES areas(id),
    kind             TEXT NOT NULL CHECK (kind IN ('arrival', 'dispute')),
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
CREATE INDEX reports_grid ON reports(grid_id, created_at);
CREATE INDEX reports_assignee ON reports(assignee_id, status);
CREATE INDEX reports_reporter ON reports(reporter_user, created_at);

CREATE TABLE report_counters (
    grid_id  INTEGER NOT NULL REFERENCES areas(id),
    day      TEXT NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (grid_id, day)
);

CREATE TABLE report_events (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    at          TEXT NOT NULL,
    actor_user  INTEGER,            -- NULL: the system (timers)
    action      TEXT NOT NULL,      -- created, assigned, accepted, note, resolved, transferred, escalated, reminded, unreachable
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX report_events_report ON report_events(report_id, id);

-- The last worker given a report in each grid, for the rotation.
CREATE TABLE duty_rotation (
    grid_id     INTEGER PRIMARY KEY REFERENCES areas(id),
    person_id   INTEGER NOT NULL REFERENCES people(id)
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    created_at   TEXT NOT NULL,
    priority     INTEGER NOT NULL,     -- 0 escalations, 1 assignments and reminders, 2 notices to people, 5 broadcasts
    chat_id      INTEGER NOT NULL,
    text         TEXT NOT NULL,
    reply_markup TEXT,                 -- JSON inline keyboard
    purpose      TEXT NOT NULL,
    person_id    INTEGER REFERENCES people(id),
    report_id    INTEGER REFERENCES reports(id),
    ref          TEXT,                 -- e.g. a broadcast run and group
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    message_id   INTEGER,
    sent_at      TEXT
);
CREATE INDEX outbox_pending ON outbox(status, priority, id);

CREATE TABLE timers (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,        -- accept, resolve
    report_id   INTEGER REFERENCES reports(id),
    step        INTEGER NOT NULL DEFAULT 0,
    due_at      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled'))
);
CREATE INDEX timers_due ON timers(state, due_at);

CREATE TABLE conversations (
    user_id     INTEGER PRIMARY KEY,
    state       TEXT NOT NULL,        -- JSON
    updated_at  TEXT NOT NULL
);
