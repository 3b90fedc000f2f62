"""Households (住户): one per grid + building + unit + room."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import inserted
from db.kinds import HouseholdSource


@dataclass(frozen=True)
class Household:
    id: int
    grid_id: int
    building: str
    unit: str
    room: str
    head_name: str
    phone: str
    telegram_user_id: int | None
    source: HouseholdSource
    report_id: int | None

    @property
    def address(self) -> str:
        """Building, unit and room as people write them (3-2-401)."""
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


_SELECT = ("SELECT id, grid_id, building, unit, room, head_name, phone, telegram_user_id, source, report_id"
           " FROM households ")


def _household(row: sqlite3.Row | None) -> Household | None:
    return Household(*tuple(row)) if row else None


def by_id(conn: sqlite3.Connection, household_id: int) -> Household | None:
    return _household(conn.execute(_SELECT + "WHERE id = ?", (household_id,)).fetchone())


def by_key(conn: sqlite3.Connection, grid_id: int, building: str, unit: str, room: str) -> Household | None:
    return _household(conn.execute(_SELECT + "WHERE grid_id = ? AND building = ? AND unit = ? AND room = ?",
                                   (grid_id, building, unit, room)).fetchone())


def upsert(conn: sqlite3.Connection, *, grid_id: int, building: str, unit: str, room: str, head_name: str,
           phone: str, telegram_user_id: int | None, now: str, source: HouseholdSource = "import",
           report_id: int | None = None) -> tuple[int, str]:
    """Insert or update by grid + building + unit + room; a Telegram id left empty keeps the stored one.
    Returns (id, 'created' | 'updated' | 'unchanged')."""
    old = by_key(conn, grid_id, building, unit, room)
    if old is None:
        return inserted(conn.execute(
            "INSERT INTO households (grid_id, building, unit, room, head_name, phone, telegram_user_id, source,"
            " report_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (grid_id, building, unit, room, head_name, phone, telegram_user_id, source, report_id, now, now))), \
            "created"
    user = telegram_user_id if telegram_user_id is not None else old.telegram_user_id
    # `updated_at` is when a list or an arrival last vouched for the household (retention counts from it); an
    # import takes over one an arrival added, which then no longer follows that arrival's erasure.
    kept = "import" if source == "import" else old.source
    conn.execute("UPDATE households SET head_name = ?, phone = ?, telegram_user_id = ?, source = ?, updated_at = ?"
                 " WHERE id = ?", (head_name, phone, user, kept, now, old.id))
    same = (old.head_name, old.phone, old.telegram_user_id) == (head_name, phone, user)
    return old.id, "unchanged" if same else "updated"


def in_grid(conn: sqlite3.Connection, grid_id: int, building: str | None = None) -> list[Household]:
    """A grid's households (one building's, when given), in building, unit, room order."""
    if building is None:
        rows = conn.execute(_SELECT + "WHERE grid_id = ? ORDER BY building, unit, room", (grid_id,))
    else:
        rows = conn.execute(_SELECT + "WHERE grid_id = ? AND building = ? ORDER BY unit, room", (grid_id, building))
    return [Household(*tuple(r)) for r in rows]


def buildings(conn: sqlite3.Connection, grid_id: int) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT building FROM households WHERE grid_id = ? ORDER BY building",
                                       (grid_id,))]


def user_by_phone(conn: sqlite3.Connection, phone: str) -> int | None:
    """The Telegram id a household with this phone gave, if any."""
    row = conn.execute("SELECT telegram_user_id FROM households WHERE phone = ? AND phone != ''"
                       " AND telegram_user_id IS NOT NULL LIMIT 1", (phone,)).fetchone()
    return int(row[0]) if row else None


def count_in(conn: sqlite3.Connection, grid_ids: list[int]) -> int:
    if not grid_ids:
        return 0
    row = conn.execute(f"SELECT count(*) FROM households WHERE grid_id IN ({','.join('?' * len(grid_ids))})",
                       grid_ids).fetchone()
    return int(row[0])
