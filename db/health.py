"""What the health check and the metrics read: the outbox backlog, overdue timers, writability."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from db.stamps import epoch_seconds


@dataclass(frozen=True)
class Pending:
    count: int
    oldest_seconds: float | None
    by_priority: dict[int, int] = field(default_factory=dict)


def outbox_pending(conn: sqlite3.Connection, now: str) -> Pending:
    """Waiting messages per priority and the age of the oldest (outbox_pending index: status first)."""
    by_priority = {row[0]: row[1] for row in conn.execute(
        "SELECT priority, count(*) FROM outbox WHERE status = 'pending' GROUP BY priority")}
    oldest = conn.execute("SELECT min(created_at) FROM outbox WHERE status = 'pending'").fetchone()[0]
    age = None if oldest is None else max(0.0, float(epoch_seconds(now) - oldest))    # Unix seconds (0028)
    return Pending(sum(by_priority.values()), age, by_priority)


def overdue_timers(conn: sqlite3.Connection, before: str) -> int:
    """Pending timers that should have fired before `before` (timers_due index)."""
    return int(conn.execute("SELECT count(*) FROM timers WHERE state = 'pending' AND due_at < ?",
                            (before,)).fetchone()[0])


def touch(conn: sqlite3.Connection) -> None:
    """Nothing: run inside `Database.write`, it proves the write lock can be taken and a commit done."""


@dataclass(frozen=True)
class BoundGroup:
    chat_id: int
    title: str
    grid: str


def bound_groups(conn: sqlite3.Connection) -> list[BoundGroup]:
    """Group chats bound to a grid, where the bot should still be."""
    rows = conn.execute("SELECT g.chat_id, g.title, a.code FROM group_chats g JOIN areas a ON a.id = g.area_id"
                        " WHERE g.bot_status = 'member' ORDER BY a.code")
    return [BoundGroup(r[0], r[1], r[2]) for r in rows]


def schema_versions(conn: sqlite3.Connection) -> dict[int, str]:
    """Applied migrations: version → checksum (empty for a database never migrated)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        return {}
    return {r[0]: r[1] for r in conn.execute("SELECT version, checksum FROM schema_version")}
