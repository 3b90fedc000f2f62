"""Where things are: the grids within an area, and the centre points grids may have."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    lat: float
    lon: float


def grids_within(conn: sqlite3.Connection, area_id: int) -> list[int]:
    """The ids of the grids that are `area_id` or lie below it."""
    rows = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL SELECT a.id FROM areas a JOIN down ON a.parent_id = down.id)"
        " SELECT areas.id FROM down JOIN areas ON areas.id = down.id WHERE areas.level = 'grid' ORDER BY areas.id",
        (area_id,))
    return [int(r[0]) for r in rows]


def grid_centres(conn: sqlite3.Connection) -> list[Centre]:
    """Grids with a centre point (index areas_centre)."""
    rows = conn.execute("SELECT code, name, lat, lon FROM areas WHERE level = 'grid' AND lat IS NOT NULL"
                        " AND lon IS NOT NULL ORDER BY code")
    return [Centre(r[0], r[1], float(r[2]), float(r[3])) for r in rows]


def set_centre(conn: sqlite3.Connection, code: str, lat: float | None, lon: float | None) -> None:
    conn.execute("UPDATE areas SET lat = ?, lon = ? WHERE code = ?", (lat, lon, code))
