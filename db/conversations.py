"""Conversations in progress, kept in the database so that they survive a restart."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def get(conn: sqlite3.Connection, user_id: int) -> tuple[dict[str, Any], str] | None:
    row = conn.execute("SELECT state, updated_at FROM conversations WHERE user_id = ?", (user_id,)).fetchone()
    return (json.loads(row[0]), row[1]) if row else None


def put(conn: sqlite3.Connection, user_id: int, state: dict[str, Any], now: str) -> None:
    conn.execute("INSERT INTO conversations (user_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(user_id) "
                 "DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                 (user_id, json.dumps(state, ensure_ascii=False), now))


def drop(conn: sqlite3.Connection, user_id: int) -> None:
    conn.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
