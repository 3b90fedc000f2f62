-- gridbot: foreign_keys off
-- Issue 10, a year in well under a gigabyte: the outbox (a million rows over retain_outbox_days at a million
-- reports a year) with its two times as Unix seconds (4 bytes each, not 25-character stamps), and `method` NULL
-- for the sendMessage nearly every row is (11 bytes). db/outbox.py and db/health.py read and write them so; the
-- broadcast figures' triggers take the seconds with 'unixepoch'. Rebuilt by SQLite's twelve steps (0006): the
-- runner turns foreign keys off around it (outbox refers to people and reports) and checks them before commit.
DROP TRIGGER ledger_rebuild;            -- it reads the outbox: made again below, for seconds

CREATE TABLE outbox_compact (
    id           INTEGER PRIMARY KEY,
    created_at   INTEGER NOT NULL,     -- Unix seconds, UTC
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
    sent_at      INTEGER,              -- Unix seconds, UTC
    method       TEXT                  -- the Bot API method; NULL: sendMessage
);
-- coalesce: a stamp SQLite cannot read (none the bot wrote) keeps its row, at the epoch, rather than failing.
INSERT INTO outbox_compact (id, created_at, priority, chat_id, text, reply_markup, purpose, person_id, report_id, ref,
                            status, attempts, error, message_id, sent_at, method)
    SELECT id, coalesce(unixepoch(created_at), 0), priority, chat_id, text, reply_markup, purpose, person_id,
           report_id, ref, status, attempts, error, message_id, unixepoch(sent_at), nullif(method, 'sendMessage')
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_compact RENAME TO outbox;
CREATE INDEX outbox_queue ON outbox(priority, id) WHERE status = 'pending';
CREATE INDEX outbox_ref ON outbox(ref) WHERE ref IS NOT NULL;
CREATE INDEX outbox_bodies ON outbox(created_at) WHERE text != '';
CREATE INDEX outbox_report ON outbox(report_id) WHERE report_id IS NOT NULL;

CREATE TRIGGER outbox_broadcast_delivered AFTER UPDATE OF status ON outbox
WHEN NEW.status = 'sent' AND OLD.status != 'sent' AND NEW.purpose IN ('broadcast', 'broadcast_pin')
     AND NEW.ref LIKE 'run:%' BEGIN
    INSERT INTO area_day_broadcasts (area_id, day, delivered)
        SELECT l.ancestor_id, date(COALESCE(NEW.sent_at, NEW.created_at), 'unixepoch', s.utc_offset_minutes || ' minutes'), 1
        FROM area_lineage l, ledger_state s
        WHERE l.area_id = CAST(substr(NEW.ref, 5 + instr(substr(NEW.ref, 5), ':')) AS INTEGER)
        ON CONFLICT (area_id, day) DO UPDATE SET delivered = delivered + 1;
END;

CREATE TRIGGER ledger_rebuild AFTER UPDATE OF utc_offset_minutes, generation ON ledger_state BEGIN
    DELETE FROM area_day_counts;
    DELETE FROM area_day_latency;
    DELETE FROM area_month_counts;
    DELETE FROM area_month_latency;
    DELETE FROM area_day_broadcasts;
    INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high, accept_on_time,
                                 accept_late, resolve_on_time, resolve_late, escalated, answered, satisfied)
        SELECT l.ancestor_id, g.day, g.kind, sum(g.created), sum(g.open), sum(g.accepted), sum(g.resolved),
               sum(g.high), sum(g.accept_on_time), sum(g.accept_late), sum(g.resolve_on_time), sum(g.resolve_late),
               sum(g.escalated), sum(g.answered), sum(g.satisfied)
        FROM (SELECT r.grid_id, date(r.created_at, 'unixepoch', NEW.utc_offset_minutes || ' minutes') AS day, r.kind,
                     count(*) AS created, sum(r.status = 'open') AS open, sum(r.status = 'accepted') AS accepted,
                     sum(r.status = 'resolved') AS resolved, sum(r.priority = 'high') AS high,
                     sum(r.accepted_at IS NOT NULL AND r.accepted_at <= r.accept_due_at) AS accept_on_time,
                     sum(r.accepted_at IS NOT NULL AND r.accepted_at > r.accept_due_at) AS accept_late,
                     sum(r.resolved_at IS NOT NULL AND r.resolved_at <= r.resolve_due_at) AS resolve_on_time,
                     sum(r.resolved_at IS NOT NULL AND r.resolved_at > r.resolve_due_at) AS resolve_late,
                     sum(r.level > 0) AS escalated, coalesce(sum(x.answered), 0) AS answered,
                     coalesce(sum(x.satisfied), 0) AS satisfied
              FROM reports r LEFT JOIN (SELECT report_id, count(*) AS answered, sum(answer = 'satisfied') AS satisfied
                                        FROM satisfaction WHERE answer IN ('satisfied', 'unsatisfied')
                                        GROUP BY report_id) x ON x.report_id = r.id
              GROUP BY 1, 2, 3) g
        JOIN area_lineage l ON l.area_id = g.grid_id
        GROUP BY 1, 2, 3;
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, g.day, g.phase, g.bucket, sum(g.n)
        FROM (SELECT t.grid_id, t.day, t.phase,
                     CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                          WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                          ELSE 150 + min((t.m - 10080) / 1440, 53) END AS bucket, count(*) AS n
              FROM (SELECT grid_id, (created_at + NEW.utc_offset_minutes * 60) / 86400 AS day,
                           0 AS phase, max(0, accepted_at - created_at) / 60 AS m
                    FROM reports WHERE accepted_at IS NOT NULL
                    UNION ALL
                    SELECT grid_id, (created_at + NEW.utc_offset_minutes * 60) / 86400, 1,
                           max(0, resolved_at - created_at) / 60
                    FROM reports WHERE resolved_at IS NOT NULL) t
              GROUP BY 1, 2, 3, 4) g
        JOIN area_lineage l ON l.area_id = g.grid_id
        GROUP BY 1, 2, 3, 4;
    INSERT INTO area_day_broadcasts (area_id, day, delivered)
        SELECT l.ancestor_id, g.day, sum(g.n)
        FROM (SELECT CAST(substr(ref, 5 + instr(substr(ref, 5), ':')) AS INTEGER) AS grid_id,
                     date(COALESCE(sent_at, created_at), 'unixepoch', NEW.utc_offset_minutes || ' minutes') AS day, count(*) AS n
              FROM outbox WHERE ref >= 'run:' AND ref < 'run;' AND status = 'sent'
                AND purpose IN ('broadcast', 'broadcast_pin')
              GROUP BY 1, 2) g
        JOIN area_lineage l ON l.area_id = g.grid_id
        GROUP BY 1, 2;
END;
