-- Tips (举报) and their rewards, gathering applications (聚集活动申报) and the checks on approved ones, messages
-- the outbox sends by other methods than sendMessage (photos, media groups, voice, documents, places), and an
-- optional centre point per grid (a shared location picks the nearest grid).

-- One row per tip sent. A tip about the same address as an open one is linked to that one's report rather than
-- opened twice (`linked` = 1, `report_id` the open one's).
CREATE TABLE tips (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    user_id      INTEGER NOT NULL,              -- the tipster: never shown to staff
    anonymous    INTEGER NOT NULL,
    subject      TEXT NOT NULL CHECK (subject IN ('arrival', 'gathering', 'risk', 'other')),
    address_key  TEXT NOT NULL,                 -- the address folded, to find duplicates
    linked       INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX tips_user ON tips(user_id, created_at);
CREATE INDEX tips_address ON tips(address_key, report_id);
CREATE INDEX tips_report ON tips(report_id, linked);

-- The reward ledger: a verified tip's reward, approved by the grid leader, claimed with its code, paid.
CREATE TABLE rewards (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL UNIQUE REFERENCES reports(id),
    grid_id      INTEGER NOT NULL REFERENCES areas(id),
    subject      TEXT NOT NULL,
    amount       INTEGER NOT NULL,              -- yuan, from tip_reward_by_type when verified
    status       TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'refused', 'paid')),
    claim_code   TEXT UNIQUE,                   -- given to the tipster when approved
    created_at   TEXT NOT NULL,
    decided_by   INTEGER,                       -- Telegram user ids of staff
    decided_at   TEXT,
    paid_by      INTEGER,
    paid_at      TEXT
);
CREATE INDEX rewards_grid ON rewards(grid_id, status);

-- An application for a gathering is a report of kind 'gathering'; this is what its approval and check need.
CREATE TABLE gatherings (
    report_id       INTEGER PRIMARY KEY REFERENCES reports(id),
    grid_id         INTEGER NOT NULL REFERENCES areas(id),
    occasion        TEXT NOT NULL CHECK (occasion IN ('wedding', 'funeral', 'temple_fair', 'market', 'banquet', 'other')),
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    people          INTEGER NOT NULL,
    approver_level  INTEGER NOT NULL,           -- 1 grid leader, 2 community admin, 3 town admin (by size)
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
    conditions      TEXT,
    decided_by      INTEGER,
    decided_at      TEXT,
    checked         TEXT CHECK (checked IN ('kept', 'not_kept')),
    checked_by      INTEGER,
    checked_at      TEXT,
    violation_id    INTEGER REFERENCES reports(id)  -- the high-priority report a gathering not kept became
);
CREATE INDEX gatherings_upcoming ON gatherings(status, starts_at);

-- Reminders to the grid's workers the day before and on the day of an approved gathering (timers in the
-- database, fired by the tick like the reports' own).
CREATE TABLE gathering_reminders (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES gatherings(report_id),
    moment      TEXT NOT NULL CHECK (moment IN ('eve', 'day')),
    due_at      TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'cancelled'))
);
CREATE INDEX gathering_reminders_due ON gathering_reminders(state, due_at);

-- sendPhoto, sendMediaGroup, sendVoice, sendVideo, sendDocument, sendLocation: for them the row's `text` holds
-- what to send as JSON (file ids, captions, a place), so that clearing or erasing bodies clears it too.
ALTER TABLE outbox ADD COLUMN method TEXT NOT NULL DEFAULT 'sendMessage';

ALTER TABLE areas ADD COLUMN lat REAL;
ALTER TABLE areas ADD COLUMN lon REAL;
CREATE INDEX areas_centre ON areas(level) WHERE lat IS NOT NULL;
