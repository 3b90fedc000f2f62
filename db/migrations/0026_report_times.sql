-- gridbot: foreign_keys off
-- Issue 10, a year of data in well under a gigabyte: a report's six times as Unix seconds (4 bytes, not a
-- 25-character stamp: ≈ 150 bytes a row). db/reports.py turns them back into stamps; every query of db/ that
-- compares them with a time converts the time first (a number sorts before any text in SQLite). A column's type
-- cannot change in place, so `reports` is rebuilt (SQLite's twelve-step procedure, as in 0006_report_kinds.sql),
-- with its indexes, and every trigger that reads its times is made again for numbers: `date(t, 'unixepoch', …)`
-- for a local day, a plain difference for a duration, (t + offset) / 86400 for a local day number.

-- Triggers on other tables name `reports`: dropped first, so the rename below meets none of them broken.
DROP TRIGGER satisfaction_answered;
DROP TRIGGER satisfaction_answered_insert;
DROP TRIGGER ledger_rebuild;

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
    -- The times, Unix seconds: a stamp written here by mistake would compare as later than every number.
    created_at       INTEGER NOT NULL CHECK (typeof(created_at) = 'integer'),
    accepted_at      INTEGER CHECK (typeof(accepted_at) IN ('integer', 'null')),
    resolved_at      INTEGER CHECK (typeof(resolved_at) IN ('integer', 'null')),
    accept_due_at    INTEGER NOT NULL CHECK (typeof(accept_due_at) = 'integer'),
    resolve_due_at   INTEGER NOT NULL CHECK (typeof(resolve_due_at) = 'integer'),
    erased_at        INTEGER CHECK (typeof(erased_at) IN ('integer', 'null'))
);
INSERT INTO reports_new (id, number, grid_id, kind, priority, status, reporter_user, on_behalf, details, assignee_id,
                         level, outcome, created_at, accepted_at, resolved_at, accept_due_at, resolve_due_at,
                         erased_at)
    SELECT id, number, grid_id, kind, priority, status, reporter_user, on_behalf, details, assignee_id, level,
           outcome, unixepoch(created_at), unixepoch(accepted_at), unixepoch(resolved_at), unixepoch(accept_due_at),
           unixepoch(resolve_due_at), unixepoch(erased_at)
    FROM reports ORDER BY id;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;

CREATE INDEX reports_grid ON reports(grid_id, created_at);
CREATE INDEX reports_assignee ON reports(assignee_id, status);
CREATE INDEX reports_reporter ON reports(reporter_user, created_at) WHERE reporter_user != 0;   -- as 0025 left it
CREATE INDEX reports_erasable ON reports(resolved_at) WHERE status = 'resolved' AND erased_at IS NULL;
CREATE INDEX reports_unresolved ON reports(grid_id, status, accept_due_at, resolve_due_at, created_at)
    WHERE status != 'resolved';

CREATE TRIGGER reports_summary_insert AFTER INSERT ON reports WHEN NEW.erased_at IS NULL BEGIN
    INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high, accept_on_time,
                                 accept_late, resolve_on_time, resolve_late, escalated)
        SELECT l.ancestor_id, date(NEW.created_at, 'unixepoch', s.utc_offset_minutes || ' minutes'), NEW.kind, 1,
               NEW.status = 'open', NEW.status = 'accepted', NEW.status = 'resolved', NEW.priority = 'high',
               NEW.accepted_at IS NOT NULL AND NEW.accepted_at <= NEW.accept_due_at,
               NEW.accepted_at IS NOT NULL AND NEW.accepted_at > NEW.accept_due_at,
               NEW.resolved_at IS NOT NULL AND NEW.resolved_at <= NEW.resolve_due_at,
               NEW.resolved_at IS NOT NULL AND NEW.resolved_at > NEW.resolve_due_at,
               NEW.level > 0
        FROM area_lineage l, ledger_state s WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, kind) DO UPDATE SET
            created = created + 1, open = open + excluded.open, accepted = accepted + excluded.accepted,
            resolved = resolved + excluded.resolved, high = high + excluded.high,
            accept_on_time = accept_on_time + excluded.accept_on_time,
            accept_late = accept_late + excluded.accept_late,
            resolve_on_time = resolve_on_time + excluded.resolve_on_time,
            resolve_late = resolve_late + excluded.resolve_late, escalated = escalated + excluded.escalated;
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, (NEW.created_at + s.utc_offset_minutes * 60) / 86400, t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 0 AS phase, max(0, NEW.accepted_at - NEW.created_at) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL
              UNION ALL
              SELECT 1, max(0, NEW.resolved_at - NEW.created_at) / 60
                WHERE NEW.resolved_at IS NOT NULL) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_summary_update
