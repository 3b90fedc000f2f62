-- gridbot: foreign_keys off
-- Issue 10, a year in well under a gigabyte: a report's history (four rows a report, ≈ 4 million at a million
-- reports) with its action as a small number (1 byte, not an 8-character word: ≈ 30 MB a year) named in
-- `report_actions`, and its detail as JSON without the spaces between items (SQLite's json(): the same keys,
-- values and order). db/reports.py turns the number back into the word it always gave. Rebuilt whole (0024 made
-- the table; its key and every other column stay), which also writes its pages full again.
CREATE TABLE report_actions (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);
-- The common ones first, in this order on every database; any other the history holds after them; new ones as
-- db.reports.add_event first writes them.
INSERT INTO report_actions (id, name) VALUES (1, 'created'), (2, 'assigned'), (3, 'accepted'), (4, 'resolved'),
    (5, 'note'), (6, 'reminded'), (7, 'escalated'), (8, 'transferred'), (9, 'reopened'), (10, 'photo');
INSERT INTO report_actions (name) SELECT DISTINCT action FROM report_events WHERE action NOT IN
    (SELECT name FROM report_actions) ORDER BY action;

CREATE TABLE report_events_coded (
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    seq         INTEGER NOT NULL,   -- 1, 2, … within the report: the order of its history
    at          INTEGER NOT NULL,   -- Unix seconds, UTC
    actor_user  INTEGER,            -- NULL: the system (timers)
    action      INTEGER NOT NULL REFERENCES report_actions(id),
    detail      TEXT,               -- a JSON object, without spaces between items; NULL when empty
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
-- A detail that is not JSON (none the bot wrote) is kept as it is rather than failing.
INSERT INTO report_events_coded (report_id, seq, at, actor_user, action, detail)
    SELECT e.report_id, e.seq, e.at, e.actor_user, a.id,
           CASE WHEN json_valid(e.detail) THEN json(e.detail) ELSE e.detail END
    FROM report_events e JOIN report_actions a ON a.name = e.action
    ORDER BY e.report_id, e.seq;
DROP TABLE report_events;
ALTER TABLE report_events_coded RENAME TO report_events;
