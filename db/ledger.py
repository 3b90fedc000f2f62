"""The ledger's reads: an area's reports for export (streamed), its open work for staff, the month's rows for
assessment, and whether one area lies within another (the lineage table of 0010_ledger.sql)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, Literal

from db.areas import Area
from db.kinds import DigestStatus
from db.stamps import epoch_seconds, stamp_sql

FETCH = 500
EXPORT_BATCH = 1000                   # reports read per query by `export_rows` (fewer, bigger reads cost less)


def within(conn: sqlite3.Connection, area_id: int, scope_id: int) -> bool:
    """`area_id` is `scope_id` or lies below it (one primary-key lookup)."""
    return conn.execute("SELECT 1 FROM area_lineage WHERE area_id = ? AND ancestor_id = ?",
                        (area_id, scope_id)).fetchone() is not None


def children(conn: sqlite3.Connection, area_id: int) -> list[Area]:
    rows = conn.execute("SELECT id, code, name, level, parent_id FROM areas WHERE parent_id = ? ORDER BY code",
                        (area_id,))
    return [Area(*row) for row in rows]


@dataclass(frozen=True)
class Filters:
    """Which reports of an area: kind, status, and made between two UTC stamps (from inclusive, to exclusive)."""

    kind: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None


_EXPORT = (
    "SELECT r.id, r.number, r.kind, r.priority, r.status, r.on_behalf, r.details, r.level, r.outcome, r.assignee_id,"
    " r.grid_id,"
    # On time: 1 or 0 once done, 0 when overdue and not done, NULL while it still may be (?1: now, Unix seconds).
    " CASE WHEN r.accepted_at IS NOT NULL THEN r.accepted_at <= r.accept_due_at WHEN r.accept_due_at < ?1 THEN 0"
    " END AS accept_on_time,"
    " CASE WHEN r.resolved_at IS NOT NULL THEN r.resolved_at <= r.resolve_due_at WHEN r.resolve_due_at < ?1 THEN 0"
    " END AS resolve_on_time{times} FROM reports r WHERE r.id IN ({ids})")
TIMES = ("created", "accepted", "resolved")
# The report's times (stored as Unix seconds), made here in C rather than per row in Python: as they are (`_ts`: the
# CSV's, made local text per local hour by the caller; a sheet's when the zone's offset changes over the year) or,
# when the zone keeps one offset all year, as a sheet's local day numbers (`_days`: days since 1899-12-30, the time
# of day its fraction; 1970-01-01 is day 25569), as text ('' for none: SQLite writes a number as text several times
# faster than Python's repr).
_TIME_SQL = {
    "ts": "r.{name}_at AS {name}_ts",
    "days": "ifnull(CAST((r.{name}_at + {offset}) / 86400.0 + 25569 AS TEXT), '') AS {name}_days"}
TimeForm = Literal["ts", "days"]
_PLACES = ("SELECT g.id, g.code, g.name, c.name, t.name FROM area_lineage l JOIN areas g ON g.id = l.area_id"
           " LEFT JOIN areas c ON c.id = g.parent_id LEFT JOIN areas t ON t.id = c.parent_id"
           " WHERE l.ancestor_id = ? AND g.level = 'grid' ORDER BY g.code")


def _seconds(stamp: str | None) -> int | None:
    return None if stamp is None else epoch_seconds(stamp)


def _where(filters: Filters) -> tuple[str, list[object]]:
    sql, args = "", list[object]()
    for column, op, value in (("r.kind", "=", filters.kind), ("r.status", "=", filters.status),
                              ("r.created_at", ">=", _seconds(filters.since)),
                              ("r.created_at", "<", _seconds(filters.until))):
        if value is not None:
            sql += f" AND {column} {op} ?"
            args.append(value)
    return sql, args


def _months(first: int, last: int) -> Iterator[tuple[int, int]]:
    """[first, last) in calendar-month (UTC) windows of Unix seconds."""
    start = first
    while start < last:
        moment = datetime.fromtimestamp(start, timezone.utc)
        following = int(datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1,
                                 tzinfo=timezone.utc).timestamp())
        yield start, min(following, last)
        start = following


@dataclass(frozen=True)
class ExportRows:
    """The area's reports as plain rows (`names` their columns) in batches, with the names of their places (grid
    id → grid code, grid, community, town) and of the people they are assigned to, looked up once."""

    names: list[str]
    batches: Iterator[list[Sequence[Any]]]
    places: dict[int, tuple[str, str, str, str]]
    people: dict[int, str]


def export_rows(conn: sqlite3.Connection, area_id: int, filters: Filters, *, now: str, times: TimeForm = "ts",
                offset_seconds: int = 0) -> ExportRows:
    """The area's reports matching `filters`, oldest first, with their on-time flags as of `now` and their times
    in the form `times` asks (`offset_seconds`: the zone's fixed offset, for "days").

    Month by month, the reports' ids come from the grid index alone (no row read), sorted, and the rows are
    then read in id order — the table's own order — a few hundred at a time: the pages holding an area's rows,
    scattered among every other area's, are each read once, in order. Memory holds one month's ids, whatever
    the number of rows."""
    places = {int(r[0]): (str(r[1]), str(r[2]), r[3] or "", r[4] or "") for r in conn.execute(_PLACES, (area_id,))}
    people = {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, name FROM people")}
    where, args = _where(Filters(filters.kind, filters.status))
    local = "".join(", " + _TIME_SQL[times].format(name=name, offset=int(offset_seconds)) for name in TIMES)
    at = epoch_seconds(now)
    names = [d[0] for d in conn.execute(_EXPORT.format(ids="NULL", times=local) + where + " LIMIT 0",
                                        (at, *args)).description]
    bounds = conn.execute("SELECT min(r.created_at), max(r.created_at) FROM area_lineage l JOIN reports r"
                          " ON r.grid_id = l.area_id WHERE l.ancestor_id = ?", (area_id,)).fetchone()
    start, end = _seconds(filters.since), _seconds(filters.until)
    first = bounds[0] if start is None or bounds[0] is None else max(start, bounds[0])
    last = None if bounds[1] is None else bounds[1] + 1 if end is None else min(end, bounds[1] + 1)

    def batches() -> Iterator[list[Sequence[Any]]]:
        for since, until in _months(first, last) if first is not None and last is not None else ():
            ids = sorted(map(itemgetter(0), conn.execute(
                "SELECT r.id FROM area_lineage l JOIN reports r ON r.grid_id = l.area_id WHERE l.ancestor_id = ?"
                " AND r.created_at >= ? AND r.created_at < ?", (area_id, since, until))))
            for start in range(0, len(ids), EXPORT_BATCH):
                batch = ids[start:start + EXPORT_BATCH]
                # The plain ? after ?1 number on from 2, in order: the ids, then the filters'.
                found = conn.execute(_EXPORT.format(ids=",".join("?" * len(batch)), times=local) + where
                                     + " ORDER BY r.id", (at, *batch, *args)).fetchall()
                if found:
                    yield found
    return ExportRows(names, batches(), places, people)


def count_rows(conn: sqlite3.Connection, area_id: int, filters: Filters) -> int:
    where, args = _where(filters)
    row = conn.execute("SELECT count(*) FROM area_lineage l JOIN reports r ON r.grid_id = l.area_id"
                       " WHERE l.ancestor_id = ?" + where, (area_id, *args)).fetchone()
    return int(row[0])


@dataclass(frozen=True)
class OpenItem:
    id: int
    number: str
    kind: str
    status: str
    priority: str
    grid_code: str
    created_at: str
    due_at: str
    assignee: str | None


def open_in_area(conn: sqlite3.Connection, area_id: int, *, limit: int, offset: int) -> tuple[int, list[OpenItem]]:
    """(how many, one page of) the area's unresolved reports, oldest first."""
    base = (" FROM area_lineage l JOIN reports r INDEXED BY reports_unresolved ON r.grid_id = l.area_id"
            " WHERE l.ancestor_id = ? AND r.status != 'resolved'")
    total = int(conn.execute("SELECT count(*)" + base, (area_id,)).fetchone()[0])
    due = stamp_sql("CASE r.status WHEN 'open' THEN r.accept_due_at ELSE r.resolve_due_at END")
    rows = conn.execute(
        f"SELECT r.id, r.number, r.kind, r.status, r.priority, g.code, {stamp_sql('r.created_at')}, {due}, p.name"
        " FROM (SELECT r.id" + base + " ORDER BY r.created_at, r.id LIMIT ? OFFSET ?) page"
        " JOIN reports r ON r.id = page.id JOIN areas g ON g.id = r.grid_id"
        " LEFT JOIN people p ON p.id = r.assignee_id ORDER BY r.created_at, r.id", (area_id, limit, offset))
    return total, [OpenItem(*row) for row in rows]


@dataclass(frozen=True)
class WorkRow:
    """One report made in the month, as assessment reads it."""

    grid_id: int
    assignee_id: int | None
    status: str
    created_at: str
    accepted_at: str | None
    resolved_at: str | None
    accept_due_at: str
    resolve_due_at: str
    answered: int                         # residents' answers 满意 or 不满意 to its resolutions
    satisfied: int                        # of them, 满意


def work_rows(conn: sqlite3.Connection, area_id: int, since: str, until: str) -> Iterator[WorkRow]:
    rows = conn.execute(
        "SELECT r.grid_id, r.assignee_id, r.status, "
        + ", ".join(stamp_sql("r." + name) for name in ("created_at", "accepted_at", "resolved_at", "accept_due_at",
                                                        "resolve_due_at"))
        + ", count(x.id), coalesce(sum(x.answer = 'satisfied'), 0)"
        " FROM area_lineage l JOIN reports r ON r.grid_id = l.area_id"
        " LEFT JOIN satisfaction x ON x.report_id = r.id AND x.answer IN ('satisfied', 'unsatisfied')"
        " WHERE l.ancestor_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY r.id",
        (area_id, epoch_seconds(since), epoch_seconds(until)))
    while batch := rows.fetchmany(FETCH):
        yield from (WorkRow(*row) for row in batch)


def escalated_away(conn: sqlite3.Connection, area_id: int, since: str, until: str) -> dict[int, int]:
    """Per person, reports made in the span that went up a level while theirs."""
    rows = conn.execute(
        "SELECT e.from_person_id, count(DISTINCT e.report_id) FROM area_lineage l"
        " JOIN reports r ON r.grid_id = l.area_id JOIN report_escalations e ON e.report_id = r.id"
        " WHERE l.ancestor_id = ? AND r.created_at >= ? AND r.created_at < ? AND e.from_person_id IS NOT NULL"
        " GROUP BY e.from_person_id", (area_id, epoch_seconds(since), epoch_seconds(until)))
    return {int(r[0]): int(r[1]) for r in rows}


@dataclass(frozen=True)
class StaffRow:
    person_id: int
    name: str
    role: str
    grid_id: int
    grid_code: str
    grid_name: str


def grid_staff(conn: sqlite3.Connection, area_id: int) -> list[StaffRow]:
    """Grid leaders and workers of every grid in the area."""
    rows = conn.execute(
        "SELECT p.id, p.name, ro.role, a.id, a.code, a.name FROM area_lineage l JOIN areas a ON a.id = l.area_id"
        " JOIN roles ro ON ro.area_id = a.id JOIN people p ON p.id = ro.person_id"
        " WHERE l.ancestor_id = ? AND a.level = 'grid' AND ro.role IN ('grid_leader', 'grid_worker')"
        " ORDER BY a.code, ro.role, p.id", (area_id,))
    return [StaffRow(*row) for row in rows]


def grids_in(conn: sqlite3.Connection, area_id: int) -> list[Area]:
    rows = conn.execute("SELECT a.id, a.code, a.name, a.level, a.parent_id FROM area_lineage l"
                        " JOIN areas a ON a.id = l.area_id WHERE l.ancestor_id = ? AND a.level = 'grid'"
                        " ORDER BY a.code", (area_id,))
    return [Area(*row) for row in rows]


def people_names(conn: sqlite3.Connection, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    return {int(r[0]): str(r[1]) for r in conn.execute(f"SELECT id, name FROM people WHERE id IN ({marks})",
                                                       person_ids)}


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    area_id: int


def digest_recipients(conn: sqlite3.Connection) -> list[Recipient]:
    """Grid leaders and admins who can be messaged, with each area they lead."""
    rows = conn.execute(
        "SELECT DISTINCT p.id, p.telegram_user_id, r.area_id FROM roles r JOIN people p ON p.id = r.person_id"
        " WHERE r.role IN ('grid_leader', 'community_admin', 'town_admin', 'city_admin')"
        " AND p.telegram_user_id IS NOT NULL AND p.unreachable_at IS NULL ORDER BY p.id, r.area_id")
    return [Recipient(*row) for row in rows]


def start_digest(conn: sqlite3.Connection, scheduled_for: str, first: str, last: str, now: str) -> int | None:
    """The run of one scheduled digest, once: None when it was started before."""
    cursor = conn.execute("INSERT OR IGNORE INTO digest_runs (scheduled_for, period_from, period_to, started_at)"
                          " VALUES (?, ?, ?, ?)", (scheduled_for, first, last, now))
    return cursor.lastrowid if cursor.rowcount == 1 else None


def digest_started(conn: sqlite3.Connection, scheduled_for: str) -> bool:
    return conn.execute("SELECT 1 FROM digest_runs WHERE scheduled_for = ?", (scheduled_for,)).fetchone() is not None


def add_digest_deliveries(conn: sqlite3.Connection, run_id: int, recipients: list[Recipient]) -> None:
    conn.executemany("INSERT OR IGNORE INTO digest_deliveries (run_id, person_id, area_id, chat_id) VALUES (?, ?, ?, ?)",
                     [(run_id, r.person_id, r.area_id, r.chat_id) for r in recipients])


@dataclass(frozen=True)
class DigestDelivery:
    id: int
    run_id: int
    person_id: int
    area_id: int
    chat_id: int
    attempts: int
    period_from: str
    period_to: str


def pending_digests(conn: sqlite3.Connection, limit: int) -> list[DigestDelivery]:
    rows = conn.execute(
        "SELECT d.id, d.run_id, d.person_id, d.area_id, d.chat_id, d.attempts, r.period_from, r.period_to"
        " FROM digest_deliveries d INDEXED BY digest_deliveries_pending JOIN digest_runs r ON r.id = d.run_id"
        " WHERE d.status = 'pending' ORDER BY d.id LIMIT ?", (limit,))
    return [DigestDelivery(*row) for row in rows]


def settle_digest(conn: sqlite3.Connection, delivery_id: int, status: DigestStatus, error: str | None, now: str) -> None:
    conn.execute("UPDATE digest_deliveries SET status = ?, error = ?, attempts = attempts + 1,"
                 " sent_at = CASE WHEN ? = 'sent' THEN ? END WHERE id = ?", (status, error, status, now, delivery_id))
