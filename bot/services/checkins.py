"""A day's check-in: the resident's answer (正常 / 发热 / 咳嗽 / 其他不适, then an optional temperature), the
missed check-in task when none came in time, and the worker's phone or doorstep check. Anything abnormal opens a
high-priority health report to the worker at once."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.task_reports import file_report
from bot.services.tasks_common import TASK, Done, button, keyboard, owner
from db import reports as reports_db
from db import tasks as tasks_db
from db.kinds import HealthAnswer
from db.reports import Report
from db.tasks import Checkin, Monitoring
from messages import locale_for

ANSWERS: tuple[HealthAnswer, ...] = ("normal", "fever", "cough", "other")
FEVER = 37.3                                     # °C: a temperature at or above it is abnormal whatever was pressed
TEMPERATURES = (34.0, 43.0)


def _mine(conn: sqlite3.Connection, user_id: int, checkin_id: int) -> tuple[Checkin, Monitoring] | Done:
    """The check-in if it was sent to `user_id`; a forged or foreign one is refused."""
    found = tasks_db.checkin(conn, checkin_id)
    monitoring = tasks_db.monitoring(conn, found.monitoring_id) if found is not None else None
    if found is None or monitoring is None or monitoring.resident_user != user_id:
        return Done("forbidden")
    return found, monitoring


def answer(conn: sqlite3.Connection, settings: Settings, user_id: int, checkin_id: int, value: str,
           now: datetime) -> Done:
    """The resident pressed an answer: recorded once, while the monitoring goes on."""
    found = _mine(conn, user_id, checkin_id)
    if isinstance(found, Done):
        return found
    checkin, monitoring = found
    if value not in ANSWERS:
        return Done("stale")
    if monitoring.status != "active":
        return Done("ended")
    if checkin.status in ("answered", "checked"):
        return Done("already")
    ts = stamp(now)
    tasks_db.update_checkin(conn, checkin.id, status="answered", answer=value, answered_at=ts)
    tasks_db.cancel(conn, checkin.id, "checkin_missed")
    if value != "normal":
        report = open_health_report(conn, settings, monitoring, tasks_db.checkin(conn, checkin.id) or checkin,
                                    by_user=user_id, now=now)
        return Done("abnormal", {"report": report})
    return Done("recorded")


def record_temperature(conn: sqlite3.Connection, settings: Settings, user_id: int, checkin_id: int,
                       temperature: float | None, now: datetime) -> Done:
    """The temperature typed after an answer (None: skipped). A fever opens a health report if none is open."""
    found = _mine(conn, user_id, checkin_id)
    if isinstance(found, Done):
        return found
    checkin, monitoring = found
    if temperature is None:
        return Done("temperature_skipped")
    if monitoring.status != "active":
        return Done("ended")
    tasks_db.update_checkin(conn, checkin.id, temperature=temperature)
    checkin = tasks_db.checkin(conn, checkin.id) or checkin
    if checkin.health_report_id is not None:
        reports_db.add_event(conn, checkin.health_report_id, stamp(now), user_id, "note", text=f"{temperature:.1f}°C")
        return Done("temperature_recorded")
    if temperature >= FEVER:
        report = open_health_report(conn, settings, monitoring, checkin, by_user=user_id, now=now)
        return Done("temperature_abnormal", {"report": report})
    return Done("temperature_recorded")


def fire_missed(conn: sqlite3.Connection, settings: Settings, checkin_id: int, now: datetime) -> str:
    """No answer in time: the worker gets a task with the resident's contact and a button to record a check."""
    checkin = tasks_db.checkin(conn, checkin_id)
    monitoring = tasks_db.monitoring(conn, checkin.monitoring_id) if checkin is not None else None
    if checkin is None or monitoring is None or checkin.status != "pending":
        return "stale"
    ts = stamp(now)
    tasks_db.update_checkin(conn, checkin.id, status="missed")
    reports_db.add_event(conn, monitoring.report_id, ts, None, "checkin_missed", text=checkin.day)
    staff = owner(conn, monitoring.worker_id, monitoring.grid_id)
    if staff is None or staff.telegram_user_id is None:
        return "missed"
    arrival = casework.load(conn, monitoring.report_id)
    locale = locale_for(staff.locale, settings.locale)
    buttons = keyboard([[button("tasks/checkin/record_check", locale, f"mx|{checkin.id}")]])
    notify.to_user(conn, settings, staff.telegram_user_id, "tasks/checkin/missed", "checkin_missed", ts,
                   priority=TASK, report_id=arrival.id, person_id=staff.person_id, reply_markup=buttons,
                   report=arrival, checkin=checkin, resident=contact(arrival),
                   sent=notify.local_time(checkin.sent_at, settings))
    return "missed"


