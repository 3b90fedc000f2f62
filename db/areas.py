"""The area tree: city → town → community → grid."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import NotFound
from db.kinds import AreaLevel


@dataclass(frozen=True)
class Area:
    id: int
    code: str
    name: str
    level: AreaLevel
    parent_id: int | None


def _area(row: sqlite3.Row) -> Area:
    return Area(row["id"], row["code"], row["name"], row["level"], row["parent_id"])


def by_code(conn: sqlite3.Connection, code: str) -> Area | None:
    row = conn.execute("SELECT * FROM areas WHERE code = ?", (code,)).fetchone()
    return _area(row) if row else None


def by_id(conn: sqlite3.Connection, area_id: int) -> Area | None:
    row = conn.execute("SELECT * FROM areas WHERE id = ?", (area_id,)).fetchone()
    return _area(row) if row else None


def load(conn: sqlite3.Connection, area_id: int) -> Area:
    """The area, which must exist (a foreign key points at it)."""
    area = by_id(conn, area_id)
    if area is None:
        raise NotFound("area", id=area_id)
    return area


def levels_by_code(conn: sqlite3.Connection) -> dict[str, str]:
    return {row["code"]: row["level"] for row in conn.execute("SELECT code, level FROM areas")}


def ids_and_levels_by_code(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Every area's id and level by its code (an import checks whole files against it)."""
    return {row["code"]: (int(row["id"]), str(row["level"]))
            for row in conn.execute("SELECT code, id, level FROM areas")}


def ancestors(conn: sqlite3.Connection, area_id: int) -> list[Area]:
    """The area itself, then its parent, up to the city."""
    rows = conn.execute(
        "WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION ALL "
        " SELECT a.parent_id, up.depth + 1 FROM areas a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL) "
        "SELECT areas.* FROM up JOIN areas ON areas.id = up.id ORDER BY up.depth",
        (area_id,),
    ).fetchall()
    return [_area(row) for row in rows]


def upsert(conn: sqlite3.Connection, code: str, *, name: str, level: AreaLevel, parent_code: str | None, now: str
           ) -> str:
    """Insert or update one area; return 'created', 'updated' or 'unchanged'."""
    parent_id = None
    if parent_code:
        parent_id = conn.execute("SELECT id FROM areas WHERE code = ?", (parent_code,)).fetchone()[0]
    old = by_code(conn, code)
    if old is None:
        conn.execute(
            "INSERT INTO areas (code, name, level, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (code, name, level, parent_id, now, now),
        )
        return "created"
    if (old.name, old.level, old.parent_id) == (name, level, parent_id):
        return "unchanged"
    conn.execute(
        "UPDATE areas SET name = ?, level = ?, parent_id = ?, updated_at = ? WHERE id = ?",
        (name, level, parent_id, now, old.id),
    )
    return "updated"


def within(conn: sqlite3.Connection, area_id: int, scope_id: int) -> bool:
    """True when `area_id` is `scope_id` or lies below it."""
    return any(a.id == scope_id for a in ancestors(conn, area_id))


def first_code(conn: sqlite3.Connection, level: AreaLevel) -> str | None:
    """The code that comes first among the areas of `level` (what `children(conn, None, level)[0]` would give)."""
    row = conn.execute("SELECT code FROM areas WHERE level = ? ORDER BY code LIMIT 1", (level,)).fetchone()
    return str(row[0]) if row else None


def children(conn: sqlite3.Connection, parent_id: int | None, level: AreaLevel) -> list[Area]:
    if parent_id is None:
        rows = conn.execute("SELECT * FROM areas WHERE level = ? ORDER BY code", (level,))
    else:
        rows = conn.execute("SELECT * FROM areas WHERE parent_id = ? AND level = ? ORDER BY code", (parent_id, level))
    return [_area(r) for r in rows]
