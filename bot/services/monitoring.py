"""Home health monitoring (居家健康监测) of an arrival: started from its card (or by the rules when it is accepted),
a check-in to the resident at each `checkin_time` until it ends, extended or ended early by the worker, a summary
at the end. Every step is in the arrival's history; every due time is a timer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.tasks_common import TASK, Done, Keyboard, button, keyboard, local_date, next_at, owner
from db import households as households_db
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import tasks as tasks_db
from db.reports import Report
from db.tasks import Monitoring
from messages import locale_for, render

DAY_CHOICES = (7, 14)
EXTEND_DAYS = 7
MAX_DAYS = 60
ANSWERS = ("normal", "fever", "cough", "other")


def resident_of(conn: sqlite3.Connection, report: Report) -> int:
    """Who gets the check-ins: the person reported for when a household gave their Telegram id, else the reporter."""
    if report.on_behalf:
        found = households_db.user_by_phone(conn, str(report.details.get("phone", "")))
        if found is not None:
            return found
    return report.reporter_user


def _worker_for(conn: sqlite3.Connection, report: Report, person_id: int | None) -> int | None:
    """The task's worker: whoever started it when they work in the grid, else the report's holder."""
    if person_id is not None and any(r.area_id == report.grid_id and r.role == "grid_worker"
                                     for r in people_db.roles_of(conn, person_id)):
        return person_id
    return report.assignee_id or person_id


def start(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int | None, days: int,
          now: datetime, *, person_id: int | None = None) -> Done:
    """Monitor the arrival for `days` days (`user_id` None: the rules, on behalf of `person_id`)."""
    report, refusal = _arrival(conn, report_id, user_id, now)
    if report is None:
        return refusal
    if not 0 < days <= MAX_DAYS:
        return Done("stale")
    if _active(conn, report.id) is not None:
        return Done("already_active")
    starter_id = person_id
    if user_id is not None:
        person = people_db.by_telegram_id(conn, user_id)
        starter_id = person.id if person is not None else None
    ends = now + timedelta(days=days)
    ts = stamp(now)
    monitoring_id = tasks_db.start_monitoring(
        conn, report_id=report.id, grid_id=report.grid_id, resident_user=resident_of(conn, report),
        worker_id=_worker_for(conn, report, starter_id), days=days, started_at=ts, ends_at=stamp(ends),
        started_by=user_id)
    _arm_checkin(conn, settings, monitoring_id, now, ends)
    tasks_db.arm(conn, "monitor_end", monitoring_id, stamp(ends))
    reports_db.add_event(conn, report.id, ts, user_id, "monitoring_started", days=days, rules=user_id is None)
    monitoring = tasks_db.load_monitoring(conn, monitoring_id)
    notify.to_user(conn, settings, monitoring.resident_user, "tasks/monitoring/started_resident", "monitoring", ts,
                   priority=TASK, report_id=report.id, monitoring=_view(monitoring, settings),
                   checkin_time=settings.checkin_time)
    return Done("started", {"report": report})


def on_accepted(conn: sqlite3.Connection, settings: Settings, report: Report, person_id: int, now: datetime) -> None:
    """The rules (`monitor_days_by_priority`): an arrival accepted is monitored for its priority's days, and the
    worker gets the monitoring's panel."""
    days = settings.monitor_days(report.priority)
    if report.kind != "arrival" or days <= 0 or _active(conn, report.id) is not None:
        return
    start(conn, settings, report.id, None, days, now, person_id=person_id)
    staff = people_db.staff_member(conn, person_id)
    if staff is not None and staff.telegram_user_id is not None:
        text, buttons = panel_message(conn, settings, report, locale_for(staff.locale, settings.locale))
        outbox.add(conn, stamp(now), chat_id=staff.telegram_user_id, text=text, purpose="monitoring",
                          priority=TASK, reply_markup=buttons, person_id=staff.person_id, report_id=report.id)


