"""Approved gatherings on the ground: the grid's workers reminded the day before and on the day (armed by
`gatherings.approve`, fired by the tick), the check on site, and a gathering not kept to its approval made a
high-priority report."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, media, notify
from bot.services.gatherings import CHECKERS, Decided, level_of, when
from bot.services.routing import next_reachable_level
from db import areas as areas_db
from db import gatherings as gatherings_db
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db.kinds import CheckResult
from db.people import Staff
from db.reports import Report
from messages import locale_for, render


def fire_due(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int:
    """Send the reminders that are due to the grid's workers on duty (else its leader): the approval, its
    conditions and the place, with a "checked on site" button. Returns how many fired."""
    fired = 0
    for reminder in gatherings_db.due(conn, stamp(now)):
        if not gatherings_db.claim(conn, reminder.id):
            continue
        gathering = gatherings_db.get(conn, reminder.report_id)
        report = reports_db.get(conn, reminder.report_id)
        if gathering is None or report is None or gathering.status != "approved" or gathering.checked:
            continue
        ts = stamp(now)
        for staff in _grid_hands(conn, gathering.grid_id):
            assert staff.telegram_user_id is not None
            locale = locale_for(staff.locale, settings.locale)
            button = {"inline_keyboard": [[{"text": render("buttons/gathering_checked", locale),
                                            "callback_data": f"g|{report.id}|chk"}]]}
            notify.to_user(conn, settings, staff.telegram_user_id, "gatherings/reminder", "gathering_reminder", ts,
                           priority=outbox.ASSIGN, report_id=report.id, person_id=staff.person_id,
                           reply_markup=button, report=report, gathering=gathering, moment=reminder.moment,
                           place=media.place_of(settings, report.details), **when(settings, gathering))
        reports_db.add_event(conn, report.id, ts, None, "reminded", phase=reminder.moment)
        fired += 1
    return fired


def _grid_hands(conn: sqlite3.Connection, grid_id: int) -> list[Staff]:
    """The grid's reachable workers on duty; else its leader (or whoever is reachable above)."""
    workers = [w for w in people_db.staff_at(conn, grid_id, "grid_worker") if w.on_duty and w.reachable]
    if workers:
        return workers
    found = next_reachable_level(conn, grid_id, 0)
    return found[1] if found is not None else []


def checked(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, result: CheckResult,
            note: str, attached: dict[str, Any], now: datetime) -> Decided:
    """The check on site: recorded on the application; a gathering not kept to its approval becomes a
    high-priority report (routed as usual, not to the one who found it), with the note and the photos."""
    gathering = gatherings_db.get(conn, report_id)
    application = reports_db.get(conn, report_id)
    if gathering is None or application is None:
        return Decided("not_found")
    if level_of(conn, gathering.grid_id, user_id, CHECKERS) < 1:
        return Decided("not_checker", application)
    ts = stamp(now)
    if not gatherings_db.check(conn, report_id, result, by=user_id, now=ts):
        return Decided("already_checked", application)
    reports_db.add_event(conn, report_id, ts, user_id, "checked", text=note, result=result)
    media.record(conn, report_id, attached, ts, user_id)
    if result == "kept":
        if (more := media.into(application.details, attached, settings.attachments_max)) is not None:
            reports_db.update(conn, report_id, details=json.dumps(more, ensure_ascii=False))
        return Decided("checked_kept", application)
    violation = _violation(conn, settings, application, user_id, note, attached, now)
    gatherings_db.set_violation(conn, report_id, violation.id)
    return Decided("checked_not_kept", violation)


def _violation(conn: sqlite3.Connection, settings: Settings, application: Report, user_id: int, note: str,
               attached: dict[str, Any], now: datetime) -> Report:
    grid = areas_db.load(conn, application.grid_id)
    ts = stamp(now)
    details: dict[str, Any] = {k: application.details[k] for k in ("occasion", "date", "hours", "place", "location")
                               if k in application.details}
    details.update({"violation_of": application.number, "checked_note": note, **attached})
    number = reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings))
    report_id = reports_db.create(
        conn, number=number, grid_id=grid.id, kind="gathering", priority="high", reporter_user=user_id,
        on_behalf=True, details=details, now=ts, accept_due_at=stamp(now + settings.accept_window("high")),
        resolve_due_at=stamp(now + settings.accept_window("high") + settings.resolve_window("high")))
    reports_db.add_event(conn, report_id, ts, user_id, "created", priority="high")
    media.record(conn, report_id, attached, ts)
    report = casework.load(conn, report_id)
    person = people_db.by_telegram_id(conn, user_id)
    casework.assign(conn, settings, report, ts, exclude={person.id} if person is not None else frozenset())
    timers_db.arm(conn, "accept", report_id, report.accept_due_at)
    return casework.load(conn, report_id)
