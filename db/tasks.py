"""Service tasks' timers (rows of `timers` that name their task by `task_id`), home health monitoring and its
check-ins; and the service tasks each person finished, for the assessment."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from db.core import NotFound, inserted
from db.kinds import CheckinStatus, CheckMethod, HealthAnswer, MonitoringStatus, TimerKind


# ----- timers ------------------------------------------------------------------------------------------------
def arm(conn: sqlite3.Connection, kind: TimerKind, task_id: int, due_at: str, step: int = 0) -> int:
    return inserted(conn.execute("INSERT INTO timers (kind, task_id, step, due_at) VALUES (?, ?, ?, ?)",
                                 (kind, task_id, step, due_at)))


def cancel(conn: sqlite3.Connection, task_id: int, *kinds: TimerKind) -> int:
    marks = ",".join("?" * len(kinds))
    return conn.execute(f"UPDATE timers SET state = 'cancelled' WHERE task_id = ? AND kind IN ({marks})"
                        " AND state = 'pending' AND task_id IS NOT NULL", (task_id, *kinds)).rowcount


def pending(conn: sqlite3.Connection, task_id: int, kind: TimerKind) -> list[str]:
    """The due times of a task's pending timers of `kind`."""
    rows = conn.execute("SELECT due_at FROM timers WHERE task_id = ? AND kind = ? AND state = 'pending'"
                        " AND task_id IS NOT NULL ORDER BY due_at", (task_id, kind))
    return [r[0] for r in rows]


