-- Publicity broadcasts: what to send to which area's group chats, when; each run and its delivery.

CREATE TABLE broadcasts (
    id            INTEGER PRIMARY KEY,
    created_at    TEXT NOT NULL,
    created_by    INTEGER,              -- Telegram user id; NULL from the command line
    audience_id   INTEGER NOT NULL REFERENCES areas(id),
    template      TEXT,                 -- notice template name, NULL for free text
    fields        TEXT NOT NULL DEFAULT '{}',
    body          TEXT NOT NULL,        -- the HTML the groups receive, rendered and checked at compose time
    schedule      TEXT NOT NULL,        -- 'now', 'at', or a cron expression (daily and weekly become cron)
    pin           INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'cancelled', 'done')),
    next_run_at   TEXT
);
CREATE INDEX broadcasts_due ON broadcasts(status, next_run_at);

CREATE TABLE broadcast_runs (
    id             INTEGER PRIMARY KEY,
    broadcast_id   INTEGER NOT NULL REFERENCES broadcasts(id),
    scheduled_for  TEXT NOT NULL,
    started_at     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('sending', 'done', 'skipped')),
    total          INTEGER NOT NULL DEFAULT 0,
    delivered      INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    finished_at    TEXT,
    UNIQUE (broadcast_id, scheduled_for)
);

CREATE INDEX outbox_ref ON outbox(ref);
