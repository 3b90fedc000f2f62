"""The audit log: who did what to which subject, and when."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def record(conn: sqlite3.Connection, now: str, actor_user: int | None, action: str, subject: str = "", **detail: Any) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, actor_user, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (now, actor_user, action, subject, json.dumps(detail, ensure_ascii=False, sort_keys=True)),
    )


def count_since(conn: sqlite3.Connection, actor_user: int, action: str, since: str) -> int:
    """How many `action` entries `actor_user` has at or after `since` (index audit_actor)."""
    row = conn.execute("SELECT count(*) FROM audit_log WHERE actor_user = ? AND action = ? AND at >= ?",
                       (actor_user, action, since)).fetchone()
    return int(row[0])


def entries(conn: sqlite3.Connection, subject: str | None = None, action: str | None = None) -> list[dict[str, Any]]:
    sql, args = "SELECT * FROM audit_log WHERE 1=1", list[str]()
    if subject is not None:
        sql, args = sql + " AND subject = ?", args + [subject]
    if action is not None:
        sql, args = sql + " AND action = ?", args + [action]
    rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    return [dict(row) | {"detail": json.loads(row["detail"])} for row in rows]
