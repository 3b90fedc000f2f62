-- gridbot: foreign_keys off
-- Issue 10, a year in well under a gigabyte: a report's history (four rows a report, ≈ 4 million at a million
-- reports, 324 MB and a 65 MB index) kept compact. The rows are stored in the order of their report
-- (WITHOUT ROWID, keyed by report and a number within it), so the index on report_id that every read used
-- is the table itself; the time is Unix seconds (4 bytes, not a 25-character stamp); an empty detail is NULL.
-- db/reports.py turns them back into the stamps and objects it always gave.
CREATE TABLE report_events_compact (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    seq         INTEGER NOT NULL,   -- 1, 2, … within the report: the order of its history
    at          INTEGER NOT NULL,   -- Unix seconds, UTC
    actor_user  INTEGER,            -- NULL: the system (timers)
    action      TEXT NOT NULL,
    detail      TEXT,               -- a JSON object; NULL when empty
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
-- coalesce: a stamp SQLite cannot read (none the bot wrote) keeps its row, at the epoch, rather than failing.
INSERT INTO report_events_compact (report_id, seq, at, actor_user, action, detail)
    SELECT report_id, row_number() OVER (PARTITION BY report_id ORDER BY id), coalesce(unixepoch(at), 0),
           actor_user, action, nullif(detail, '{}')
    FROM report_events;
DROP TABLE report_events;
ALTER TABLE report_events_compact RENAME TO report_events;
