-- The ledger's statistics: summary tables kept exact by triggers in the same transaction as every change to a
-- report (so that an area's figures over a year answer from a few hundred rows), the area tree's lineage they
-- roll up along, residents' ratings, escalations away from a worker, and the weekly digest's runs.

-- Each area with itself and every area above it (a grid: itself, its community, town and city).
CREATE TABLE area_lineage (
    area_id      INTEGER NOT NULL REFERENCES areas(id),
    ancestor_id  INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (area_id, ancestor_id)
) WITHOUT ROWID;
CREATE INDEX area_lineage_below ON area_lineage(ancestor_id, area_id);

INSERT INTO area_lineage SELECT id, id FROM areas;
INSERT INTO area_lineage SELECT a.id, a.parent_id FROM areas a WHERE a.parent_id IS NOT NULL;
INSERT INTO area_lineage SELECT a.id, p.parent_id FROM areas a JOIN areas p ON p.id = a.parent_id
    WHERE p.parent_id IS NOT NULL;
INSERT INTO area_lineage SELECT a.id, q.parent_id FROM areas a JOIN areas p ON p.id = a.parent_id
    JOIN areas q ON q.id = p.parent_id WHERE q.parent_id IS NOT NULL;

-- One row: the local time the summaries count days in (minutes east of UTC; the bot sets it from its timezone
-- at start), and a generation whose every change rebuilds the summaries from the reports.
CREATE TABLE ledger_state (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    utc_offset_minutes  INTEGER NOT NULL,
    generation          INTEGER NOT NULL
);

-- A resident's answer to "how satisfied are you" after their report was resolved: 1 (not) … 5 (very).
CREATE TABLE report_ratings (
    report_id  INTEGER PRIMARY KEY REFERENCES reports(id),
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    at         TEXT NOT NULL
);

-- Each time a report went up a level, and whose it was then (assessment: "escalated away").
CREATE TABLE report_escalations (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports(id),
    from_person_id  INTEGER REFERENCES people(id),
    from_level      INTEGER NOT NULL,
    to_level        INTEGER NOT NULL
);
CREATE INDEX report_escalations_report ON report_escalations(report_id);

-- Reports by the area (at every level above their grid), the local day they were made, and kind: how many,
-- where they stand now, how many were accepted and resolved in time, escalated, rated.
CREATE TABLE area_day_counts (
    area_id           INTEGER NOT NULL,
    day               TEXT NOT NULL,                -- YYYY-MM-DD, local
    kind              TEXT NOT NULL,
    created           INTEGER NOT NULL DEFAULT 0,
    open              INTEGER NOT NULL DEFAULT 0,   -- status now
    accepted          INTEGER NOT NULL DEFAULT 0,
    resolved          INTEGER NOT NULL DEFAULT 0,
    high              INTEGER NOT NULL DEFAULT 0,
    accept_on_time    INTEGER NOT NULL DEFAULT 0,   -- accepted at or before accept_due_at
    accept_late       INTEGER NOT NULL DEFAULT 0,
    resolve_on_time   INTEGER NOT NULL DEFAULT 0,   -- resolved at or before resolve_due_at
    resolve_late      INTEGER NOT NULL DEFAULT 0,
    escalated         INTEGER NOT NULL DEFAULT 0,   -- held above the grid worker now (level > 0)
    rated             INTEGER NOT NULL DEFAULT 0,
    rating_sum        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, day, kind)
) WITHOUT ROWID;

-- Times from submission to acceptance and to resolution, as counts per bucket (see db/stats.py: bucket_of):
-- a median or p90 over any period is read from the buckets, not from the reports.
CREATE TABLE area_day_latency (
    area_id  INTEGER NOT NULL,
    day      TEXT NOT NULL,
    phase    TEXT NOT NULL CHECK (phase IN ('accept', 'resolve')),
    bucket   INTEGER NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, day, phase, bucket)
) WITHOUT ROWID;

-- The same by calendar month (YYYY-MM), so that a long period reads a row per month, not per day; kept from
-- the day tables by their own triggers below.
CREATE TABLE area_month_counts (
    area_id           INTEGER NOT NULL,
    month             TEXT NOT NULL,
    kind              TEXT NOT NULL,
    created           INTEGER NOT NULL DEFAULT 0,
    open              INTEGER NOT NULL DEFAULT 0,
    accepted          INTEGER NOT NULL DEFAULT 0,
    resolved          INTEGER NOT NULL DEFAULT 0,
    high              INTEGER NOT NULL DEFAULT 0,
    accept_on_time    INTEGER NOT NULL DEFAULT 0,
    accept_late       INTEGER NOT NULL DEFAULT 0,
    resolve_on_time   INTEGER NOT NULL DEFAULT 0,
    resolve_late      INTEGER NOT NULL DEFAULT 0,
    escalated         INTEGER NOT NULL DEFAULT 0,
    rated             INTEGER NOT NULL DEFAULT 0,
    rating_sum        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, month, kind)
) WITHOUT ROWID;
CREATE TABLE area_month_latency (
    area_id  INTEGER NOT NULL,
    month    TEXT NOT NULL,
    phase    TEXT NOT NULL CHECK (phase IN ('accept', 'resolve')),
    bucket   INTEGER NOT NULL,
    n        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, month, phase, bucket)
) WITHOUT ROWID;