def extend(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, days: int,
           now: datetime) -> Done:
    report, refusal = _arrival(conn, report_id, user_id, now)
    if report is None:
        return refusal
    monitoring = _active(conn, report.id)
    if monitoring is None:
        return Done("not_active")
    if not 0 < days <= MAX_DAYS or monitoring.days + days > MAX_DAYS * 2:
        return Done("stale")
    ends = parse_stamp(monitoring.ends_at) + timedelta(days=days)
    tasks_db.update_monitoring(conn, monitoring.id, ends_at=stamp(ends), days=monitoring.days + days)
    tasks_db.cancel(conn, monitoring.id, "checkin", "monitor_end")
    _arm_checkin(conn, settings, monitoring.id, now, ends)
    tasks_db.arm(conn, "monitor_end", monitoring.id, stamp(ends))
    reports_db.add_event(conn, report.id, stamp(now), user_id, "monitoring_extended", days=days)
    return Done("extended", {"report": report})


def end(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, now: datetime) -> Done:
    """Ended early by the worker: the same summary and notice as at the end."""
    report, refusal = _arrival(conn, report_id, user_id, now)
    if report is None:
        return refusal
    monitoring = _active(conn, report.id)
    if monitoring is None:
        return Done("not_active")
    _finish(conn, settings, monitoring, user_id, now)
    return Done("ended", {"report": report})


def fire_checkin(conn: sqlite3.Connection, settings: Settings, monitoring_id: int, now: datetime) -> str:
    """The day's check-in to the resident (never two on one day), its grace timer, and the next day's timer."""
    monitoring = tasks_db.monitoring(conn, monitoring_id)
    if monitoring is None or monitoring.status != "active":
        return "stale"
    ends = parse_stamp(monitoring.ends_at)
    ts = stamp(now)
    checkin_id = tasks_db.add_checkin(conn, monitoring.id, local_date(now, settings), ts)
    if checkin_id is not None:
        number = len(tasks_db.checkins_of(conn, monitoring.id))
        locale = locale_for(people_db.language_of(conn, monitoring.resident_user), settings.locale)
        buttons = keyboard([[button("tasks/checkin/option", locale, f"ck|{checkin_id}|{a}", value=a)
                             for a in ANSWERS[:2]],
                            [button("tasks/checkin/option", locale, f"ck|{checkin_id}|{a}", value=a)
                             for a in ANSWERS[2:]]])
        notify.to_user(conn, settings, monitoring.resident_user, "tasks/checkin/ask", "checkin", ts, priority=TASK,
                       report_id=monitoring.report_id, reply_markup=buttons, number=number,
                       monitoring=_view(monitoring, settings))
        tasks_db.arm(conn, "checkin_missed", checkin_id, stamp(now + timedelta(minutes=settings.checkin_grace_minutes)))
    _arm_checkin(conn, settings, monitoring.id, now, ends)
    return "checkin" if checkin_id is not None else "stale"


def fire_end(conn: sqlite3.Connection, settings: Settings, monitoring_id: int, now: datetime) -> str:
    monitoring = tasks_db.monitoring(conn, monitoring_id)
    if monitoring is None or monitoring.status != "active" or now < parse_stamp(monitoring.ends_at):
        return "stale"
    _finish(conn, settings, monitoring, None, now)
    return "ended"


def _finish(conn: sqlite3.Connection, settings: Settings, monitoring: Monitoring, user_id: int | None,
            now: datetime) -> None:
    ts = stamp(now)
    tasks_db.update_monitoring(conn, monitoring.id, status="ended", ended_at=ts, ended_by=user_id)
    tasks_db.cancel(conn, monitoring.id, "checkin", "monitor_end")
    reports_db.add_event(conn, monitoring.report_id, ts, user_id, "monitoring_ended", early=user_id is not None)
    ended = tasks_db.load_monitoring(conn, monitoring.id)
    report = casework.load(conn, monitoring.report_id)
    staff = owner(conn, monitoring.worker_id, monitoring.grid_id)
    if staff is not None and staff.telegram_user_id is not None:
        notify.to_user(conn, settings, staff.telegram_user_id, "tasks/monitoring/summary", "monitoring", ts,
                       priority=TASK, report_id=report.id, person_id=staff.person_id, report=report,
                       monitoring=_view(ended, settings), **summary(conn, ended, settings))
    notify.to_user(conn, settings, monitoring.resident_user, "tasks/monitoring/ended_resident", "monitoring", ts,
                   priority=TASK, report_id=report.id, monitoring=_view(ended, settings))


