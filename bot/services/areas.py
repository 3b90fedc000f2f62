"""Finding an area by the code a person typed (`bx0101`, `ＢＸ０１０１` and ` BX0101 ` all mean BX0101), and the
grid a shared place lies in."""

from __future__ import annotations

import math
import sqlite3
import unicodedata

from bot.services import geo
from db import areas as areas_db
from db import places
from db.areas import Area

ECHO_LIMIT = 40


def normalize_code(raw: str) -> str:
    """The canonical spelling of an area code: full-width folded (NFKC), trimmed, upper case."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


def find_area(conn: sqlite3.Connection, raw: str) -> Area | None:
    """The area whose code `raw` spells; codes stored in lower case by an older import are found too."""
    folded = unicodedata.normalize("NFKC", raw).strip()
    if not folded:
        return None
    return areas_db.by_code(conn, folded.upper()) or areas_db.by_code(conn, folded) \
        or areas_db.by_code(conn, folded.lower())


def first_grid_code(conn: sqlite3.Connection) -> str | None:
    """A real grid code of this city, for examples in prompts (`/bind G0101`)."""
    return areas_db.first_code(conn, "grid")


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """What a person typed, shortened for quoting back: nothing they send may make a reply too long."""
    return text if len(text) <= limit else text[:limit] + "…"


def grid_at(conn: sqlite3.Connection, point: geo.Point, max_km: float) -> geo.Match | None:
    """The grid whose boundary holds the point, else the nearest grid within `max_km` (to its boundary, or to its
    centre point when it has none); None when no grid is that near (or none has a place)."""
    margin = max_km / geo.KM_PER_DEGREE
    lon_margin = margin / max(math.cos(math.radians(point[0])), 0.01)
    shapes = {b.code: geo.from_json(b.shape)
              for b in places.boundaries_near(conn, point[0], point[1], margin, lon_margin)}
    grids = [geo.GridPlace(c.code, (c.lat, c.lon), shapes.pop(c.code, None)) for c in places.grid_centres(conn)]
    grids += [geo.GridPlace(code, None, shape) for code, shape in shapes.items()]
    return geo.match(point, grids, max_km)
