-- Retention (PIPL): when a resolved report's personal details were erased, and the index that finds the next ones.

ALTER TABLE reports ADD COLUMN erased_at TEXT;
CREATE INDEX reports_erasable ON reports(resolved_at) WHERE status = 'resolved' AND erased_at IS NULL;
