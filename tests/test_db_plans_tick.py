"""The per-tick question "has this broadcast run anything left to send?" walks the queue's partial index (pending
rows only) of the broadcast priority and stops at the first row: it reads none of the run's sent deliveries."""

from __future__ import annotations

import sqlite3

from db import plans
from db.core import apply_migrations


def test_the_pending_check_of_a_run_walks_the_queue() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn)
    assert "broadcasts.has_pending" in plans.PER_TICK
    ran = [(sql, parameters) for name, sql, parameters in plans.statements(conn, {"broadcasts.has_pending":
                                                                               plans.PER_TICK["broadcasts.has_pending"]})]
    assert len(ran) == 1
    sql, parameters = ran[0]
    assert "EXISTS" in sql.upper()
    details = [str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql, parameters)]
    assert any("USING INDEX outbox_queue (priority=?)" in d for d in details), details
    assert plans.problems(conn, "broadcasts.has_pending", sql, parameters) == []