-- Broadcast messages delivered to the group chats of the area, per local day.
CREATE TABLE area_day_broadcasts (
    area_id    INTEGER NOT NULL,
    day        TEXT NOT NULL,
    delivered  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area_id, day)
) WITHOUT ROWID;

-- Staff's view of what is still open in their area, oldest first, and the figures' "open" and "overdue now".
CREATE INDEX reports_unresolved ON reports(grid_id, status, accept_due_at, resolve_due_at, created_at)
    WHERE status != 'resolved';

-- The weekly digest: one run per scheduled time; one delivery per person and area, sent as a photo.
CREATE TABLE digest_runs (
    id             INTEGER PRIMARY KEY,
    scheduled_for  TEXT NOT NULL UNIQUE,
    period_from    TEXT NOT NULL,                   -- local days, inclusive
    period_to      TEXT NOT NULL,
    started_at     TEXT NOT NULL
);
CREATE TABLE digest_deliveries (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES digest_runs(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    area_id    INTEGER NOT NULL REFERENCES areas(id),
    chat_id    INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    sent_at    TEXT,
    UNIQUE (run_id, person_id, area_id)
);
CREATE INDEX digest_deliveries_pending ON digest_deliveries(id) WHERE status = 'pending';

-- ----- the area tree's lineage follows imports ---------------------------------------------------------------
CREATE TRIGGER areas_lineage_insert AFTER INSERT ON areas BEGIN
    INSERT INTO area_lineage (area_id, ancestor_id) VALUES (NEW.id, NEW.id);
    INSERT INTO area_lineage (area_id, ancestor_id)
        SELECT NEW.id, ancestor_id FROM area_lineage WHERE area_id = NEW.parent_id;
END;

-- An area moved under another parent: its subtree's lineage changes, and the summaries are rebuilt (rare: an
-- import that re-parents an area).
CREATE TRIGGER areas_lineage_move AFTER UPDATE OF parent_id ON areas WHEN OLD.parent_id IS NOT NEW.parent_id BEGIN
    DELETE FROM area_lineage
        WHERE area_id IN (SELECT area_id FROM area_lineage WHERE ancestor_id = NEW.id)
          AND ancestor_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.id AND ancestor_id != NEW.id);
    INSERT INTO area_lineage (area_id, ancestor_id)
        SELECT below.area_id, above.ancestor_id FROM area_lineage below, area_lineage above
        WHERE below.ancestor_id = NEW.id AND above.area_id = NEW.parent_id;
    UPDATE ledger_state SET generation = generation + 1;
END;

-- ----- a report's figures, added when it is made and moved when it changes ----------------------------------
-- The latency bucket of s seconds: to the minute under half an hour, 5 minutes under 3 hours, half an hour
-- under a day, 3 hours under a week, then by the day up to 60 days (db/stats.py mirrors it).
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
        SELECT l.ancestor_id, date(NEW.created_at, s.utc_offset_minutes || ' minutes'), t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 'accept' AS phase, max(0, unixepoch(NEW.accepted_at) - unixepoch(NEW.created_at)) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL
              UNION ALL
              SELECT 'resolve', max(0, unixepoch(NEW.resolved_at) - unixepoch(NEW.created_at)) / 60
                WHERE NEW.resolved_at IS NOT NULL) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
END;

-- Only what changed moves: a trigger each for the counts, a time leaving its bucket, a time entering one.
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
      AND day = date(NEW.created_at, (SELECT utc_offset_minutes FROM ledger_state) || ' minutes')
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id);
END;

CREATE TRIGGER reports_latency_leave AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    UPDATE area_day_latency SET n = n - 1
    WHERE day = date(NEW.created_at, (SELECT utc_offset_minutes FROM ledger_state) || ' minutes')
      AND area_id IN (SELECT ancestor_id FROM area_lineage WHERE area_id = NEW.grid_id)
      AND (phase, bucket) IN (
          SELECT phase, CASE WHEN m < 30 THEN m WHEN m < 180 THEN 30 + (m - 30) / 5
                             WHEN m < 1440 THEN 60 + (m - 180) / 30 WHEN m < 10080 THEN 102 + (m - 1440) / 180
                             ELSE 150 + min((m - 10080) / 1440, 53) END
          FROM (SELECT 'accept' AS phase, max(0, unixepoch(OLD.accepted_at) - unixepoch(OLD.created_at)) / 60 AS m
                  WHERE OLD.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
                UNION ALL
                SELECT 'resolve', max(0, unixepoch(OLD.resolved_at) - unixepoch(OLD.created_at)) / 60
                  WHERE OLD.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at));
