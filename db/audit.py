"""The audit log: who did what to which subject, and when."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from db.stamps import epoch_seconds, stamp_of


def record(conn: sqlite3.Connection, now: str, actor_user: int | None, action: str, subject: str = "", **detail: Any) -> None:
    # Without the spaces between items: 2 bytes a key over a year's million entries.
    conn.execute(
        "INSERT INTO audit_log (at, actor_user, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (epoch_seconds(now), actor_user, action, subject,
         json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))),
    )


def count_since(conn: sqlite3.Connection, actor_user: int, action: str, since: str) -> int:
    """How many `action` entries `actor_user` has at or after `since` (index audit_actor)."""
    row = conn.execute("SELECT count(*) FROM audit_log WHERE actor_user = ? AND action = ? AND at >= ?",
                       (actor_user, action, epoch_seconds(since))).fetchone()
    return int(row[0])


def entries(conn: sqlite3.Connection, subject: str | None = None, action: str | None = None) -> list[dict[str, Any]]:
    sql, args = "SELECT * FROM audit_log WHERE 1=1", list[str]()
    if subject is not None:
        sql, args = sql + " AND subject = ?", args + [subject]
    if action is not None:
        sql, args = sql + " AND action = ?", args + [action]
    rows = conn.execute(sql + " ORDER BY id", args).fetchall()
    # `at` is Unix seconds (0027_compact_audit.sql): given back as the stamp it was recorded with.
    return [dict(row) | {"at": stamp_of(row["at"]), "detail": json.loads(row["detail"])} for row in rows]
