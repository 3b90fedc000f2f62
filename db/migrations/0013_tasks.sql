-- Service tasks (服务员): households, home health monitoring and its daily check-ins, test reminders, door-knocking
-- campaigns, follow-up visits and residents' satisfaction. Every task's due time is a row of `timers`, named by its
-- kind and `task_id` (the row of the task's own table), so the one tick fires it once, across restarts.

ALTER TABLE timers ADD COLUMN task_id INTEGER;
CREATE INDEX timers_pending_task ON timers(task_id, kind) WHERE state = 'pending' AND task_id IS NOT NULL;

-- A household is matched by grid + building + unit + room (an import is idempotent on that key).
CREATE TABLE households (
    id                INTEGER PRIMARY KEY,
    grid_id           INTEGER NOT NULL REFERENCES areas(id),
    building          TEXT NOT NULL,
    unit              TEXT NOT NULL DEFAULT '',
    room              TEXT NOT NULL,
    head_name         TEXT NOT NULL DEFAULT '',
    phone             TEXT NOT NULL DEFAULT '',
    telegram_user_id  INTEGER,
    source            TEXT NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'arrival')),
    report_id         INTEGER REFERENCES reports(id),     -- the arrival it was added from
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (grid_id, building, unit, room)
);
CREATE INDEX households_phone ON households(phone) WHERE phone != '';

-- Home health monitoring (居家健康监测) of an arrival: daily check-ins to the resident until `ends_at`.
CREATE TABLE monitorings (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES reports(id),
    grid_id        INTEGER NOT NULL REFERENCES areas(id),
    resident_user  INTEGER NOT NULL,                      -- Telegram user id who gets the check-ins
    worker_id      INTEGER REFERENCES people(id),         -- who owns the task
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    days           INTEGER NOT NULL,
    started_at     TEXT NOT NULL,
    ends_at        TEXT NOT NULL,
    ended_at       TEXT,
    started_by     INTEGER,                               -- Telegram user id; NULL: the rules, on accept
    ended_by       INTEGER
);
CREATE INDEX monitorings_report ON monitorings(report_id);
CREATE INDEX monitorings_active_grid ON monitorings(grid_id) WHERE status = 'active';
CREATE UNIQUE INDEX monitorings_one_active ON monitorings(report_id) WHERE status = 'active';

CREATE TABLE checkins (
    id                INTEGER PRIMARY KEY,
    monitoring_id     INTEGER NOT NULL REFERENCES monitorings(id),
    day               TEXT NOT NULL,                      -- local date: one check-in a day
    sent_at           TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'answered', 'missed', 'checked')),
    answer            TEXT CHECK (answer IN ('normal', 'fever', 'cough', 'other')),
    temperature       REAL,
    answered_at       TEXT,
    checked_by        INTEGER,                            -- the worker who checked by phone or at the door
    method            TEXT CHECK (method IN ('phone', 'doorstep')),
    health_report_id  INTEGER REFERENCES reports(id),     -- the report an abnormal answer opened
    UNIQUE (monitoring_id, day)
);

-- Test reminders (核酸/检测提醒): a batch for a list of people, one row each.
CREATE TABLE reminder_batches (
    id          INTEGER PRIMARY KEY,
    grid_id     INTEGER NOT NULL REFERENCES areas(id),
    worker_id   INTEGER NOT NULL REFERENCES people(id),   -- who hears of the unanswered
    created_by  INTEGER,                                  -- Telegram user id
    source      TEXT NOT NULL CHECK (source IN ('monitoring', 'building')),
    building    TEXT NOT NULL DEFAULT '',
    place       TEXT NOT NULL,
    at          TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX reminder_batches_worker ON reminder_batches(worker_id, id);
CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES reminder_batches(id),
    user_id      INTEGER NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent', 'done', 'cannot')),
    answered_at  TEXT,
    UNIQUE (batch_id, user_id)
);

-- Door-knocking campaigns (敲门行动) over every household of an area, split among the grids' workers.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    area_id     INTEGER NOT NULL REFERENCES areas(id),
    title       TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'due')),
    created_by  INTEGER,                                  -- Telegram user id; NULL from the command line
    created_at  TEXT NOT NULL
);
CREATE TABLE campaign_households (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id),
    household_id  INTEGER NOT NULL REFERENCES households(id),
    grid_id       INTEGER NOT NULL REFERENCES areas(id),
    worker_id     INTEGER REFERENCES people(id),
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'visited', 'nobody', 'issue')),
    attempts      INTEGER NOT NULL DEFAULT 0,             -- times nobody was home
    report_id     INTEGER REFERENCES reports(id),         -- the report an issue became
    updated_at    TEXT,
    UNIQUE (campaign_id, household_id)
);
CREATE INDEX campaign_households_worker ON campaign_households(campaign_id, worker_id);
CREATE INDEX campaign_households_grid ON campaign_households(campaign_id, grid_id);

-- Follow-up visits (随访) after a dispute or a tip is resolved.
CREATE TABLE visits (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    worker_id   INTEGER REFERENCES people(id),
    days        INTEGER NOT NULL,
    due_at      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'due', 'settled', 'unsettled', 'cancelled')),
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    done_by     INTEGER
);
CREATE INDEX visits_report ON visits(report_id);

-- Residents' satisfaction (满意度) with a resolved report, asked on each resolution.
CREATE TABLE satisfaction (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    user_id      INTEGER NOT NULL,
    asked_at     TEXT NOT NULL,
    answer       TEXT CHECK (answer IN ('satisfied', 'unsatisfied', 'skipped')),
    answered_at  TEXT
);
CREATE INDEX satisfaction_report ON satisfaction(report_id);
