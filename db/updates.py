"""Telegram update ids already handled, so that a redelivered update does nothing twice."""

from __future__ import annotations

import sqlite3


def claim(conn: sqlite3.Connection, update_id: int, now: str) -> bool:
    """True the first time an update id is seen."""
    cur = conn.execute("INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)", (update_id, now))
    return cur.rowcount == 1


def forget_before(conn: sqlite3.Connection, before: str) -> int:
    return conn.execute("DELETE FROM processed_updates WHERE at < ?", (before,)).rowcount
