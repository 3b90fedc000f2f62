"""Reports (the ledger's rows) and their history."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from db.core import NotFound, inserted
from db.kinds import OPEN_STATUSES, EscalationLevel, Priority, ReportKind, ReportStatus
from db.stamps import epoch_seconds, stamp_of


@dataclass(frozen=True)
class Report:
    id: int
    number: str
    grid_id: int
    kind: ReportKind
    priority: Priority
    status: ReportStatus
    reporter_user: int
    on_behalf: bool
    details: dict[str, Any]
    assignee_id: int | None
    level: EscalationLevel
    outcome: str | None
    created_at: str
    accepted_at: str | None
    resolved_at: str | None
    accept_due_at: str
    resolve_due_at: str


@dataclass(frozen=True)
class Event:
    at: str
    actor_user: int | None
    action: str
    detail: dict[str, Any]


# A report's times are kept as Unix seconds (0026_report_times.sql) and handed out and taken as stamps: every
# query comparing them with a time converts it with `epoch_seconds` (a number sorts before any text in SQLite).
TIMES = frozenset({"created_at", "accepted_at", "resolved_at", "accept_due_at", "resolve_due_at", "erased_at"})


def _report(row: sqlite3.Row) -> Report:
    accepted, resolved = row["accepted_at"], row["resolved_at"]
    return Report(row["id"], row["number"], row["grid_id"], row["kind"], row["priority"], row["status"],
                  row["reporter_user"], bool(row["on_behalf"]), json.loads(row["details"]), row["assignee_id"],
                  row["level"], row["outcome"], stamp_of(row["created_at"]),
                  None if accepted is None else stamp_of(accepted), None if resolved is None else stamp_of(resolved),
                  stamp_of(row["accept_due_at"]), stamp_of(row["resolve_due_at"]))


def next_number(conn: sqlite3.Connection, grid_id: int, grid_code: str, day: str) -> str:
    """`<grid>-<YYYYMMDD>-<NNNN>`, counted per grid and local day."""
    row = conn.execute(
        "INSERT INTO report_counters (grid_id, day, last) VALUES (?, ?, 1) ON CONFLICT(grid_id, day) "
        "DO UPDATE SET last = last + 1 RETURNING last", (grid_id, day)).fetchone()
    return f"{grid_code}-{day}-{row[0]:04d}"


def forget_counters(conn: sqlite3.Connection, before_day: str) -> int:
    """Number counters of local days before `before_day` (YYYYMMDD). One statement: the table is keyed by grid
    first, so batches would each scan it; it holds two or three days' rows once this has run (the first run on an
    old database deletes a year's, ≈ 0.5 million, once)."""
    return conn.execute("DELETE FROM report_counters WHERE day < ?", (before_day,)).rowcount


def create(conn: sqlite3.Connection, *, number: str, grid_id: int, kind: ReportKind, priority: Priority,
           reporter_user: int, on_behalf: bool, details: dict[str, Any], now: str, accept_due_at: str,
           resolve_due_at: str) -> int:
    return inserted(conn.execute(
        "INSERT INTO reports (number, grid_id, kind, priority, reporter_user, on_behalf, details, created_at,"
        " accept_due_at, resolve_due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (number, grid_id, kind, priority, reporter_user, int(on_behalf), compact_json(details), epoch_seconds(now),
         epoch_seconds(accept_due_at), epoch_seconds(resolve_due_at))))


def get(conn: sqlite3.Connection, report_id: int) -> Report | None:
    row = conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
    return _report(row) if row else None


def load(conn: sqlite3.Connection, report_id: int) -> Report:
    """The report, which must exist (the caller just made it, or holds a foreign key to it)."""
    report = get(conn, report_id)
    if report is None:
        raise NotFound("report", id=report_id)
    return report


def by_number(conn: sqlite3.Connection, number: str) -> Report | None:
    row = conn.execute("SELECT * FROM reports WHERE number = ?", (number,)).fetchone()
    return _report(row) if row else None


def update(conn: sqlite3.Connection, report_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    values = (epoch_seconds(v) if k in TIMES and v is not None else v for k, v in fields.items())
    conn.execute(f"UPDATE reports SET {columns} WHERE id = ?", (*values, report_id))


def add_event(conn: sqlite3.Connection, report_id: int, now: str, actor_user: int | None, action: str,
              **detail: Any) -> None:
    # The history is kept compact (0024_compact_history.sql, 0029_history_actions.sql): numbered within its report,
    # the time in Unix seconds, the action as its number in report_actions (named there the first time it is
    # written), the detail as JSON without spaces, an empty detail as NULL. The next number is a lookup in the
    # table's own key.
    conn.execute("INSERT INTO report_actions (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (action,))
    conn.execute("INSERT INTO report_events (report_id, seq, at, actor_user, action, detail)"
                 " SELECT ?, coalesce(max(seq), 0) + 1, ?, ?, (SELECT id FROM report_actions WHERE name = ?), ?"
                 " FROM report_events WHERE report_id = ?",
                 (report_id, epoch_seconds(now), actor_user, action, compact_json(detail) if detail else None,
                  report_id))


def compact_json(value: dict[str, Any]) -> str:
    """JSON as the big tables store it: without the spaces between items (2 bytes a key; json.loads reads it the
    same)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def events(conn: sqlite3.Connection, report_id: int) -> list[Event]:
    rows = conn.execute("SELECT e.at, e.actor_user, a.name, e.detail FROM report_events e"
                        " JOIN report_actions a ON a.id = e.action WHERE e.report_id = ? ORDER BY e.seq", (report_id,))
    return [Event(stamp_of(r[0]), r[1], r[2], json.loads(r[3]) if r[3] else {}) for r in rows]


def open_for_assignee(conn: sqlite3.Connection, person_id: int) -> list[Report]:
    # reports_assignee holds only unresolved reports (0031): `!= 'resolved'` lets the planner use it.
    rows = conn.execute("SELECT * FROM reports WHERE assignee_id = ? AND status IN (?, ?) AND status != 'resolved'"
                        " ORDER BY created_at, id", (person_id, *OPEN_STATUSES))
    return [_report(r) for r in rows]


def open_counts(conn: sqlite3.Connection, person_ids: list[int]) -> dict[int, int]:
    if not person_ids:
        return {}
    marks = ",".join("?" * len(person_ids))
    rows = conn.execute(f"SELECT assignee_id, count(*) FROM reports WHERE status IN (?, ?) AND status != 'resolved'"
                        f" AND assignee_id IN ({marks}) GROUP BY assignee_id", (*OPEN_STATUSES, *person_ids))
    return {pid: 0 for pid in person_ids} | {r[0]: r[1] for r in rows}


def of_reporter(conn: sqlite3.Connection, user_id: int, limit: int = 20) -> list[Report]:
    # `!= 0`: the reporter index leaves out erased reports (reporter 0); the planner uses it only when told.
    rows = conn.execute("SELECT * FROM reports WHERE reporter_user = ? AND reporter_user != 0"
                        " ORDER BY created_at DESC, id DESC LIMIT ?", (user_id, limit))
    return [_report(r) for r in rows]


def all_reports(conn: sqlite3.Connection) -> list[Report]:
    return [_report(r) for r in conn.execute("SELECT * FROM reports ORDER BY id")]
