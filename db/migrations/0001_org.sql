-- The city's area tree, its people and their roles, group chats bound to grids, invites, audit.

CREATE TABLE areas (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('city', 'town', 'community', 'grid')),
    parent_id   INTEGER REFERENCES areas(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX areas_parent ON areas(parent_id);

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    phone             TEXT NOT NULL UNIQUE,
    telegram_user_id  INTEGER UNIQUE,
    locale            TEXT,
    started_at        TEXT,            -- pressed Start: the bot may write to them
    unreachable_at    TEXT,            -- a private send was refused (Forbidden)
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    area_id     INTEGER NOT NULL REFERENCES areas(id),
    role        TEXT NOT NULL CHECK (role IN ('grid_leader', 'grid_worker', 'supervisor', 'volunteer',
                    'building_head', 'street_head', 'community_admin', 'town_admin', 'city_admin')),
    on_duty     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    UNIQUE (person_id, area_id, role)
);
CREATE INDEX roles_area ON roles(area_id, role);

CREATE TABLE invites (
    code        TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     INTEGER               -- the Telegram user id that redeemed it
);
CREATE INDEX invites_person ON invites(person_id);

-- Telegram users the bot has met in private, staff or not (residents report too).
CREATE TABLE telegram_users (
    user_id     INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    username    TEXT,
    language    TEXT,
    started_at  TEXT,
    blocked_at  TEXT,
    updated_at  TEXT NOT NULL
);

CREATE TABLE group_chats (
    chat_id      INTEGER PRIMARY KEY,
    title        TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL,
    area_id      INTEGER UNIQUE REFERENCES areas(id),   -- the grid this group serves
    bound_by     INTEGER,
    bound_at     TEXT,
    bot_status   TEXT NOT NULL DEFAULT 'member' CHECK (bot_status IN ('member', 'removed')),
    status_at    TEXT NOT NULL,
    migrated_to  INTEGER,            -- set on the old row when a group became a supergroup
    updated_at   TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_user  INTEGER,             -- Telegram user id, NULL for the command line or the system
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_subject ON audit_log(subject);

-- Update ids already handled: a redelivered update is dropped.
CREATE TABLE processed_updates (
    update_id   INTEGER PRIMARY KEY,
    at          TEXT NOT NULL
);