def contact(arrival: Report) -> dict[str, Any]:
    """The resident as the worker reaches them: name, phone and address from the arrival."""
    return {"name": arrival.details.get("name", ""), "phone": arrival.details.get("phone", ""),
            "address": arrival.details.get("address", "")}


def may_check(conn: sqlite3.Connection, user_id: int, checkin_id: int, now: datetime) -> Done:
    """The worker pressed "record a check": `ok` (with the arrival) if they may and it is still to be done."""
    checkin = tasks_db.checkin(conn, checkin_id)
    monitoring = tasks_db.monitoring(conn, checkin.monitoring_id) if checkin is not None else None
    if checkin is None or monitoring is None:
        return Done("not_found")
    report, refusal = casework.load_for_action(conn, monitoring.report_id, user_id, now)
    if refusal is not None:
        return Done(refusal.key)
    if checkin.status in ("answered", "checked"):
        return Done("already", {"report": report})
    return Done("ok", {"report": report})


def record_check(conn: sqlite3.Connection, settings: Settings, user_id: int, checkin_id: int, method: str,
                 health: str, now: datetime) -> Done:
    """The worker's phone or doorstep check stands for the missed check-in; abnormal opens a health report."""
    allowed = may_check(conn, user_id, checkin_id, now)
    checkin = tasks_db.checkin(conn, checkin_id)
    if allowed.key != "ok" or checkin is None or method not in ("phone", "doorstep") or health not in ANSWERS:
        return allowed if allowed.key != "ok" else Done("stale")
    monitoring = tasks_db.load_monitoring(conn, checkin.monitoring_id)
    ts = stamp(now)
    tasks_db.update_checkin(conn, checkin.id, status="checked", answer=health, answered_at=ts, checked_by=user_id,
                            method=method)
    tasks_db.cancel(conn, checkin.id, "checkin_missed")
    reports_db.add_event(conn, monitoring.report_id, ts, user_id, "checked", text=checkin.day, method=method,
                         answer=health)
    if health != "normal":
        report = open_health_report(conn, settings, monitoring, tasks_db.checkin(conn, checkin.id) or checkin,
                                    by_user=user_id, now=now)
        return Done("checked_abnormal", {"report": report})
    return Done("checked")


def open_health_report(conn: sqlite3.Connection, settings: Settings, monitoring: Monitoring, checkin: Checkin, *,
                       by_user: int, now: datetime) -> Report:
    """A high-priority health report (kind `health`) on the resident, to the monitoring's worker at once (routed
    as usual when they cannot be reached), its accept timer armed; the arrival's history points to it."""
    arrival = casework.load(conn, monitoring.report_id)
    details: dict[str, Any] = {key: arrival.details[key] for key in ("name", "phone", "address")
                               if key in arrival.details}
    details |= {"health": checkin.answer or "other", "checkin_day": checkin.day, "arrival": arrival.number}
    if checkin.temperature is not None:
        details["temperature"] = f"{checkin.temperature:.1f}°C"
    report = file_report(conn, settings, grid_id=monitoring.grid_id, kind="health", priority="high",
                         reporter_user=by_user, on_behalf=by_user != monitoring.resident_user, details=details,
                         holder=owner(conn, monitoring.worker_id, monitoring.grid_id), now=now)
    tasks_db.update_checkin(conn, checkin.id, health_report_id=report.id)
    ts = stamp(now)
    reports_db.add_event(conn, arrival.id, ts, by_user, "checkin_abnormal", text=report.number)
    return report
