"""The ledger's summary tables (kept by the triggers of 0010_ledger.sql): an area's figures for a span of
local days, read from a few rows per day whatever the number of reports below the area."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import Literal

Phase = Literal["accept", "resolve"]
PHASES: tuple[Phase, ...] = ("accept", "resolve")

# The latency buckets, as the migration's triggers compute them from whole minutes: (first minute, width).
_BANDS = ((0, 30, 1), (30, 180, 5), (180, 1440, 30), (1440, 10080, 180), (10080, 10080 + 54 * 1440, 1440))


def bucket_of(seconds: int) -> int:
    """The bucket a latency of `seconds` falls in (the SQL CASE of 0010_ledger.sql, in Python)."""
    minutes = max(0, seconds) // 60
    base = 0
    for start, end, width in _BANDS:
        if minutes < end or end == _BANDS[-1][1]:
            return base + min((minutes - start) // width, (end - start) // width - 1)
        base += (end - start) // width
    raise AssertionError("unreachable")


def bucket_bounds(bucket: int) -> tuple[int, int]:
    """The latencies (seconds, from inclusive, to exclusive) a bucket holds."""
    base = 0
    for start, end, width in _BANDS:
        size = (end - start) // width
        if bucket < base + size:
            first = start + (bucket - base) * width
            return first * 60, (first + width) * 60
        base += size
    raise ValueError(f"no latency bucket {bucket}")


@dataclass(frozen=True)
class KindCounts:
    """One kind's reports made in the span, where they stand now, and how they went."""

    kind: str
    created: int = 0
    open: int = 0
    accepted: int = 0
    resolved: int = 0
    high: int = 0
    accept_on_time: int = 0
    accept_late: int = 0
    resolve_on_time: int = 0
    resolve_late: int = 0
    escalated: int = 0
    rated: int = 0
    rating_sum: int = 0


_COUNTED = [f.name for f in fields(KindCounts) if f.name != "kind"]


def offset(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT utc_offset_minutes FROM ledger_state").fetchone()[0])


def set_offset(conn: sqlite3.Connection, minutes: int) -> bool:
    """Count days at `minutes` east of UTC; True when that changed (the summaries were rebuilt for it)."""
    return conn.execute("UPDATE ledger_state SET utc_offset_minutes = ? WHERE utc_offset_minutes != ?",
                        (minutes, minutes)).rowcount == 1


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every summary from the reports (the migration's trigger does the work)."""
    conn.execute("UPDATE ledger_state SET generation = generation + 1")


def counts(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> list[KindCounts]:
    """Per kind, the reports of the area made on local days `day_from` … `day_to` (YYYY-MM-DD, inclusive)."""
    sums = ", ".join(f"sum({name})" for name in _COUNTED)
    rows = conn.execute(f"SELECT kind, {sums} FROM area_day_counts WHERE area_id = ? AND day BETWEEN ? AND ?"
                        " GROUP BY kind ORDER BY kind", (area_id, day_from, day_to))
    return [KindCounts(row[0], *(int(v) for v in row[1:])) for row in rows]


def created_by_area(conn: sqlite3.Connection, area_ids: list[int], day_from: str, day_to: str) -> dict[int, int]:
    """Reports made in the span under each of `area_ids` (the children of an area, for drilling down)."""
    if not area_ids:
        return {}
    marks = ",".join("?" * len(area_ids))
    rows = conn.execute(f"SELECT area_id, sum(created) FROM area_day_counts WHERE area_id IN ({marks})"
                        " AND day BETWEEN ? AND ? GROUP BY area_id", (*area_ids, day_from, day_to))
    return {area_id: 0 for area_id in area_ids} | {int(r[0]): int(r[1]) for r in rows}


def created_by_day(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str
                   ) -> list[tuple[str, str, int]]:
    """(day, kind, reports made) for each day and kind of the span that has any."""
    rows = conn.execute("SELECT day, kind, created FROM area_day_counts WHERE area_id = ? AND day BETWEEN ? AND ?"
                        " AND created > 0 ORDER BY day, kind", (area_id, day_from, day_to))
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def latencies(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> dict[Phase, list[tuple[int, int]]]:
    """Per phase, (bucket, count) in bucket order, of the reports made in the span."""
    found: dict[Phase, list[tuple[int, int]]] = {phase: [] for phase in PHASES}
    rows = conn.execute("SELECT phase, bucket, sum(n) FROM area_day_latency WHERE area_id = ? AND day BETWEEN ? AND ?"
                        " GROUP BY phase, bucket HAVING sum(n) > 0 ORDER BY phase, bucket",
                        (area_id, day_from, day_to))
    for phase, bucket, n in rows:
        found["accept" if phase == "accept" else "resolve"].append((int(bucket), int(n)))
    return found


def broadcasts_delivered(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> int:
    row = conn.execute("SELECT coalesce(sum(delivered), 0) FROM area_day_broadcasts WHERE area_id = ?"
                       " AND day BETWEEN ? AND ?", (area_id, day_from, day_to)).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class Backlog:
    """What is unresolved in the area now, and how much of it is past its due time."""

    open: int
    overdue: int


def backlog(conn: sqlite3.Connection, area_id: int, now: str) -> Backlog:
    """From the index of unresolved reports, grid by grid (a handful of index entries per grid)."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum((r.status = 'open' AND r.accept_due_at < ?)"
        " OR (r.status = 'accepted' AND r.resolve_due_at < ?)), 0)"
        " FROM area_lineage l JOIN reports r INDEXED BY reports_unresolved ON r.grid_id = l.area_id"
        " WHERE l.ancestor_id = ? AND r.status != 'resolved'", (now, now, area_id)).fetchone()
    return Backlog(int(row[0]), int(row[1]))
