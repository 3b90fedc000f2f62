"""Follow-up visits after a report is resolved, and residents' satisfaction with a resolution."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from db.core import inserted
from db.kinds import SatisfactionAnswer, VisitStatus


@dataclass(frozen=True)
class Visit:
    id: int
    report_id: int
    worker_id: int | None
    days: int
    due_at: str
    status: VisitStatus
    created_at: str
    done_at: str | None
    done_by: int | None


@dataclass(frozen=True)
class Ask:
    """A resident asked whether they are satisfied with a resolution."""

    id: int
    report_id: int
    user_id: int
    asked_at: str
    answer: SatisfactionAnswer | None
    answered_at: str | None


_VISIT = "SELECT id, report_id, worker_id, days, due_at, status, created_at, done_at, done_by FROM visits "


def create(conn: sqlite3.Connection, *, report_id: int, worker_id: int | None, days: int, due_at: str, now: str) -> int:
    return inserted(conn.execute("INSERT INTO visits (report_id, worker_id, days, due_at, created_at)"
                                 " VALUES (?, ?, ?, ?, ?)", (report_id, worker_id, days, due_at, now)))


def get(conn: sqlite3.Connection, visit_id: int) -> Visit | None:
    row = conn.execute(_VISIT + "WHERE id = ?", (visit_id,)).fetchone()
    return Visit(*tuple(row)) if row else None


def of_report(conn: sqlite3.Connection, report_id: int) -> list[Visit]:
    return [Visit(*tuple(r)) for r in conn.execute(_VISIT + "WHERE report_id = ? ORDER BY id", (report_id,))]


def update(conn: sqlite3.Connection, visit_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE visits SET {columns} WHERE id = ?", (*fields.values(), visit_id))


def ask(conn: sqlite3.Connection, report_id: int, user_id: int, now: str) -> int:
    return inserted(conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at) VALUES (?, ?, ?)",
                                 (report_id, user_id, now)))


def asked(conn: sqlite3.Connection, ask_id: int) -> Ask | None:
    row = conn.execute("SELECT id, report_id, user_id, asked_at, answer, answered_at FROM satisfaction WHERE id = ?",
                       (ask_id,)).fetchone()
    return Ask(*tuple(row)) if row else None


def answered(conn: sqlite3.Connection, report_id: int) -> list[Ask]:
    rows = conn.execute("SELECT id, report_id, user_id, asked_at, answer, answered_at FROM satisfaction"
                        " WHERE report_id = ? ORDER BY id", (report_id,))
    return [Ask(*tuple(r)) for r in rows]


def set_answer(conn: sqlite3.Connection, ask_id: int, answer: SatisfactionAnswer, now: str) -> bool:
    """False when it was answered already (a second press)."""
    return conn.execute("UPDATE satisfaction SET answer = ?, answered_at = ? WHERE id = ? AND answer IS NULL",
                        (answer, now, ask_id)).rowcount == 1
