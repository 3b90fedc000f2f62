-- Issue 10, a year of data in well under a gigabyte: the purge writes erased reports again whole under their ids,
-- in id order (db/retention.py pack_erased), so that their pages fill again instead of staying two-thirds full.

-- The last report id the packing went past: the next purge goes on from there (0 packs every report erased so far).
CREATE TABLE report_packing (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_id  INTEGER NOT NULL
);
INSERT INTO report_packing (id, last_id) VALUES (1, 0);

-- The rewrite inserts an erased report again: it was counted when first made. Only the rewrite inserts a report
-- already erased; the body is 0023's.
DROP TRIGGER reports_summary_insert;
CREATE TRIGGER reports_summary_insert AFTER INSERT ON reports WHEN NEW.erased_at IS NULL BEGIN
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

-- Deleting a report looks for the rows that refer to it in every table that does (foreign keys): without an index
-- on the column, a full scan of that table for each report the packing rewrites (50k timers: 8 ms a report).
-- Partial where most rows refer to no report.
DROP INDEX timers_pending_report;
CREATE INDEX timers_report ON timers(report_id);
CREATE INDEX households_report ON households(report_id) WHERE report_id IS NOT NULL;
CREATE INDEX checkins_health_report ON checkins(health_report_id) WHERE health_report_id IS NOT NULL;
CREATE INDEX campaign_households_report ON campaign_households(report_id) WHERE report_id IS NOT NULL;
CREATE INDEX gatherings_violation ON gatherings(violation_id) WHERE violation_id IS NOT NULL;

-- Erased reports all belong to reporter 0, "nobody": no one lists them by reporter (db/reports.py of_reporter,
-- db/listing.py and db/retention.py say reporter_user != 0 so that the planner may use this index).
DROP INDEX reports_reporter;
CREATE INDEX reports_reporter ON reports(reporter_user, created_at) WHERE reporter_user != 0;
