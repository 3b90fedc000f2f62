"""Timers live in the database: a restart neither loses nor fires one twice."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import inserted
from db.kinds import TimerKind


@dataclass(frozen=True)
class Timer:
    id: int
    kind: TimerKind
    report_id: int | None
    step: int
    due_at: str


def arm(conn: sqlite3.Connection, kind: TimerKind, report_id: int | None, due_at: str, step: int = 0) -> int:
    return inserted(conn.execute("INSERT INTO timers (kind, report_id, step, due_at) VALUES (?, ?, ?, ?)",
                        (kind, report_id, step, due_at)))


def due(conn: sqlite3.Connection, now: str, limit: int = 100) -> list[Timer]:
    rows = conn.execute("SELECT id, kind, report_id, step, due_at FROM timers WHERE state = 'pending' AND due_at <= ?"
                        " ORDER BY due_at, id LIMIT ?", (now, limit))
    return [Timer(*r) for r in rows]


def claim(conn: sqlite3.Connection, timer_id: int) -> bool:
    """Mark a timer fired; False if it already was (or was cancelled)."""
    return conn.execute("UPDATE timers SET state = 'done' WHERE id = ? AND state = 'pending'", (timer_id,)).rowcount == 1


def cancel(conn: sqlite3.Connection, report_id: int, kind: TimerKind | None = None) -> None:
    if kind is None:
        conn.execute("UPDATE timers SET state = 'cancelled' WHERE report_id = ? AND state = 'pending'", (report_id,))
    else:
        conn.execute("UPDATE timers SET state = 'cancelled' WHERE report_id = ? AND kind = ? AND state = 'pending'",
                     (report_id, kind))


def pending_for(conn: sqlite3.Connection, report_id: int) -> list[Timer]:
    rows = conn.execute("SELECT id, kind, report_id, step, due_at FROM timers WHERE report_id = ? AND state = 'pending'",
                        (report_id,))
    return [Timer(*r) for r in rows]
