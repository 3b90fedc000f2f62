-- One satisfaction question per resolution. Issue 12's 满意 / 不满意 / skip, asked with the "resolved" notice and
-- kept in `satisfaction`, is the only one: 0010's separate ⭐ rating (report_ratings) is gone, its ratings made
-- answers (3 stars and above satisfied, below not), and the statistics count the answers. The summaries' columns
-- say so: `answered` (满意 or 不满意; a skip is no answer) and `satisfied` (of them, 满意).

-- A rating where the resolution's question is still unanswered answers it; otherwise it becomes an answer of its
-- own (a report resolved before the question existed).
UPDATE satisfaction SET
    answer = (SELECT CASE WHEN x.score >= 3 THEN 'satisfied' ELSE 'unsatisfied' END FROM report_ratings x
              WHERE x.report_id = satisfaction.report_id),
    answered_at = (SELECT x.at FROM report_ratings x WHERE x.report_id = satisfaction.report_id)
WHERE answer IS NULL AND report_id IN (SELECT report_id FROM report_ratings)
  AND id = (SELECT max(s.id) FROM satisfaction s WHERE s.report_id = satisfaction.report_id);
INSERT INTO satisfaction (report_id, user_id, asked_at, answer, answered_at)
    SELECT x.report_id, r.reporter_user, x.at, CASE WHEN x.score >= 3 THEN 'satisfied' ELSE 'unsatisfied' END, x.at
    FROM report_ratings x JOIN reports r ON r.id = x.report_id
    WHERE NOT EXISTS (SELECT 1 FROM satisfaction s WHERE s.report_id = x.report_id
                      AND s.answer IN ('satisfied', 'unsatisfied'));

DROP TRIGGER report_ratings_summary;
DROP TRIGGER ledger_rebuild;
DROP TABLE report_ratings;
ALTER TABLE area_day_counts RENAME COLUMN rated TO answered;
ALTER TABLE area_day_counts RENAME COLUMN rating_sum TO satisfied;
ALTER TABLE area_month_counts RENAME COLUMN rated TO answered;
ALTER TABLE area_month_counts RENAME COLUMN rating_sum TO satisfied;

-- An answer counts on the day its report was made, in every area above its grid, in the same transaction.
CREATE TRIGGER satisfaction_answered AFTER UPDATE OF answer ON satisfaction
WHEN OLD.answer IS NULL AND NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, s.utc_offset_minutes || ' minutes'), r.kind
        FROM reports r, area_lineage l, ledger_state s WHERE r.id = NEW.report_id AND l.area_id = r.grid_id);
END;
CREATE TRIGGER satisfaction_answered_insert AFTER INSERT ON satisfaction
WHEN NEW.answer IN ('satisfied', 'unsatisfied') BEGIN
    UPDATE area_day_counts SET answered = answered + 1, satisfied = satisfied + (NEW.answer = 'satisfied')
    WHERE (area_id, day, kind) IN (
        SELECT l.ancestor_id, date(r.created_at, s.utc_offset_minutes || ' minutes'), r.kind
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

UPDATE ledger_state SET generation = generation + 1;
