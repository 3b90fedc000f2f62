"""Which grid a shared place lies in: inside a grid's boundary polygon, else the grid nearest to it (its boundary,
or its centre point when it has no boundary) within a distance. Pure functions: the callers read the grids."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Sequence

# A point is (lat, lon); a ring is closed or not (the last edge back to the first point is implied); a polygon is
# its outer ring then its holes; a shape is one or more polygons (GeoJSON's Polygon and MultiPolygon).
Point = tuple[float, float]
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]
Shape = tuple[Polygon, ...]

EARTH_KM = 6371.0
KM_PER_DEGREE = EARTH_KM * math.pi / 180


@dataclass(frozen=True)
class GridPlace:
    """A grid as far as places go: its centre point and its boundary, either may be missing."""

    code: str
    centre: Point | None = None
    shape: Shape | None = None


@dataclass(frozen=True)
class Match:
    code: str
    km: float                   # 0 when the place lies inside the grid's boundary
    inside: bool


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return EARTH_KM * 2 * math.asin(math.sqrt(min(h, 1.0)))


def _in_ring(ring: Ring, lat: float, lon: float) -> bool:
    """Even-odd rule: a ray from the point eastwards crosses the ring's edges an odd number of times."""
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, ring[1:] + ring[:1]):
        if (lat1 > lat) != (lat2 > lat) and lon < lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1):
            inside = not inside
    return inside


def contains(shape: Shape, point: Point) -> bool:
    """The point lies in one of the shape's polygons: inside its outer ring and in none of its holes."""
    lat, lon = point
    return any(_in_ring(polygon[0], lat, lon) and not any(_in_ring(hole, lat, lon) for hole in polygon[1:])
               for polygon in shape if polygon)


def _to_segment_km(point: Point, a: Point, b: Point) -> float:
    # Over a few kilometres the sphere is flat enough: project around the point (x east, y north, in km).
    scale = math.cos(math.radians(point[0]))
    ax, ay = (a[1] - point[1]) * scale * KM_PER_DEGREE, (a[0] - point[0]) * KM_PER_DEGREE
    bx, by = (b[1] - point[1]) * scale * KM_PER_DEGREE, (b[0] - point[0]) * KM_PER_DEGREE
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


def boundary_km(shape: Shape, point: Point) -> float:
    """How far the point is from the shape: 0 inside it, else the distance to its nearest edge."""
    if contains(shape, point):
        return 0.0
    return min((_to_segment_km(point, a, b) for polygon in shape for ring in polygon
                for a, b in zip(ring, ring[1:] + ring[:1])), default=math.inf)


def _km(grid: GridPlace, point: Point) -> float | None:
    if grid.shape is not None:
        return boundary_km(grid.shape, point)
    return distance_km(point, grid.centre) if grid.centre is not None else None


def match(point: Point, grids: Sequence[GridPlace], max_km: float) -> Match | None:
    """The grid whose boundary holds the point (the first by code where boundaries overlap); else the nearest
    grid within `max_km`, measured to its boundary, or to its centre when it has none; else None."""
    ordered = sorted(grids, key=lambda g: g.code)
    for grid in ordered:
        if grid.shape is not None and contains(grid.shape, point):
            return Match(grid.code, 0.0, True)
    near = sorted((km, g.code) for g in ordered if (km := _km(g, point)) is not None)
    if not near or near[0][0] > max_km:
        return None
    return Match(near[0][1], near[0][0], False)


def to_json(shape: Shape) -> str:
    """The shape as stored: polygons of rings of [lat, lon]."""
    return json.dumps([[[list(p) for p in ring] for ring in polygon] for polygon in shape])


def from_json(text: str) -> Shape:
    return tuple(tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon)
                 for polygon in json.loads(text))


def box(shape: Shape) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of the outer rings."""
    points = [p for polygon in shape for p in polygon[0]]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats), max(lats), min(lons), max(lons)
