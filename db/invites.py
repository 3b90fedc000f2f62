"""Single-use invite codes that link a Telegram account to a person from the staff list."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Invite:
    code: str
    person_id: int
    expires_at: str
    used_at: str | None
    used_by: int | None


@dataclass(frozen=True)
class PendingInvite:
    code: str
    expires_at: str
    name: str
    roles: str          # "G0101:grid_worker,G0102:volunteer"


def get(conn: sqlite3.Connection, code: str) -> Invite | None:
    row = conn.execute("SELECT code, person_id, expires_at, used_at, used_by FROM invites WHERE code = ?", (code,)).fetchone()
    return Invite(*row) if row else None


def live_code(conn: sqlite3.Connection, person_id: int, now: str) -> str | None:
    row = conn.execute(
        "SELECT code FROM invites WHERE person_id = ? AND used_at IS NULL AND expires_at > ? ORDER BY expires_at DESC",
        (person_id, now),
    ).fetchone()
    return row[0] if row else None


def create(conn: sqlite3.Connection, code: str, person_id: int, now: str, expires_at: str) -> None:
    conn.execute(
        "INSERT INTO invites (code, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (code, person_id, now, expires_at),
    )


def mark_used(conn: sqlite3.Connection, code: str, user_id: int, now: str) -> bool:
    """Claim the code; False if someone else claimed it first."""
    cur = conn.execute(
        "UPDATE invites SET used_at = ?, used_by = ? WHERE code = ? AND used_at IS NULL", (now, user_id, code)
    )
    return cur.rowcount == 1


def pending(conn: sqlite3.Connection, now: str) -> list[PendingInvite]:
    """Live invites of people not yet linked to Telegram."""
    rows = conn.execute(
        "SELECT i.code, i.expires_at, p.name, "
        " (SELECT group_concat(a.code || ':' || r.role, ',') FROM roles r JOIN areas a ON a.id = r.area_id "
        "  WHERE r.person_id = p.id) "
        "FROM invites i JOIN people p ON p.id = i.person_id "
        "WHERE i.used_at IS NULL AND i.expires_at > ? AND p.telegram_user_id IS NULL ORDER BY p.name, i.code",
        (now,),
    )
    return [PendingInvite(r[0], r[1], r[2], r[3] or "") for r in rows]