def task_of(conn: sqlite3.Connection, timer_id: int) -> int | None:
    row = conn.execute("SELECT task_id FROM timers WHERE id = ?", (timer_id,)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


# ----- monitoring --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Monitoring:
    id: int
    report_id: int
    grid_id: int
    resident_user: int
    worker_id: int | None
    status: MonitoringStatus
    days: int
    started_at: str
    ends_at: str
    ended_at: str | None
    started_by: int | None
    ended_by: int | None


def _monitoring(row: sqlite3.Row | None) -> Monitoring | None:
    return Monitoring(*tuple(row)) if row else None


_MONITORING = ("SELECT id, report_id, grid_id, resident_user, worker_id, status, days, started_at, ends_at, ended_at,"
               " started_by, ended_by FROM monitorings ")


def start_monitoring(conn: sqlite3.Connection, *, report_id: int, grid_id: int, resident_user: int,
                     worker_id: int | None, days: int, started_at: str, ends_at: str, started_by: int | None) -> int:
    return inserted(conn.execute(
        "INSERT INTO monitorings (report_id, grid_id, resident_user, worker_id, days, started_at, ends_at, started_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (report_id, grid_id, resident_user, worker_id, days, started_at, ends_at, started_by)))


def monitoring(conn: sqlite3.Connection, monitoring_id: int) -> Monitoring | None:
    return _monitoring(conn.execute(_MONITORING + "WHERE id = ?", (monitoring_id,)).fetchone())


def load_monitoring(conn: sqlite3.Connection, monitoring_id: int) -> Monitoring:
    found = monitoring(conn, monitoring_id)
    if found is None:
        raise NotFound("monitoring", id=monitoring_id)
    return found


def latest_monitoring(conn: sqlite3.Connection, report_id: int) -> Monitoring | None:
    """The report's monitoring going on, else its last one."""
    return _monitoring(conn.execute(_MONITORING + "WHERE report_id = ? ORDER BY status = 'active' DESC, id DESC"
                                    " LIMIT 1", (report_id,)).fetchone())


def active_in_grid(conn: sqlite3.Connection, grid_id: int) -> list[Monitoring]:
    rows = conn.execute(_MONITORING + "WHERE grid_id = ? AND status = 'active' ORDER BY id", (grid_id,))
    return [Monitoring(*tuple(r)) for r in rows]


def update_monitoring(conn: sqlite3.Connection, monitoring_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE monitorings SET {columns} WHERE id = ?", (*fields.values(), monitoring_id))


@dataclass(frozen=True)
class Checkin:
    id: int
    monitoring_id: int
    day: str
    sent_at: str
    status: CheckinStatus
    answer: HealthAnswer | None
    temperature: float | None
    answered_at: str | None
    checked_by: int | None
    method: CheckMethod | None
    health_report_id: int | None


_CHECKIN = ("SELECT id, monitoring_id, day, sent_at, status, answer, temperature, answered_at, checked_by, method,"
            " health_report_id FROM checkins ")


def add_checkin(conn: sqlite3.Connection, monitoring_id: int, day: str, sent_at: str) -> int | None:
    """A new check-in for the day; None when that day's was made already (it is never sent twice)."""
    cursor = conn.execute("INSERT OR IGNORE INTO checkins (monitoring_id, day, sent_at) VALUES (?, ?, ?)",
                          (monitoring_id, day, sent_at))
    return inserted(cursor) if cursor.rowcount == 1 else None


def checkin(conn: sqlite3.Connection, checkin_id: int) -> Checkin | None:
    row = conn.execute(_CHECKIN + "WHERE id = ?", (checkin_id,)).fetchone()
    return Checkin(*tuple(row)) if row else None


def checkins_of(conn: sqlite3.Connection, monitoring_id: int) -> list[Checkin]:
    rows = conn.execute(_CHECKIN + "WHERE monitoring_id = ? ORDER BY day", (monitoring_id,))
    return [Checkin(*tuple(r)) for r in rows]


def update_checkin(conn: sqlite3.Connection, checkin_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE checkins SET {columns} WHERE id = ?", (*fields.values(), checkin_id))


@dataclass(frozen=True)
class TasksDone:
    """Service tasks one person finished in one grid over a span (assessment: "tasks done")."""

    person_id: int | None
    grid_id: int
    checkins: int                         # check-ins the worker made by phone or at the door
    households: int                       # campaign households knocked (visited, nobody home, an issue)
    visits: int                           # follow-up visits done (settled or not)


def tasks_done(conn: sqlite3.Connection, area_id: int, since: str, until: str) -> list[TasksDone]:
    """Per person and grid, the service tasks of the area finished in [since, until) (partial indexes of
    0021_tasks_done.sql: each task table is read from its finished rows of the span only)."""
    rows = conn.execute(
        "SELECT person_id, grid_id, sum(what = 'checkin'), sum(what = 'household'), sum(what = 'visit') FROM ("
        " SELECT p.id AS person_id, m.grid_id AS grid_id, 'checkin' AS what FROM checkins c"
        " INDEXED BY checkins_checked JOIN monitorings m ON m.id = c.monitoring_id"
        " JOIN area_lineage l ON l.area_id = m.grid_id AND l.ancestor_id = ?1"
        " LEFT JOIN people p ON p.telegram_user_id = c.checked_by"
        " WHERE c.status = 'checked' AND c.answered_at >= ?2 AND c.answered_at < ?3"
        " UNION ALL SELECT d.worker_id, d.grid_id, 'household' FROM campaign_households d INDEXED BY campaign_households_done"
        " JOIN area_lineage l ON l.area_id = d.grid_id AND l.ancestor_id = ?1"
        " WHERE d.status != 'pending' AND d.updated_at >= ?2 AND d.updated_at < ?3"
        " UNION ALL SELECT coalesce(p.id, v.worker_id), r.grid_id, 'visit' FROM visits v INDEXED BY visits_done"
        " JOIN reports r ON r.id = v.report_id JOIN area_lineage l ON l.area_id = r.grid_id AND l.ancestor_id = ?1"
        " LEFT JOIN people p ON p.telegram_user_id = v.done_by"
        " WHERE v.status IN ('settled', 'unsettled') AND v.done_at >= ?2 AND v.done_at < ?3"
        ") GROUP BY 1, 2", (area_id, since, until))
    return [TasksDone(*row) for row in rows]
