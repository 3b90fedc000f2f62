-- Issue 10, a year of data: the hot indexes hold only the rows their queries look for. After a year the outbox
-- holds millions of sent messages and the timers table millions of fired or cancelled timers; indexes over
-- every row of them cost space (≈ 180 MB at 1M reports) and a write each, for lookups that only ever want the
-- pending few. The same queries use these (db/plans.py checks the plans).

-- The sender's queue (db.outbox.pending: pending rows, most urgent first, then oldest) and the health check's
-- count by priority.
DROP INDEX outbox_pending;
CREATE INDEX outbox_queue ON outbox(priority, id) WHERE status = 'pending';

-- A broadcast run's deliveries (db.broadcasts.deliveries: a range of ref); only broadcast rows carry a ref.
DROP INDEX outbox_ref;
CREATE INDEX outbox_ref ON outbox(ref) WHERE ref IS NOT NULL;

-- The tick's due timers (db.timers.due: pending, by due time, then id).
DROP INDEX timers_due;
CREATE INDEX timers_due ON timers(due_at) WHERE state = 'pending';
