"""The query-plan check covers the service work of issues 11–13 and the paged lists (db/plans_services.py): each
of their per-update and per-tick queries finds its rows through an index, and the check fails on a full scan of
one of their growing tables. The indexes migration 0022 made partial are walked, not scanned."""

from __future__ import annotations

import sqlite3

from db import plans, plans_services
from db.core import apply_migrations


def migrated() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn)
    return conn


def test_the_service_queries_are_among_the_hot_ones_and_use_indexes() -> None:
    assert set(plans_services.PER_UPDATE) <= set(plans.PER_UPDATE)
    assert set(plans_services.PER_TICK) <= set(plans.PER_TICK)
    assert {"listing.open_for_assignee", "listing.of_reporter", "ledger.pending_digests", "gatherings.due",
            "tasks.task_of", "reminders.of_batch", "campaigns.doors_by_id"} <= set(plans.HOT)
    assert plans_services.GROWING <= plans.GROWING
    conn = migrated()
    ran = {name for name, _, _ in plans.statements(conn)}
    assert ran == set(plans.HOT)
    assert plans.check(conn) == []


def test_a_missing_index_on_a_service_table_fails_the_check() -> None:
    conn = migrated()
    conn.execute("DROP INDEX reminder_batches_worker")
    conn.execute("DROP INDEX monitorings_active_grid")
    flagged = {problem.split(":", 1)[0] for problem in plans.check(conn)}
    assert {"reminders.of_worker", "tasks.active_in_grid"} <= flagged


def test_the_queue_and_due_timers_walk_partial_indexes() -> None:
    conn = migrated()
    partial = {row[1] for table in ("outbox", "timers") for row in conn.execute(f"PRAGMA index_list({table})")
               if row[4]}
    assert {"outbox_queue", "outbox_ref", "timers_due"} <= partial
    pending = "SELECT * FROM outbox WHERE status = 'pending' ORDER BY priority, id LIMIT ?"
    assert plans.problems(conn, "pending", pending, (10,)) == []
    conn.execute("DROP INDEX outbox_queue")           # without it the queue is read from the whole outbox
    assert plans.problems(conn, "pending", pending, (10,)) != []
