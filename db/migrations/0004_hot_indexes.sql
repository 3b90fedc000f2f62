-- Indexes for the queries that run per update, per tick and per send, measured at a year of data
-- (db/plans.py lists those queries; tests/test_db_plans.py fails on a full scan of a growing table).

-- Accept, resolve and transfer cancel or list a report's pending timers; only pending ones are looked up.
CREATE INDEX timers_pending_report ON timers(report_id) WHERE state = 'pending';

-- The tick looks for runs still sending; the runs of a year's daily broadcasts stay in the table.
CREATE INDEX broadcast_runs_sending ON broadcast_runs(status) WHERE status = 'sending';

-- Housekeeping finds the sent or failed rows whose body is past outbox_keep_days; once cleared a row
-- leaves this index, so it holds only the bodies still kept.
CREATE INDEX outbox_bodies ON outbox(created_at) WHERE text != '';