def summary(conn: sqlite3.Connection, monitoring: Monitoring, settings: Settings) -> dict[str, Any]:
    """Each check-in's day and outcome, and the counts."""
    checkins = tasks_db.checkins_of(conn, monitoring.id)
    abnormal = sum(1 for c in checkins if c.answer not in (None, "normal") or c.health_report_id is not None)
    return {"checkins": checkins, "answered": sum(1 for c in checkins if c.status in ("answered", "checked")),
            "missed": sum(1 for c in checkins if c.status in ("missed", "pending")), "abnormal": abnormal}


def panel_message(conn: sqlite3.Connection, settings: Settings, report: Report, locale: str
                  ) -> tuple[str, Keyboard | None]:
    """The monitoring of an arrival as its worker sees it, with what may be done now (start, extend, end)."""
    monitoring = tasks_db.latest_monitoring(conn, report.id)
    active = monitoring is not None and monitoring.status == "active"
    if active:
        rows = [[button("tasks/monitoring/extend", locale, f"mo|{report.id}|ext|{EXTEND_DAYS}", days=str(EXTEND_DAYS)),
                 button("tasks/monitoring/end", locale, f"mo|{report.id}|end")]]
    else:
        rows = [[button("tasks/monitoring/start", locale, f"mo|{report.id}|start|{d}", days=str(d))
                 for d in DAY_CHOICES]]
    context: dict[str, Any] = {"report": report, "monitoring": _view(monitoring, settings) if monitoring else None}
    if monitoring is not None:
        context |= summary(conn, monitoring, settings)
    return render("tasks/monitoring/panel", locale, **context), keyboard(rows)


def panel(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, now: datetime, locale: str
          ) -> Done:
    """🩺 on an arrival card: the panel (`panel` with text and buttons), or the refusal."""
    report, refusal = _arrival(conn, report_id, user_id, now)
    if report is None:
        return refusal
    text, buttons = panel_message(conn, settings, report, locale)
    return Done("panel", {"text": text, "buttons": buttons})


@dataclass(frozen=True)
class MonitoringView:
    """A monitoring with its times in local time, for templates."""

    id: int
    status: str
    days: int
    started: str
    ends: str


def _view(monitoring: Monitoring, settings: Settings) -> MonitoringView:
    return MonitoringView(monitoring.id, monitoring.status, monitoring.days,
                          notify.local_time(monitoring.started_at, settings),
                          notify.local_time(monitoring.ended_at or monitoring.ends_at, settings))


def _arm_checkin(conn: sqlite3.Connection, settings: Settings, monitoring_id: int, now: datetime,
                 ends: datetime) -> None:
    following = next_at(now, settings.checkin_time, settings)
    if following < ends:
        tasks_db.arm(conn, "checkin", monitoring_id, stamp(following))


def _active(conn: sqlite3.Connection, report_id: int) -> Monitoring | None:
    found = tasks_db.latest_monitoring(conn, report_id)
    return found if found is not None and found.status == "active" else None


def _arrival(conn: sqlite3.Connection, report_id: int, user_id: int | None, now: datetime
             ) -> tuple[Report, Done] | tuple[None, Done]:
    """The arrival if `user_id` may act on it (None: the rules may); else the refusal."""
    if user_id is None:
        found = reports_db.get(conn, report_id)
        return (found, Done("")) if found is not None and found.kind == "arrival" else (None, Done("not_found"))
    report, refusal = casework.load_for_action(conn, report_id, user_id, now)
    if refusal is not None or report is None:
        return None, Done(refusal.key if refusal else "not_found")
    if report.kind != "arrival":
        return None, Done("stale")
    return report, Done("")


def press(conn: sqlite3.Connection, settings: Settings, action: str, report_id: int, user_id: int, days: int,
          now: datetime, locale: str) -> Done:
    """A monitoring button (`panel`, `start`, `ext`, `end`): what it did, and the panel as it stands after it
    (`text`, `buttons`) for the worker's screen."""
    if action == "start":
        done = start(conn, settings, report_id, user_id, days, now)
    elif action == "ext":
        done = extend(conn, settings, report_id, user_id, days, now)
    elif action == "end":
        done = end(conn, settings, report_id, user_id, now)
    elif action == "panel":
        done = Done("panel")
    else:
        return Done("stale")
    if done.key not in ("panel", "started", "extended", "ended", "already_active", "not_active"):
        return done
    shown = panel(conn, settings, report_id, user_id, now, locale)
    return Done(done.key, {**done.context, **shown.context}) if shown.key == "panel" else shown