AFTER UPDATE OF status, priority, accepted_at, resolved_at, accept_due_at, resolve_due_at, level ON reports
WHEN NEW.status IS NOT OLD.status OR NEW.priority IS NOT OLD.priority OR NEW.accepted_at IS NOT OLD.accepted_at
     OR NEW.resolved_at IS NOT OLD.resolved_at OR NEW.accept_due_at IS NOT OLD.accept_due_at
     OR NEW.resolve_due_at IS NOT OLD.resolve_due_at OR (NEW.level > 0) IS NOT (OLD.level > 0) BEGIN
    UPDATE area_day_counts SET
        open = open + (NEW.status = 'open') - (OLD.status = 'open'),
        accepted = accepted + (NEW.status = 'accepted') - (OLD.status = 'accepted'),
        resolved = resolved + (NEW.status = 'resolved') - (OLD.status = 'resolved'),
        high = high + (NEW.priority = 'high') - (OLD.priority = 'high'),
        accept_on_time = accept_on_time + (NEW.accepted_at IS NOT NULL AND NEW.accepted_at <= NEW.accept_due_at)
                                        - (OLD.accepted_at IS NOT NULL AND OLD.accepted_at <= OLD.accept_due_at),
        accept_late = accept_late + (NEW.accepted_at IS NOT NULL AND NEW.accepted_at > NEW.accept_due_at)
                                  - (OLD.accepted_at IS NOT NULL AND OLD.accepted_at > OLD.accept_due_at),
        resolve_on_time = resolve_on_time + (NEW.resolved_at IS NOT NULL AND NEW.resolved_at <= NEW.resolve_due_at)
                                          - (OLD.resolved_at IS NOT NULL AND OLD.resolved_at <= OLD.resolve_due_at),
        resolve_late = resolve_late + (NEW.resolved_at IS NOT NULL AND NEW.resolved_at > NEW.resolve_due_at)
                                    - (OLD.resolved_at IS NOT NULL AND OLD.resolved_at > OLD.resolve_due_at),
        escalated = escalated + (NEW.level > 0) - (OLD.level > 0)
    WHERE kind = NEW.kind
      AND day = date(NEW.created_at, 'unixepoch', (SELECT utc_offset_minutes FROM ledger_state) || ' minutes')
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id);
END;

CREATE TRIGGER reports_latency_leave AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    UPDATE area_day_latency SET n = n - 1
    WHERE day = (NEW.created_at + (SELECT utc_offset_minutes FROM ledger_state) * 60) / 86400
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id)
      AND (phase, bucket) IN (
          SELECT phase, CASE WHEN m < 30 THEN m WHEN m < 180 THEN 30 + (m - 30) / 5
                             WHEN m < 1440 THEN 60 + (m - 180) / 30 WHEN m < 10080 THEN 102 + (m - 1440) / 180
                             ELSE 150 + min((m - 10080) / 1440, 53) END
          FROM (SELECT 0 AS phase, max(0, OLD.accepted_at - OLD.created_at) / 60 AS m
                  WHERE OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
                UNION ALL
                SELECT 1, max(0, OLD.resolved_at - OLD.created_at) / 60
                  WHERE OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at));
END;

CREATE TRIGGER reports_latency_enter AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, (NEW.created_at + s.utc_offset_minutes * 60) / 86400, t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 0 AS phase, max(0, NEW.accepted_at - NEW.created_at) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
              UNION ALL
              SELECT 1, max(0, NEW.resolved_at - NEW.created_at) / 60
                WHERE NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_escalated AFTER UPDATE OF level ON reports WHEN NEW.level > OLD.level BEGIN
    INSERT INTO report_escalations (report_id, from_person_id, from_level, to_level)
        VALUES (NEW.id, OLD.assignee_id, OLD.level, NEW.level);
END;

CREATE TRIGGER satisfaction_answered AFTER UPDATE OF answer ON satisfaction
WHEN OLD.answer IS NULL AND NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, 'unixepoch', s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id);
END;

CREATE TRIGGER satisfaction_answered_insert AFTER INSERT ON satisfaction
WHEN NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, 'unixepoch', s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id);
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
                     date(COALESCE(sent_at, created_at), NEW.utc_offset_minutes || ' minutes') AS day, count(*) AS n
              FROM outbox WHERE ref >= 'run:' AND ref < 'run;' AND status = 'sent'
                AND purpose IN ('broadcast', 'broadcast_pin')
              GROUP BY 1, 2) g
        JOIN area_lineage l ON l.area_id = g.grid_id
        GROUP BY 1, 2;
END;
