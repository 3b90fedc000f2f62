"""The service tasks' queries that run per press, per tick and per list find their rows through an index: none
scans a table that grows with use (the same rule as db/plans.py for the report loop's)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable

from db import campaigns, households, reminders, tasks, visits
from db.core import apply_migrations
from db.plans import statements

NOW = "2026-01-01T00:00:00+00:00"
GROWING = {"timers", "households", "monitorings", "checkins", "reminder_batches", "reminders",
           "campaign_households", "visits", "satisfaction", "reports"}
ALIASES = {"d": "campaign_households", "h": "households"}          # as db/campaigns.py names them
HOT: dict[str, Callable[[sqlite3.Connection], Any]] = {
    "tasks.arm": lambda c: tasks.arm(c, "checkin", 1, NOW),
    "tasks.cancel": lambda c: tasks.cancel(c, 1, "checkin", "monitor_end"),
    "tasks.pending": lambda c: tasks.pending(c, 1, "checkin"),
    "tasks.task_of": lambda c: tasks.task_of(c, 1),
    "tasks.monitoring": lambda c: tasks.monitoring(c, 1),
    "tasks.latest_monitoring": lambda c: tasks.latest_monitoring(c, 1),
    "tasks.active_in_grid": lambda c: tasks.active_in_grid(c, 1),
    "tasks.add_checkin": lambda c: tasks.add_checkin(c, 1, "2026-01-01", NOW),
    "tasks.checkin": lambda c: tasks.checkin(c, 1),
    "tasks.checkins_of": lambda c: tasks.checkins_of(c, 1),
    "tasks.update_checkin": lambda c: tasks.update_checkin(c, 1, status="answered"),
    "households.by_key": lambda c: households.by_key(c, 1, "3", "2", "401"),
    "households.in_grid": lambda c: households.in_grid(c, 1),
    "households.in_building": lambda c: households.in_grid(c, 1, "3"),
    "households.user_by_phone": lambda c: households.user_by_phone(c, "13900000000"),
    "households.count_in": lambda c: households.count_in(c, [1, 2]),
    "reminders.of_worker": lambda c: reminders.of_worker(c, 1),
    "reminders.of_batch": lambda c: reminders.of_batch(c, 1),
    "reminders.reminder": lambda c: reminders.reminder(c, 1),
    "campaigns.doors_of_worker": lambda c: campaigns.doors(c, 1, worker_id=1),
    "campaigns.doors_by_id": lambda c: campaigns.doors(c, 1, ids=(1, 2)),
    "campaigns.door": lambda c: campaigns.door(c, 1),
    "campaigns.workers": lambda c: campaigns.workers(c, 1),
    "campaigns.tallies": lambda c: campaigns.tallies(c, 1),
    "visits.get": lambda c: visits.get(c, 1),
    "visits.of_report": lambda c: visits.of_report(c, 1),
    "visits.answered": lambda c: visits.answered(c, 1),
    "visits.set_answer": lambda c: visits.set_answer(c, 1, "satisfied", NOW),
}


def test_every_hot_task_query_uses_an_index(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plans.sqlite3")
    apply_migrations(conn)
    scans = []
    for name, sql, parameters in statements(conn, HOT):
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql, parameters):
            detail = str(row[3])
            if detail.startswith("SCAN") and ALIASES.get(detail.split()[1], detail.split()[1]) in GROWING:
                scans.append(f"{name}: {detail}")
    assert scans == []
