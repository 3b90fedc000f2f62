"""The ledger's summary tables (kept by the triggers of 0010_ledger.sql): an area's figures for a span of
local days, read from a few rows per day whatever the number of reports below the area."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import date, timedelta

from db.kinds import LatencyPhase
from db.stamps import epoch_seconds

Phase = LatencyPhase
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
    answered: int = 0                   # residents who answered 满意 or 不满意
    satisfied: int = 0                  # of them, 满意


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


def spans(day_from: str, day_to: str) -> list[tuple[str, str, str]]:
    """A span of days as (table, first, last): whole calendar months read from the month tables, the days
    before and after them from the day tables — a year is twelve rows per area and kind, not 365."""
    first, last = date.fromisoformat(day_from), date.fromisoformat(day_to)
    month_start = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    month_end = (last + timedelta(days=1)).replace(day=1) - timedelta(days=1)
    if month_start > month_end:
        return [("day", day_from, day_to)]
    out = [("month", f"{month_start:%Y-%m}", f"{month_end:%Y-%m}")]
    if first < month_start:
        out.append(("day", day_from, (month_start - timedelta(days=1)).isoformat()))
    if month_end < last:
        out.append(("day", (month_end + timedelta(days=1)).isoformat(), day_to))
    return out


def counts(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> list[KindCounts]:
    """Per kind, the reports of the area made on local days `day_from` … `day_to` (YYYY-MM-DD, inclusive): those of
    the areas below from the summaries, the area's own (a grid's) from the reports (0032_counts_below.sql)."""
    sums = ", ".join(f"sum({name})" for name in _COUNTED)
    found: dict[str, list[int]] = {}
    for table, first, last in spans(day_from, day_to):
        rows = conn.execute(f"SELECT kind, {sums} FROM area_{table}_counts WHERE area_id = ?"
                            f" AND {table} BETWEEN ? AND ? GROUP BY kind", (area_id, first, last))
        for row in rows:
            so_far = found.setdefault(row[0], [0] * len(_COUNTED))
            found[row[0]] = [a + int(b) for a, b in zip(so_far, row[1:])]
    for row in conn.execute(OWN_COUNTS, (area_id, *own_range(conn, day_from, day_to))):
        so_far = found.setdefault(row[0], [0] * len(_COUNTED))
        found[row[0]] = [a + int(b) for a, b in zip(so_far, row[1:])]
    return [KindCounts(kind, *values) for kind, values in sorted(found.items())]


# An area's own reports of a span counted as the summaries count them (the triggers of 0032_counts_below.sql), in
# the order of KindCounts' fields; their answers through satisfaction_report, report by report.
OWN_COUNTS = (
    "SELECT r.kind, count(*), sum(r.status = 'open'), sum(r.status = 'accepted'), sum(r.status = 'resolved'),"
    " sum(r.priority = 'high'), sum(r.accepted_at IS NOT NULL AND r.accepted_at <= r.accept_due_at),"
    " sum(r.accepted_at IS NOT NULL AND r.accepted_at > r.accept_due_at),"
    " sum(r.resolved_at IS NOT NULL AND r.resolved_at <= r.resolve_due_at),"
    " sum(r.resolved_at IS NOT NULL AND r.resolved_at > r.resolve_due_at), sum(r.level > 0),"
    " sum((SELECT count(*) FROM satisfaction x WHERE x.report_id = r.id AND x.answer IN ('satisfied', 'unsatisfied'))),"
    " sum((SELECT count(*) FROM satisfaction x WHERE x.report_id = r.id AND x.answer = 'satisfied'))"
    " FROM reports r WHERE r.grid_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY r.kind")


def own_range(conn: sqlite3.Connection, day_from: str, day_to: str) -> tuple[int, int]:
    """Local days `day_from` … `day_to` as a range of Unix seconds [since, until): the summaries' day of a report,
    date(created_at + offset), falls in the span exactly when its created_at falls in the range."""
    shift = offset(conn) * 60
    return (latency_key("day", day_from) * 86400 - shift, (latency_key("day", day_to) + 1) * 86400 - shift)


def created_by_area(conn: sqlite3.Connection, area_ids: list[int], day_from: str, day_to: str) -> dict[int, int]:
    """Reports made in the span under each of `area_ids` (the children of an area, for drilling down)."""
    found = {area_id: 0 for area_id in area_ids}
    if not area_ids:
        return found
    marks = ",".join("?" * len(area_ids))
    for table, first, last in spans(day_from, day_to):
        rows = conn.execute(f"SELECT area_id, sum(created) FROM area_{table}_counts WHERE area_id IN ({marks})"
                            f" AND {table} BETWEEN ? AND ? GROUP BY area_id", (*area_ids, first, last))
        for area_id, created in rows:
            found[int(area_id)] += int(created)
    rows = conn.execute(f"SELECT grid_id, count(*) FROM reports WHERE grid_id IN ({marks}) AND created_at >= ?"
                        " AND created_at < ? GROUP BY grid_id", (*area_ids, *own_range(conn, day_from, day_to)))
    for area_id, created in rows:
        found[int(area_id)] += int(created)
    return found


def created_by_day(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str
                   ) -> list[tuple[str, str, int]]:
    """(day, kind, reports made) for each day and kind of the span that has any."""
    found: dict[tuple[str, str], int] = {}
    rows = conn.execute("SELECT day, kind, created FROM area_day_counts WHERE area_id = ? AND day BETWEEN ? AND ?"
                        " AND created > 0", (area_id, day_from, day_to)).fetchall()
    rows += conn.execute("SELECT date(created_at, 'unixepoch', ?), kind, count(*) FROM reports WHERE grid_id = ?"
                         " AND created_at >= ? AND created_at < ? GROUP BY 1, 2",
                         (f"{offset(conn)} minutes", area_id, *own_range(conn, day_from, day_to))).fetchall()
    for day, kind, created in rows:
        found[(str(day), str(kind))] = found.get((str(day), str(kind)), 0) + int(created)
    return [(day, kind, created) for (day, kind), created in sorted(found.items())]


EPOCH = date(1970, 1, 1).toordinal()


def latency_key(table: str, value: str) -> int:
    """How the latency tables (0023_lean_year.sql) hold a local day (days since 1970-01-01) or month (YYYYMM)."""
    return date.fromisoformat(value).toordinal() - EPOCH if table == "day" else int(value.replace("-", ""))


def latencies(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> dict[Phase, list[tuple[int, int]]]:
    """Per phase, (bucket, count) in bucket order, of the reports made in the span: those of the areas two or more
    levels below from the summaries, the area's own and its children's from the reports (0030_latency_below.sql)."""
    summed: dict[tuple[int, int], int] = {}
    for table, first, last in spans(day_from, day_to):
        rows = conn.execute(f"SELECT phase, bucket, sum(n) FROM area_{table}_latency WHERE area_id = ?"
                            f" AND {table} BETWEEN ? AND ? GROUP BY phase, bucket",
                            (area_id, latency_key(table, first), latency_key(table, last)))
        for phase, bucket, n in rows:
            summed[(int(phase), int(bucket))] = summed.get((int(phase), int(bucket)), 0) + int(n)
    for phase, seconds in _near_latencies(conn, area_id, day_from, day_to):
        key = (phase, bucket_of(seconds))
        summed[key] = summed.get(key, 0) + 1
    found: dict[Phase, list[tuple[int, int]]] = {phase: [] for phase in PHASES}
    for (phase, bucket), n in sorted(summed.items()):
        if n > 0:
            found[PHASES[phase]].append((bucket, n))
    return found


def _near_latencies(conn: sqlite3.Connection, area_id: int, day_from: str, day_to: str) -> list[tuple[int, int]]:
    """(phase, seconds) of each acceptance and resolution of the reports made in the span in `area_id` itself or in
    one of its children (a community's year: a few thousand reports, a grid at a time through reports_grid)."""
    rows = conn.execute("SELECT accepted_at - created_at, resolved_at - created_at FROM reports"
                        " WHERE grid_id IN (SELECT ? UNION ALL SELECT id FROM areas WHERE parent_id = ?)"
                        " AND created_at >= ? AND created_at < ? AND (accepted_at IS NOT NULL OR resolved_at IS NOT NULL)",
                        (area_id, area_id, *own_range(conn, day_from, day_to)))
    return [(phase, int(seconds)) for row in rows for phase, seconds in enumerate(row) if seconds is not None]


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
    at = epoch_seconds(now)
    row = conn.execute(
        "SELECT count(*), coalesce(sum((r.status = 'open' AND r.accept_due_at < ?)"
        " OR (r.status = 'accepted' AND r.resolve_due_at < ?)), 0)"
        " FROM area_lineage l JOIN reports r INDEXED BY reports_unresolved ON r.grid_id = l.area_id"
        " WHERE l.ancestor_id = ? AND r.status != 'resolved'", (at, at, area_id)).fetchone()
    return Backlog(int(row[0]), int(row[1]))
