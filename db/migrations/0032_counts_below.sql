-- Issue 10, a year in well under a gigabyte: the count summaries (0010_ledger.sql) hold, as the latency ones do since
-- 0030, the reports of the areas below an area and not its own: a grid's rows (a row per grid, local day and kind,
-- ≈ 80% of the day table's rows at a million reports) said what its reports say. db/stats.py reads an area's own
-- reports from the reports (reports_grid, their answers by satisfaction_report) and adds the summaries' rows for
-- the areas below: the same figures. The triggers that write the counts are made again with `ancestor != the
-- report's own area`, and the tables are counted again under that rule (the month rows follow the day rows).
DROP TRIGGER reports_summary_insert;
DROP TRIGGER reports_summary_update;
DROP TRIGGER satisfaction_answered;
DROP TRIGGER satisfaction_answered_insert;
DROP TRIGGER ledger_rebuild;

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
        FROM area_lineage l, ledger_state s WHERE l.area_id = NEW.grid_id AND l.ancestor_id != NEW.grid_id
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
        WHERE l.area_id = NEW.grid_id AND l.ancestor_id != NEW.grid_id
          AND l.ancestor_id IS NOT (SELECT parent_id FROM areas WHERE id = NEW.grid_id)
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
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id AND ancestor_id != NEW.grid_id);
END;

CREATE TRIGGER satisfaction_answered AFTER UPDATE OF answer ON satisfaction
WHEN OLD.answer IS NULL AND NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, 'unixepoch', s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id
          AND l.ancestor_id != r.grid_id);
END;

CREATE TRIGGER satisfaction_answered_insert AFTER INSERT ON satisfaction
WHEN NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, 'unixepoch', s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id
          AND l.ancestor_id != r.grid_id);
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
        JOIN area_lineage l ON l.area_id = g.grid_id AND l.ancestor_id != g.grid_id
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
        JOIN area_lineage l ON l.area_id = g.grid_id AND l.ancestor_id != g.grid_id
            AND l.ancestor_id IS NOT (SELECT parent_id FROM areas WHERE id = g.grid_id)
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

DELETE FROM area_month_counts;
DELETE FROM area_day_counts;
INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high, accept_on_time,
                             accept_late, resolve_on_time, resolve_late, escalated, answered, satisfied)
    SELECT l.ancestor_id, g.day, g.kind, sum(g.created), sum(g.open), sum(g.accepted), sum(g.resolved),
           sum(g.high), sum(g.accept_on_time), sum(g.accept_late), sum(g.resolve_on_time), sum(g.resolve_late),
           sum(g.escalated), sum(g.answered), sum(g.satisfied)
    FROM (SELECT r.grid_id, date(r.created_at, 'unixepoch', (SELECT utc_offset_minutes FROM ledger_state) || ' minutes') AS day, r.kind,
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
    JOIN area_lineage l ON l.area_id = g.grid_id AND l.ancestor_id != g.grid_id
    GROUP BY 1, 2, 3;
