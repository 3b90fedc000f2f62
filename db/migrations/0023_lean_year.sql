-- Issue 10, a year of data in well under a gigabyte: indexes over the audit log's million rows that no query of the
-- bot needs whole.

-- Nothing in the bot looks the audit log up by subject (db.audit.entries, for tests and a person at the
-- command line, reads it in order); a year of "report_disclosed" rows put a million entries in it.
DROP INDEX audit_subject;

-- db.audit.count_since (a person's tips in the last hour) always names the person: the system's rows (NULL actor,
-- most of the log: every disclosure of a report to its assignee) need no entry.
DROP INDEX audit_actor;
CREATE INDEX audit_actor ON audit_log(actor_user, action, at) WHERE actor_user IS NOT NULL;

-- The latency summaries (0010_ledger.sql; a row per area, local day, phase and bucket: ≈ 4 million at a
-- million reports, another 1.7 million by month) with numbers where they held text: the day as days since
-- 1970-01-01 (two bytes, not ten), the month as YYYYMM, the phase as 0 (accept) or 1 (resolve). db/stats.py
-- reads them so; what the figures say does not change. Their triggers are made again with the same rules.
DROP TRIGGER reports_summary_insert;
DROP TRIGGER reports_latency_leave;
DROP TRIGGER reports_latency_enter;
DROP TRIGGER ledger_rebuild;

CREATE TABLE area_day_latency_narrow (
    area_id  INTEGER NOT NULL,
    day      INTEGER NOT NULL,                  -- local day, as days since 1970-01-01
    phase    INTEGER NOT NULL,                  -- 0 accept, 1 resolve
    bucket   INTEGER NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, day, phase, bucket)
) WITHOUT ROWID;
CREATE TABLE area_month_latency_narrow (
    area_id  INTEGER NOT NULL,
    month    INTEGER NOT NULL,                  -- YYYYMM
    phase    INTEGER NOT NULL,
    bucket   INTEGER NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, month, phase, bucket)
) WITHOUT ROWID;
INSERT INTO area_day_latency_narrow (area_id, day, phase, bucket, n)
    SELECT area_id, unixepoch(day) / 86400, phase = 'resolve', bucket, n FROM area_day_latency WHERE n != 0;
INSERT INTO area_month_latency_narrow (area_id, month, phase, bucket, n)
    SELECT area_id, CAST(replace(month, '-', '') AS INTEGER), phase = 'resolve', bucket, n FROM area_month_latency
    WHERE n != 0;
DROP TABLE area_day_latency;
DROP TABLE area_month_latency;
ALTER TABLE area_day_latency_narrow RENAME TO area_day_latency;
ALTER TABLE area_month_latency_narrow RENAME TO area_month_latency;

CREATE TRIGGER area_day_latency_month_insert AFTER INSERT ON area_day_latency BEGIN
    INSERT INTO area_month_latency (area_id, month, phase, bucket, n)
        VALUES (NEW.area_id, CAST(strftime('%Y%m', NEW.day * 86400, 'unixepoch') AS INTEGER), NEW.phase, NEW.bucket,
                NEW.n)
        ON CONFLICT (area_id, month, phase, bucket) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER area_day_latency_month_update AFTER UPDATE ON area_day_latency BEGIN
    UPDATE area_month_latency SET n = n + NEW.n - OLD.n
    WHERE area_id = NEW.area_id AND month = CAST(strftime('%Y%m', NEW.day * 86400, 'unixepoch') AS INTEGER)
      AND phase = NEW.phase AND bucket = NEW.bucket;
END;

CREATE TRIGGER reports_summary_insert AFTER INSERT ON reports BEGIN
    INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high, accept_on_time,
                                 accept_late, resolve_on_time, resolve_late, escalated)
        SELECT l.ancestor_id, date(NEW.created_at, s.utc_offset_minutes || ' minutes'), NEW.kind, 1,
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
        SELECT l.ancestor_id, unixepoch(NEW.created_at, s.utc_offset_minutes || ' minutes') / 86400, t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 0 AS phase, max(0, unixepoch(NEW.accepted_at) - unixepoch(NEW.created_at)) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL
              UNION ALL
              SELECT 1, max(0, unixepoch(NEW.resolved_at) - unixepoch(NEW.created_at)) / 60
                WHERE NEW.resolved_at IS NOT NULL) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_latency_leave AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    UPDATE area_day_latency SET n = n - 1
    WHERE day = unixepoch(NEW.created_at, (SELECT utc_offset_minutes FROM ledger_state) || ' minutes') / 86400
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id)
      AND (phase, bucket) IN (
          SELECT phase, CASE WHEN m < 30 THEN m WHEN m < 180 THEN 30 + (m - 30) / 5
                             WHEN m < 1440 THEN 60 + (m - 180) / 30 WHEN m < 10080 THEN 102 + (m - 1440) / 180
                             ELSE 150 + min((m - 10080) / 1440, 53) END
          FROM (SELECT 0 AS phase, max(0, unixepoch(OLD.accepted_at) - unixepoch(OLD.created_at)) / 60 AS m
                  WHERE OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
                UNION ALL
                SELECT 1, max(0, unixepoch(OLD.resolved_at) - unixepoch(OLD.created_at)) / 60
                  WHERE OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at));
END;

CREATE TRIGGER reports_latency_enter AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, unixepoch(NEW.created_at, s.utc_offset_minutes || ' minutes') / 86400, t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 0 AS phase, max(0, unixepoch(NEW.accepted_at) - unixepoch(NEW.created_at)) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
              UNION ALL
              SELECT 1, max(0, unixepoch(NEW.resolved_at) - unixepoch(NEW.created_at)) / 60
                WHERE NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
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
        FROM (SELECT r.grid_id, date(r.created_at, NEW.utc_offset_minutes || ' minutes') AS day, r.kind,
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
              FROM (SELECT grid_id, unixepoch(created_at, NEW.utc_offset_minutes || ' minutes') / 86400 AS day,
                           0 AS phase, max(0, unixepoch(accepted_at) - unixepoch(created_at)) / 60 AS m
                    FROM reports WHERE accepted_at IS NOT NULL
                    UNION ALL
                    SELECT grid_id, unixepoch(created_at, NEW.utc_offset_minutes || ' minutes') / 86400, 1,
                           max(0, unixepoch(resolved_at) - unixepoch(created_at)) / 60
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
