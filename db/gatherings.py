"""Gathering applications: their approval, the check on site, and the reminders before it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import inserted
from db.kinds import CheckResult, GatheringStatus, Occasion, ReminderMoment


@dataclass(frozen=True)
class Gathering:
    report_id: int
    grid_id: int
    occasion: Occasion
    starts_at: str
    ends_at: str
    people: int
    approver_level: int
    status: GatheringStatus
    conditions: str | None
    decided_by: int | None
    decided_at: str | None
    checked: CheckResult | None
    checked_by: int | None
    checked_at: str | None
    violation_id: int | None


@dataclass(frozen=True)
class Reminder:
    id: int
    report_id: int
    moment: ReminderMoment
    due_at: str


def _gathering(row: sqlite3.Row) -> Gathering:
    return Gathering(row["report_id"], row["grid_id"], row["occasion"], row["starts_at"], row["ends_at"],
                     row["people"], row["approver_level"], row["status"], row["conditions"], row["decided_by"],
                     row["decided_at"], row["checked"], row["checked_by"], row["checked_at"], row["violation_id"])


def add(conn: sqlite3.Connection, *, report_id: int, grid_id: int, occasion: Occasion, starts_at: str,
        ends_at: str, people: int, approver_level: int) -> None:
    conn.execute("INSERT INTO gatherings (report_id, grid_id, occasion, starts_at, ends_at, people, approver_level)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)", (report_id, grid_id, occasion, starts_at, ends_at, people,
                                                   approver_level))


def get(conn: sqlite3.Connection, report_id: int) -> Gathering | None:
    row = conn.execute("SELECT * FROM gatherings WHERE report_id = ?", (report_id,)).fetchone()
    return _gathering(row) if row else None


def decide(conn: sqlite3.Connection, report_id: int, status: GatheringStatus, *, by: int, now: str,
           conditions: str | None) -> bool:
    """False when the application was already decided."""
    return conn.execute("UPDATE gatherings SET status = ?, conditions = ?, decided_by = ?, decided_at = ?"
                        " WHERE report_id = ? AND status = 'pending'",
                        (status, conditions, by, now, report_id)).rowcount == 1


def check(conn: sqlite3.Connection, report_id: int, result: CheckResult, *, by: int, now: str) -> bool:
    """Record the check on site; False when it was already recorded."""
    return conn.execute("UPDATE gatherings SET checked = ?, checked_by = ?, checked_at = ? WHERE report_id = ?"
                        " AND status = 'approved' AND checked IS NULL", (result, by, now, report_id)).rowcount == 1


def set_violation(conn: sqlite3.Connection, report_id: int, violation_id: int) -> None:
    conn.execute("UPDATE gatherings SET violation_id = ? WHERE report_id = ?", (violation_id, report_id))


def approved_between(conn: sqlite3.Connection, grid_ids: list[int], start: str, end: str) -> list[Gathering]:
    """Approved gatherings of these grids that end after `start` and begin before `end`, soonest first."""
    if not grid_ids:
        return []
    marks = ",".join("?" * len(grid_ids))
    rows = conn.execute(f"SELECT * FROM gatherings WHERE status = 'approved' AND starts_at < ? AND ends_at > ?"
                        f" AND grid_id IN ({marks}) ORDER BY starts_at, report_id", (end, start, *grid_ids))
    return [_gathering(r) for r in rows]


def arm(conn: sqlite3.Connection, report_id: int, moment: ReminderMoment, due_at: str) -> int:
    return inserted(conn.execute("INSERT INTO gathering_reminders (report_id, moment, due_at) VALUES (?, ?, ?)",
                                 (report_id, moment, due_at)))


def due(conn: sqlite3.Connection, now: str, limit: int = 100) -> list[Reminder]:
    rows = conn.execute("SELECT id, report_id, moment, due_at FROM gathering_reminders WHERE state = 'pending'"
                        " AND due_at <= ? ORDER BY due_at, id LIMIT ?", (now, limit))
    return [Reminder(*r) for r in rows]


def claim(conn: sqlite3.Connection, reminder_id: int) -> bool:
    return conn.execute("UPDATE gathering_reminders SET state = 'done' WHERE id = ? AND state = 'pending'",
                        (reminder_id,)).rowcount == 1


def cancel_reminders(conn: sqlite3.Connection, report_id: int) -> None:
    conn.execute("UPDATE gathering_reminders SET state = 'cancelled' WHERE report_id = ? AND state = 'pending'",
                 (report_id,))