END;

CREATE TRIGGER reports_latency_enter AFTER UPDATE OF accepted_at, resolved_at ON reports
WHEN NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
     OR NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at BEGIN
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, date(NEW.created_at, s.utc_offset_minutes || ' minutes'), t.phase,
               CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                    WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                    ELSE 150 + min((t.m - 10080) / 1440, 53) END, 1
        FROM area_lineage l, ledger_state s,
             (SELECT 'accept' AS phase, max(0, unixepoch(NEW.accepted_at) - unixepoch(NEW.created_at)) / 60 AS m
                WHERE NEW.accepted_at IS NOT NULL AND OLD.accepted_at IS NOT NEW.accepted_at
              UNION ALL
              SELECT 'resolve', max(0, unixepoch(NEW.resolved_at) - unixepoch(NEW.created_at)) / 60
                WHERE NEW.resolved_at IS NOT NULL AND OLD.resolved_at IS NOT NEW.resolved_at) t
        WHERE l.area_id = NEW.grid_id
        ON CONFLICT (area_id, day, phase, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_escalated AFTER UPDATE OF level ON reports WHEN NEW.level > OLD.level BEGIN
    INSERT INTO report_escalations (report_id, from_person_id, from_level, to_level)
        VALUES (NEW.id, OLD.assignee_id, OLD.level, NEW.level);
END;

CREATE TRIGGER report_ratings_summary AFTER INSERT ON report_ratings BEGIN
    UPDATE area_day_counts SET rated = rated + 1, rating_sum = rating_sum + NEW.score
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id);
END;

-- A broadcast reached a grid's group (the grid is the last part of the outbox row's ref, run:<run>:<grid>).
CREATE TRIGGER outbox_broadcast_delivered AFTER UPDATE OF status ON outbox
WHEN NEW.status = 'sent' AND OLD.status != 'sent' AND NEW.purpose IN ('broadcast', 'broadcast_pin')
     AND NEW.ref LIKE 'run:%' BEGIN
    INSERT INTO area_day_broadcasts (area_id, day, delivered)
        SELECT l.ancestor_id, date(COALESCE(NEW.sent_at, NEW.created_at), s.utc_offset_minutes || ' minutes'), 1
        FROM area_lineage l, ledger_state s
        WHERE l.area_id = CAST(substr(NEW.ref, 5 + instr(substr(NEW.ref, 5), ':')) AS INTEGER)
        ON CONFLICT (area_id, day) DO UPDATE SET delivered = delivered + 1;
END;

-- ----- the month tables follow the day tables ------------------------------------------------------------------
CREATE TRIGGER area_day_counts_month_insert AFTER INSERT ON area_day_counts BEGIN
    INSERT INTO area_month_counts (area_id, month, kind, created, open, accepted, resolved, high, accept_on_time, accept_late, resolve_on_time, resolve_late, escalated, rated, rating_sum)
        VALUES (NEW.area_id, substr(NEW.day, 1, 7), NEW.kind, NEW.created, NEW.open, NEW.accepted, NEW.resolved, NEW.high, NEW.accept_on_time, NEW.accept_late, NEW.resolve_on_time, NEW.resolve_late, NEW.escalated, NEW.rated, NEW.rating_sum)
        ON CONFLICT (area_id, month, kind) DO UPDATE SET
            created = created + excluded.created,
            open = open + excluded.open,
            accepted = accepted + excluded.accepted,
            resolved = resolved + excluded.resolved,
            high = high + excluded.high,
            accept_on_time = accept_on_time + excluded.accept_on_time,
            accept_late = accept_late + excluded.accept_late,
            resolve_on_time = resolve_on_time + excluded.resolve_on_time,
            resolve_late = resolve_late + excluded.resolve_late,
            escalated = escalated + excluded.escalated,
            rated = rated + excluded.rated,
            rating_sum = rating_sum + excluded.rating_sum;
