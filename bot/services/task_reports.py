"""Reports the service tasks file themselves (a health alert from a check-in, an issue found at a door): stored,
handed to the worker who found it at once (routed as usual when they cannot take it), their accept timer armed."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from db import areas as areas_db
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db.kinds import Priority, ReportKind
from db.people import Staff
from db.reports import Report


def file_report(conn: sqlite3.Connection, settings: Settings, *, grid_id: int, kind: ReportKind, priority: Priority,
                reporter_user: int, on_behalf: bool, details: dict[str, Any], holder: Staff | None,
                now: datetime) -> Report:
    grid = areas_db.load(conn, grid_id)
    ts = stamp(now)
    accept_due = now + settings.accept_window(priority)
    report_id = reports_db.create(
        conn, number=reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings)),
        grid_id=grid.id, kind=kind, priority=priority, reporter_user=reporter_user, on_behalf=on_behalf,
        details=details, now=ts, accept_due_at=stamp(accept_due),
        resolve_due_at=stamp(accept_due + settings.resolve_window(priority)))
    reports_db.add_event(conn, report_id, ts, reporter_user, "created", priority=priority)
    report = casework.load(conn, report_id)
    works_here = holder is not None and holder.reachable and any(
        r.area_id == grid.id and r.role == "grid_worker" for r in people_db.roles_of(conn, holder.person_id))
    if holder is not None and works_here:
        casework.hand_to(conn, settings, report, holder, 0, ts, "assigned")
    else:
        casework.assign(conn, settings, report, ts)
    timers_db.arm(conn, "accept", report_id, report.accept_due_at)
    return casework.load(conn, report_id)
