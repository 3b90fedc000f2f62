"""Slices of long lists for paging: one page's ids and the whole list's size, each by an index."""

from __future__ import annotations

import sqlite3


def open_for_assignee(conn: sqlite3.Connection, person_id: int, *, offset: int, limit: int) -> list[int]:
    """Ids of a person's unresolved reports, oldest first (the order of /tasks)."""
    rows = conn.execute("SELECT id FROM reports WHERE assignee_id = ? AND status != 'resolved'"
                        " ORDER BY created_at, id LIMIT ? OFFSET ?", (person_id, limit, offset))
    return [r[0] for r in rows]


def count_open_for_assignee(conn: sqlite3.Connection, person_id: int) -> int:
    return int(conn.execute("SELECT count(*) FROM reports WHERE assignee_id = ? AND status != 'resolved'",
                            (person_id,)).fetchone()[0])


def of_reporter(conn: sqlite3.Connection, user_id: int, *, offset: int, limit: int) -> list[int]:
    """Ids of the reports a Telegram user filed, newest first (the order of /my)."""
    # `!= 0`: the reporter index leaves out erased reports (reporter 0); the planner uses it only when told.
    rows = conn.execute("SELECT id FROM reports WHERE reporter_user = ? AND reporter_user != 0"
                        " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", (user_id, limit, offset))
    return [r[0] for r in rows]


def count_of_reporter(conn: sqlite3.Connection, user_id: int) -> int:
    return int(conn.execute("SELECT count(*) FROM reports WHERE reporter_user = ? AND reporter_user != 0",
                            (user_id,)).fetchone()[0])
