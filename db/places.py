"""Where things are: the grids within an area, the centre points grids may have, and their boundaries."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Centre:
    code: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Boundary:
    code: str
    shape: str                      # JSON: polygons of rings of [lat, lon] (bot.services.boundaries reads it)


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


def set_boundary(conn: sqlite3.Connection, code: str, shape: str, box: tuple[float, float, float, float]) -> None:
    """Keep (or replace) the grid's boundary; `box` is (min lat, max lat, min lon, max lon) around it."""
    conn.execute(
        "INSERT INTO grid_boundaries (area_id, shape, min_lat, max_lat, min_lon, max_lon)"
        " SELECT id, ?, ?, ?, ?, ? FROM areas WHERE code = ?"
        " ON CONFLICT (area_id) DO UPDATE SET shape = excluded.shape, min_lat = excluded.min_lat,"
        " max_lat = excluded.max_lat, min_lon = excluded.min_lon, max_lon = excluded.max_lon",
        (shape, *box, code))


def boundaries_near(conn: sqlite3.Connection, lat: float, lon: float, lat_margin: float, lon_margin: float
                    ) -> list[Boundary]:
    """The grids whose boundary's box comes within the margins (degrees) of the point (index grid_boundaries_box)."""
    rows = conn.execute(
        "SELECT a.code, b.shape FROM grid_boundaries b JOIN areas a ON a.id = b.area_id"
        " WHERE b.min_lat <= ? AND b.max_lat >= ? AND b.min_lon <= ? AND b.max_lon >= ? ORDER BY a.code",
        (lat + lat_margin, lat - lat_margin, lon + lon_margin, lon - lon_margin))
    return [Boundary(r[0], r[1]) for r in rows]
