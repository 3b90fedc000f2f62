"""Broadcasts, their runs, and the groups each run reaches (its deliveries are outbox rows `run:<id>:<grid>`)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from db.core import NotFound, inserted
from db.outbox import BROADCAST
from db.kinds import BroadcastStatus, RunStatus


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_at: str
    created_by: int | None
    audience_id: int
    audience_code: str
    audience_name: str
    template: str | None
    fields: dict[str, Any]
    body: str
    schedule: str
    pin: bool
    status: BroadcastStatus
    next_run_at: str | None


@dataclass(frozen=True)
class Run:
    id: int
    broadcast_id: int
    scheduled_for: str
    status: RunStatus
    total: int
    delivered: int
    failed: int


_SELECT = ("SELECT b.*, a.code AS audience_code, a.name AS audience_name FROM broadcasts b "
           "JOIN areas a ON a.id = b.audience_id")


def _broadcast(row: sqlite3.Row) -> Broadcast:
    return Broadcast(row["id"], row["created_at"], row["created_by"], row["audience_id"], row["audience_code"],
                     row["audience_name"], row["template"], json.loads(row["fields"]), row["body"], row["schedule"],
                     bool(row["pin"]), row["status"], row["next_run_at"])


def create(conn: sqlite3.Connection, now: str, *, created_by: int | None, audience_id: int, template: str | None,
           fields: dict[str, Any], body: str, schedule: str, pin: bool, next_run_at: str) -> int:
    return inserted(conn.execute(
        "INSERT INTO broadcasts (created_at, created_by, audience_id, template, fields, body, schedule, pin, next_run_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (now, created_by, audience_id, template, json.dumps(fields, ensure_ascii=False), body, schedule, int(pin),
         next_run_at)))


def get(conn: sqlite3.Connection, broadcast_id: int) -> Broadcast | None:
    row = conn.execute(_SELECT + " WHERE b.id = ?", (broadcast_id,)).fetchone()
    return _broadcast(row) if row else None


def load(conn: sqlite3.Connection, broadcast_id: int) -> Broadcast:
    broadcast = get(conn, broadcast_id)
    if broadcast is None:
        raise NotFound("broadcast", id=broadcast_id)
    return broadcast


def listed(conn: sqlite3.Connection, include_finished: bool = False) -> list[Broadcast]:
    where = "" if include_finished else " WHERE b.status IN ('active', 'paused')"
    return [_broadcast(r) for r in conn.execute(_SELECT + where + " ORDER BY b.id")]


def due(conn: sqlite3.Connection, now: str) -> list[Broadcast]:
    rows = conn.execute(_SELECT + " WHERE b.status = 'active' AND b.next_run_at <= ? ORDER BY b.next_run_at, b.id",
                        (now,))
    return [_broadcast(r) for r in rows]


def update(conn: sqlite3.Connection, broadcast_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE broadcasts SET {columns} WHERE id = ?", (*fields.values(), broadcast_id))


def start_run(conn: sqlite3.Connection, broadcast_id: int, scheduled_for: str, now: str, *,
              status: RunStatus = "sending") -> int | None:
    """A new run, or None if this occurrence already ran (a run happens once per scheduled time)."""
    cur = conn.execute("INSERT OR IGNORE INTO broadcast_runs (broadcast_id, scheduled_for, started_at, status)"
                       " VALUES (?, ?, ?, ?)", (broadcast_id, scheduled_for, now, status))
    return cur.lastrowid if cur.rowcount == 1 else None


def sending_runs(conn: sqlite3.Connection) -> list[Run]:
    rows = conn.execute("SELECT id, broadcast_id, scheduled_for, status, total, delivered, failed FROM broadcast_runs"
                        " WHERE status = 'sending'")
    return [Run(*r) for r in rows]


def runs_of(conn: sqlite3.Connection, broadcast_id: int) -> list[Run]:
    rows = conn.execute("SELECT id, broadcast_id, scheduled_for, status, total, delivered, failed FROM broadcast_runs"
                        " WHERE broadcast_id = ? ORDER BY id", (broadcast_id,))
    return [Run(*r) for r in rows]


def set_run(conn: sqlite3.Connection, run_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE broadcast_runs SET {columns} WHERE id = ?", (*fields.values(), run_id))


def has_pending(conn: sqlite3.Connection, run_id: int) -> bool:
    """Whether a delivery of the run still waits to be sent; reads the queue up to the first one, not the run."""
    # Through outbox_queue (priority, id), which holds only pending rows: the sender sends a run's rows in id
    # order, so the first pending broadcast row is mostly this run's, and once the run is sent there is none of
    # its rows to walk. Through outbox_ref it would walk the run's sent rows in ref order (not sending order).
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND priority = ?"
                       " AND ref >= ? AND ref < ?)", (BROADCAST, f"run:{run_id}:", f"run:{run_id};")).fetchone()
    return bool(row[0])


def deliveries(conn: sqlite3.Connection, run_id: int) -> list[sqlite3.Row]:
    """One outbox row per group of the run: status, error, chat id, grid id (from the ref)."""
    # A range, not `LIKE 'run:N:%'`: LIKE is case-insensitive, so it cannot use outbox_ref and read the whole
    # outbox once per tick while a run is sending. ';' is the character after ':'.
    rows: list[sqlite3.Row] = conn.execute(
        "SELECT id, chat_id, status, error, ref FROM outbox WHERE ref >= ? AND ref < ? ORDER BY id",
        (f"run:{run_id}:", f"run:{run_id};")).fetchall()
    return rows


def groups_under(conn: sqlite3.Connection, area_id: int) -> list[sqlite3.Row]:
    """Bound group chats of every grid at or below `area_id`: chat_id, grid id, bot status."""
    return conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL SELECT a.id FROM areas a JOIN down ON a.parent_id = down.id) "
        "SELECT g.chat_id, g.area_id, g.bot_status FROM group_chats g JOIN down ON g.area_id = down.id "
        "ORDER BY g.area_id", (area_id,)).fetchall()
