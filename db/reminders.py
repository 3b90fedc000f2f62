"""Test reminders: a batch (who asked, for which grid, where and when) and one row per person reminded."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import inserted
from db.kinds import ReminderSource, ReminderStatus


@dataclass(frozen=True)
class Batch:
    id: int
    grid_id: int
    worker_id: int
    created_by: int | None
    source: ReminderSource
    building: str
    place: str
    at: str
    created_at: str


@dataclass(frozen=True)
class Reminder:
    id: int
    batch_id: int
    user_id: int
    name: str
    phone: str
    address: str
    status: ReminderStatus
    answered_at: str | None


@dataclass(frozen=True)
class Person:
    """Someone to remind, as the batch keeps them."""

    user_id: int
    name: str
    phone: str
    address: str


_BATCH = "SELECT id, grid_id, worker_id, created_by, source, building, place, at, created_at FROM reminder_batches "
_REMINDER = "SELECT id, batch_id, user_id, name, phone, address, status, answered_at FROM reminders "


def create(conn: sqlite3.Connection, *, grid_id: int, worker_id: int, created_by: int | None, source: ReminderSource,
           building: str, place: str, at: str, now: str, people: list[Person]) -> int:
    batch_id = inserted(conn.execute(
        "INSERT INTO reminder_batches (grid_id, worker_id, created_by, source, building, place, at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (grid_id, worker_id, created_by, source, building, place, at, now)))
    conn.executemany("INSERT OR IGNORE INTO reminders (batch_id, user_id, name, phone, address) VALUES (?, ?, ?, ?, ?)",
                     [(batch_id, p.user_id, p.name, p.phone, p.address) for p in people])
    return batch_id


def batch(conn: sqlite3.Connection, batch_id: int) -> Batch | None:
    row = conn.execute(_BATCH + "WHERE id = ?", (batch_id,)).fetchone()
    return Batch(*tuple(row)) if row else None


def of_worker(conn: sqlite3.Connection, person_id: int, limit: int = 5) -> list[Batch]:
    rows = conn.execute(_BATCH + "WHERE worker_id = ? ORDER BY id DESC LIMIT ?", (person_id, limit))
    return [Batch(*tuple(r)) for r in rows]


def reminder(conn: sqlite3.Connection, reminder_id: int) -> Reminder | None:
    row = conn.execute(_REMINDER + "WHERE id = ?", (reminder_id,)).fetchone()
    return Reminder(*tuple(row)) if row else None


def of_batch(conn: sqlite3.Connection, batch_id: int) -> list[Reminder]:
    return [Reminder(*tuple(r)) for r in conn.execute(_REMINDER + "WHERE batch_id = ? ORDER BY id", (batch_id,))]


def set_status(conn: sqlite3.Connection, reminder_id: int, status: ReminderStatus, answered_at: str | None = None
               ) -> None:
    conn.execute("UPDATE reminders SET status = ?, answered_at = COALESCE(?, answered_at) WHERE id = ?",
                 (status, answered_at, reminder_id))
