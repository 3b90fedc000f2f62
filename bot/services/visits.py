"""After a report is resolved: a follow-up visit (随访) for disputes and tips after `visit_days_by_kind` days
(changeable, or called off, from the message the worker gets on resolving), its outcome (settled / not settled:
the report reopens to the worker); and the resident's satisfaction (满意 / 不满意 / skip; 不满意 reopens it to the
grid leader)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.routing import next_reachable_level
from bot.services.tasks_common import TASK, Done, Keyboard, button, keyboard, owner
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import tasks as tasks_db
from db import timers as timers_db
from db import visits as visits_db
from db.kinds import ReportStatus, SatisfactionAnswer
from db.people import Staff
from db.reports import Report
from db.visits import Visit
from messages import locale_for

VISITED_KINDS = ("dispute", "tip")
DAY_CHOICES = (3, 7, 14)
SATISFACTION: tuple[SatisfactionAnswer, ...] = ("satisfied", "unsatisfied", "skipped")


def after_resolve(conn: sqlite3.Connection, settings: Settings, report: Report, user_id: int, now: datetime
                  ) -> Keyboard | None:
    """What resolving starts: the visit when the kind has one, and the satisfaction question (its buttons, for
    the resident's notice; None when the reporter is staff)."""
    follow_up(conn, settings, report, user_id, now)
    if people_db.by_telegram_id(conn, report.reporter_user) is not None:
        return None
    ask_id = visits_db.ask(conn, report.id, report.reporter_user, stamp(now))
    locale = locale_for(people_db.language_of(conn, report.reporter_user), settings.locale)
    return keyboard([[button("tasks/satisfaction/option", locale, f"sa|{ask_id}|{a}", value=a) for a in SATISFACTION]])


def follow_up(conn: sqlite3.Connection, settings: Settings, report: Report, user_id: int, now: datetime) -> None:
    """The visit `visit_days_by_kind` asks for after resolving a dispute or a tip (a tip is resolved by its verdict,
    tips.verdict, which calls this for a verified one); none for other kinds or 0 days."""
    days = settings.visit_days(report.kind)
    if report.kind in VISITED_KINDS and days > 0:
        schedule(conn, settings, report, user_id, days, now)


def schedule(conn: sqlite3.Connection, settings: Settings, report: Report, user_id: int, days: int,
             now: datetime) -> int:
    person = people_db.by_telegram_id(conn, user_id)
    worker_id = report.assignee_id if report.assignee_id is not None else (person.id if person else None)
    due = now + timedelta(days=days)
    visit_id = visits_db.create(conn, report_id=report.id, worker_id=worker_id, days=days, due_at=stamp(due),
                                now=stamp(now))
    tasks_db.arm(conn, "visit", visit_id, stamp(due))
    reports_db.add_event(conn, report.id, stamp(now), user_id, "visit_scheduled", days=days)
    staff = owner(conn, worker_id, report.grid_id)
    if staff is not None and staff.telegram_user_id is not None:
        locale = locale_for(staff.locale, settings.locale)
        rows = [[button("tasks/visit/days", locale, f"vi|{visit_id}|d|{d}", days=str(d)) for d in DAY_CHOICES],
                [button("tasks/visit/call_off", locale, f"vi|{visit_id}|x")]]
        notify.to_user(conn, settings, staff.telegram_user_id, "tasks/visit/scheduled", "visit", stamp(now),
                       priority=TASK, report_id=report.id, person_id=staff.person_id, reply_markup=keyboard(rows),
                       report=report, days=days, due_at=notify.local_time(stamp(due), settings))
    return visit_id


def fire(conn: sqlite3.Connection, settings: Settings, visit_id: int, now: datetime) -> str:
    """The visit is due: the worker gets it with the case history, and settled / not settled buttons."""
    visit = visits_db.get(conn, visit_id)
    report = reports_db.get(conn, visit.report_id) if visit is not None else None
    if visit is None or report is None or visit.status != "scheduled":
        return "stale"
    if report.status != "resolved":                       # reopened meanwhile: the case is open again anyway
        visits_db.update(conn, visit.id, status="cancelled")
        return "stale"
    visits_db.update(conn, visit.id, status="due")
    staff = owner(conn, visit.worker_id, report.grid_id)
    if staff is None or staff.telegram_user_id is None:
        return "unreachable"
    locale = locale_for(staff.locale, settings.locale)
    rows = [[button("tasks/visit/outcome_button", locale, f"vi|{visit.id}|{a}", value=a) for a in ("ok", "no")]]
    notify.to_user(conn, settings, staff.telegram_user_id, "tasks/visit/task", "visit", stamp(now), priority=TASK,
                   report_id=report.id, person_id=staff.person_id, reply_markup=keyboard(rows),
                   resolved=notify.local_time(report.resolved_at, settings), **notify.report_view(conn, report, settings))
    return "due"


def _may(conn: sqlite3.Connection, visit: Visit, report: Report, user_id: int) -> bool:
    person = people_db.by_telegram_id(conn, user_id)
    return person is not None and (person.id == visit.worker_id or casework.holds_power(conn, report, person.id))


def press(conn: sqlite3.Connection, settings: Settings, user_id: int, visit_id: int, action: str, days: int,
          now: datetime) -> Done:
    """A visit's button: another number of days or called off (while scheduled); settled or not (when due)."""
    visit = visits_db.get(conn, visit_id)
    report = reports_db.get(conn, visit.report_id) if visit is not None else None
    if visit is None or report is None or action not in ("d", "x", "ok", "no"):
        return Done("stale")
    if not _may(conn, visit, report, user_id):
        return Done("forbidden")
    ts = stamp(now)
    if action in ("d", "x"):
        if visit.status != "scheduled" or (action == "d" and not 0 < days <= 60):
            return Done("already" if visit.status != "scheduled" else "stale")
        tasks_db.cancel(conn, visit.id, "visit")
        if action == "x":
            visits_db.update(conn, visit.id, status="cancelled", done_at=ts, done_by=user_id)
            return Done("called_off")
        due = now + timedelta(days=days)
        visits_db.update(conn, visit.id, days=days, due_at=stamp(due))
        tasks_db.arm(conn, "visit", visit.id, stamp(due))
        reports_db.add_event(conn, report.id, ts, user_id, "visit_scheduled", days=days)
        return Done("rescheduled", {"due_at": notify.local_time(stamp(due), settings)})
    if visit.status != "due":
        return Done("already")
    settled = action == "ok"
    visits_db.update(conn, visit.id, status="settled" if settled else "unsettled", done_at=ts, done_by=user_id)
    reports_db.add_event(conn, report.id, ts, user_id, "visit_settled" if settled else "visit_unsettled")
    if settled:
        return Done("settled")
    worker = owner(conn, visit.worker_id, report.grid_id)
    reopen(conn, settings, report, worker, status="accepted", level=0 if worker and worker.person_id ==
           visit.worker_id else 1, actor=user_id, reason="visit", now=now)
    return Done("reopened", {"report": casework.load(conn, report.id)})


def satisfaction(conn: sqlite3.Connection, settings: Settings, user_id: int, ask_id: int, value: str,
                 now: datetime) -> Done:
    """The resident's answer, once; 不满意 reopens the report to the grid's leader."""
    found = visits_db.asked(conn, ask_id)
    if found is None or found.user_id != user_id:
        return Done("forbidden")
    answer = next((a for a in SATISFACTION if a == value), None)
    if answer is None:
        return Done("stale")
    if not visits_db.set_answer(conn, found.id, answer, stamp(now)):
        return Done("already")
    report = casework.load(conn, found.report_id)
    if answer != "skipped":
        reports_db.add_event(conn, report.id, stamp(now), user_id, answer)
    if answer == "unsatisfied" and report.status == "resolved":
        above = next_reachable_level(conn, report.grid_id, 0)
        reopen(conn, settings, report, above[1][0] if above else None, status="open",
               level=above[0] if above else 1, actor=user_id, reason="unsatisfied", now=now)
    return Done(answer)


def reopen(conn: sqlite3.Connection, settings: Settings, report: Report, to: Staff | None, *, status: ReportStatus,
           level: int, actor: int, reason: str, now: datetime) -> None:
    """A resolved report open again: held by `to` at `level`, its timer armed, its card to them, the reporter told."""
    ts = stamp(now)
    window = settings.accept_window(report.priority) if status == "open" else settings.resolve_window(report.priority)
    due = stamp(now + window)
    changes: dict[str, Any] = {"status": status, "resolved_at": None, "outcome": None, "level": level}
    changes |= {"accept_due_at": due} if status == "open" else {"resolve_due_at": due}
    if to is not None:
        changes["assignee_id"] = to.person_id
    reports_db.update(conn, report.id, **changes)
    reports_db.add_event(conn, report.id, ts, actor, "reopened", reason=reason, to=to.name if to else "")
    timers_db.arm(conn, "accept" if status == "open" else "resolve", report.id, due)
    report = casework.load(conn, report.id)
    if to is not None:
        notify.card_to_staff(conn, settings, report, to, "reopened", outbox.URGENT if level else outbox.ASSIGN,
                             "assign", ts, reason=reason)
    notify.to_reporter(conn, settings, report, "tasks/reopened_reporter", ts, reason=reason)
