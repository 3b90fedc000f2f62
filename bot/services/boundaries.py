"""Where grids lie, as the org import brings it: a centre point (`lat,lon` columns of areas.csv) and a boundary
polygon per grid from a GeoJSON file (`gridbot import … --boundaries grids.geojson`): a FeatureCollection whose
features carry the grid's code in `properties.code` (or 编码/网格编码, or the feature's `id`) and a Polygon or
MultiPolygon geometry, coordinates `[lon, lat]` as GeoJSON has them."""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

from bot.services.areas import normalize_code
from bot.services.geo import Polygon, Ring, Shape

CODE_KEYS = ("code", "编码", "区域编码", "网格编码", "代码")
# A problem with the file: (line, message key, context); the features have no line, so line 0 and the context
# says which feature.
Problem = tuple[int, str, dict[str, Any]]


def centre(lat: str, lon: str) -> tuple[float, float] | None:
    """Both empty: None; two numbers within range: the point; raises ValueError for anything else."""
    if not lat.strip() and not lon.strip():
        return None
    point = float(unicodedata.normalize("NFKC", lat)), float(unicodedata.normalize("NFKC", lon))
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ValueError(point)
    return point


def _ring(raw: Any) -> Ring:
    """A GeoJSON ring ([lon, lat] positions) as (lat, lon) points without the closing repeat; ValueError unless
    it has at least three distinct points, all numbers within range."""
    if not isinstance(raw, list):
        raise ValueError(raw)
    points: list[tuple[float, float]] = []
    for position in raw:
        if not isinstance(position, list) or len(position) < 2 \
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2]):
            raise ValueError(position)
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(position)
        points.append((lat, lon))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        raise ValueError(raw)
    return tuple(points)


def shape_of(geometry: Any) -> Shape:
    """A GeoJSON Polygon or MultiPolygon geometry as a Shape; ValueError for anything else."""
    if not isinstance(geometry, dict) or not isinstance(geometry.get("coordinates"), list):
        raise ValueError(geometry)
    kind, coordinates = geometry.get("type"), geometry["coordinates"]
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not polygons:
        raise ValueError(kind)
    shape: list[Polygon] = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValueError(polygon)
        shape.append(tuple(_ring(ring) for ring in polygon))
    return tuple(shape)


def _code(feature: dict[str, Any]) -> str:
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    folded = {str(k).strip().lower(): v for k, v in (props or {}).items()}
    raw = next((folded[k] for k in CODE_KEYS if folded.get(k) not in (None, "")), feature.get("id"))
    return normalize_code(str(raw)) if raw not in (None, "") else ""


def _features(path: Path) -> list[Any]:
    """The file's features; ValueError (with the reason) when it is not a GeoJSON FeatureCollection."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"JSON: {exc.msg}, line {exc.lineno}") from exc
    if isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValueError("not a GeoJSON FeatureCollection")
    return list(data["features"])


def read(path: Path, levels: dict[str, str]) -> tuple[dict[str, Shape], list[Problem]]:
    """Each grid's boundary from the file, checked against `levels` (every area code known, in the database or
    the areas file, with its level): the shapes by grid code, and the problems (all of them, to list at once)."""
    if not path.is_file():
        return {}, [(0, "file_not_found", {})]
    try:
        features = _features(path)
    except ValueError as exc:
        return {}, [(0, "boundary_file", {"reason": str(exc)})]
    shapes: dict[str, Shape] = {}
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        code = _code(feature) if isinstance(feature, dict) else ""
        where = {"feature": number, "code": code}
        if not code:
            problems.append((0, "boundary_no_code", where))
        elif code not in levels:
            problems.append((0, "boundary_unknown_grid", where))
        elif levels[code] != "grid":
            problems.append((0, "boundary_not_grid", where | {"level": levels[code]}))
        elif code in first:
            problems.append((0, "boundary_duplicate", where | {"first": first[code]}))
        else:
            first[code] = number
            try:
                shapes[code] = shape_of(feature.get("geometry"))
            except ValueError:
                problems.append((0, "boundary_bad_shape", where))
    return shapes, problems