END;
CREATE TRIGGER area_day_counts_month_update AFTER UPDATE ON area_day_counts BEGIN
    UPDATE area_month_counts SET
        created = created + NEW.created - OLD.created,
        open = open + NEW.open - OLD.open,
        accepted = accepted + NEW.accepted - OLD.accepted,
        resolved = resolved + NEW.resolved - OLD.resolved,
        high = high + NEW.high - OLD.high,
        accept_on_time = accept_on_time + NEW.accept_on_time - OLD.accept_on_time,
        accept_late = accept_late + NEW.accept_late - OLD.accept_late,
        resolve_on_time = resolve_on_time + NEW.resolve_on_time - OLD.resolve_on_time,
        resolve_late = resolve_late + NEW.resolve_late - OLD.resolve_late,
        escalated = escalated + NEW.escalated - OLD.escalated,
        rated = rated + NEW.rated - OLD.rated,
        rating_sum = rating_sum + NEW.rating_sum - OLD.rating_sum
    WHERE area_id = NEW.area_id AND month = substr(NEW.day, 1, 7) AND kind = NEW.kind;
END;
CREATE TRIGGER area_day_latency_month_insert AFTER INSERT ON area_day_latency BEGIN
    INSERT INTO area_month_latency (area_id, month, phase, bucket, n)
        VALUES (NEW.area_id, substr(NEW.day, 1, 7), NEW.phase, NEW.bucket, NEW.n)
        ON CONFLICT (area_id, month, phase, bucket) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER area_day_latency_month_update AFTER UPDATE ON area_day_latency BEGIN
    UPDATE area_month_latency SET n = n + NEW.n - OLD.n
    WHERE area_id = NEW.area_id AND month = substr(NEW.day, 1, 7) AND phase = NEW.phase AND bucket = NEW.bucket;
END;

-- ----- rebuilding every summary from the reports -------------------------------------------------------------
CREATE TRIGGER ledger_rebuild AFTER UPDATE OF utc_offset_minutes, generation ON ledger_state BEGIN
    DELETE FROM area_day_counts;
    DELETE FROM area_day_latency;
    DELETE FROM area_month_counts;
    DELETE FROM area_month_latency;
    DELETE FROM area_day_broadcasts;
    INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high, accept_on_time,
                                 accept_late, resolve_on_time, resolve_late, escalated, rated, rating_sum)
        SELECT l.ancestor_id, g.day, g.kind, sum(g.created), sum(g.open), sum(g.accepted), sum(g.resolved),
               sum(g.high), sum(g.accept_on_time), sum(g.accept_late), sum(g.resolve_on_time), sum(g.resolve_late),
               sum(g.escalated), sum(g.rated), sum(g.rating_sum)
        FROM (SELECT r.grid_id, date(r.created_at, NEW.utc_offset_minutes || ' minutes') AS day, r.kind,
                     count(*) AS created, sum(r.status = 'open') AS open, sum(r.status = 'accepted') AS accepted,
                     sum(r.status = 'resolved') AS resolved, sum(r.priority = 'high') AS high,
                     sum(r.accepted_at IS NOT NULL AND r.accepted_at <= r.accept_due_at) AS accept_on_time,
                     sum(r.accepted_at IS NOT NULL AND r.accepted_at > r.accept_due_at) AS accept_late,
                     sum(r.resolved_at IS NOT NULL AND r.resolved_at <= r.resolve_due_at) AS resolve_on_time,
                     sum(r.resolved_at IS NOT NULL AND r.resolved_at > r.resolve_due_at) AS resolve_late,
                     sum(r.level > 0) AS escalated, count(x.score) AS rated, coalesce(sum(x.score), 0) AS rating_sum
              FROM reports r LEFT JOIN report_ratings x ON x.report_id = r.id
              GROUP BY 1, 2, 3) g
        JOIN area_lineage l ON l.area_id = g.grid_id
        GROUP BY 1, 2, 3;
    INSERT INTO area_day_latency (area_id, day, phase, bucket, n)
        SELECT l.ancestor_id, g.day, g.phase, g.bucket, sum(g.n)
        FROM (SELECT t.grid_id, t.day, t.phase,
                     CASE WHEN t.m < 30 THEN t.m WHEN t.m < 180 THEN 30 + (t.m - 30) / 5
                          WHEN t.m < 1440 THEN 60 + (t.m - 180) / 30 WHEN t.m < 10080 THEN 102 + (t.m - 1440) / 180
                          ELSE 150 + min((t.m - 10080) / 1440, 53) END AS bucket, count(*) AS n
              FROM (SELECT grid_id, date(created_at, NEW.utc_offset_minutes || ' minutes') AS day, 'accept' AS phase,
                           max(0, unixepoch(accepted_at) - unixepoch(created_at)) / 60 AS m
                    FROM reports WHERE accepted_at IS NOT NULL
                    UNION ALL
                    SELECT grid_id, date(created_at, NEW.utc_offset_minutes || ' minutes'), 'resolve',
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

-- Asia/Shanghai, the default timezone; the first change of the generation fills the summaries.
INSERT INTO ledger_state (id, utc_offset_minutes, generation) VALUES (1, 480, 0);
UPDATE ledger_state SET generation = 1;
