-- Issue 10, a year in well under a gigabyte: every query of a person's reports asks for the unresolved ones (their
-- tasks, their counts for routing: db/reports.py, db/listing.py), so the index on the assignee holds only those —
-- not the year's million resolved reports (≈ 20 MB at a million). Each query says `status != 'resolved'` so that
-- the planner may use it.
DROP INDEX reports_assignee;
CREATE INDEX reports_assignee ON reports(assignee_id, status) WHERE status != 'resolved';
