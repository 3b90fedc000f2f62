-- Issue 10, a year in well under a gigabyte: the audit log (a million rows a year, most of them a report shown
-- to its assignee) with its time as Unix seconds (4 bytes, not a 25-character stamp). db/audit.py turns it back
-- into the stamp it always gave. Nothing refers to the log, so it is rebuilt without switching foreign keys off.
CREATE TABLE audit_log_compact (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,    -- Unix seconds, UTC
    actor_user  INTEGER,             -- Telegram user id, NULL for the command line or the system
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '{}'
);
-- coalesce: a stamp SQLite cannot read (none the bot wrote) keeps its row, at the epoch, rather than failing.
INSERT INTO audit_log_compact (id, at, actor_user, action, subject, detail)
    SELECT id, coalesce(unixepoch(at), 0), actor_user, action, subject, detail FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_compact RENAME TO audit_log;
CREATE INDEX audit_actor ON audit_log(actor_user, action, at) WHERE actor_user IS NOT NULL;
