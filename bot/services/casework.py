"""A report's life: submitted, assigned, accepted, noted, resolved, transferred, escalated.

Every function runs inside one database transaction and writes the messages it causes to the outbox.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services import notify, refusals
from bot.services.ledger import satisfaction
from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.forms import priority as priority_of
from bot.services.org import ADMIN_ROLES
from bot.services.routing import TOP_LEVEL, first_reachable, pick_assignee, staff_at_level
from db import areas as areas_db
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db.people import Staff
from db.reports import Report


@dataclass(frozen=True)
class Outcome:
    """What happened, for the answer to the person who acted: a message key and the report."""

    key: str
    report: Report | None = None
    extra: dict[str, Any] | None = None


def submit(conn: sqlite3.Connection, settings: Settings, user_id: int, form: dict[str, Any], now: datetime) -> Report:
    """Store a finished form as a report, route it, arm its timer, and queue the messages it causes."""
    grid = areas_db.by_code(conn, form["grid"])
    answers = dict(form["answers"])
    kind, behalf = answers.pop("kind"), answers.pop("behalf")
    level_priority = priority_of(kind, answers, settings.risk_areas)
    ts = stamp(now)
    number = reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings))
    report_id = reports_db.create(
        conn, number, grid.id, kind, level_priority, user_id, behalf == "other", answers, ts,
        stamp(now + settings.accept_window(level_priority)),
        stamp(now + settings.accept_window(level_priority) + settings.resolve_window(level_priority)))
    reports_db.add_event(conn, report_id, ts, user_id, "created", priority=level_priority)
    report = reports_db.get(conn, report_id)
    notify.to_reporter(conn, settings, report, "report/submitted", ts)
    _assign(conn, settings, report, ts)
    timers_db.arm(conn, "accept", report_id, report.accept_due_at)
    return reports_db.get(conn, report_id)


def _assign(conn: sqlite3.Connection, settings: Settings, report: Report, now: str, exclude: set[int] = frozenset(),
            actor: int | None = None, headline: str = "assigned") -> Staff | None:
    staff, level = pick_assignee(conn, report.grid_id, exclude)
    if staff is None:
        reports_db.add_event(conn, report.id, now, actor, "unassigned")
        return None
    reports_db.update(conn, report.id, assignee_id=staff.person_id, level=level)
    reports_db.add_event(conn, report.id, now, actor, "assigned", to=staff.name, level=level)
    report = reports_db.get(conn, report.id)
    notify.card_to_staff(conn, settings, report, staff, headline, outbox.ASSIGN, "assign", now)
    return staff


def may_act(conn: sqlite3.Connection, report: Report, user_id: int) -> bool:
    """The assignee, the grid's leader, and admins of the areas above may act on a report."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return False
    if report.assignee_id == person.id:
        return True
    above = {a.id for a in areas_db.ancestors(conn, report.grid_id)}
    for role in people_db.roles_of(conn, person.id):
        if role.role == "grid_leader" and role.area_id == report.grid_id:
            return True
        if role.role in ADMIN_ROLES and role.area_id in above:
            return True
    return False


def load_for_action(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
          ) -> tuple[Report | None, Outcome | None]:
    """The report, if `user_id` may act on it; otherwise the refusal (in the audit log, not its history)."""
    report = reports_db.get(conn, report_id)
    if report is None:
        return None, Outcome("not_found")
    if not may_act(conn, report, user_id):
        refusals.record(conn, user_id, report.id, now)
        return None, Outcome("forbidden", report)
    return report, None


def load_unresolved(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                    ) -> tuple[Report | None, Outcome | None]:
    """Like `load_for_action`, and a resolved report is refused too (nothing more can be done to it)."""
    report, refusal = load_for_action(conn, report_id, user_id, now)
    if refusal is None and report.status == "resolved":
        return None, Outcome("already_resolved", report)
    return report, refusal


def accept(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, now: datetime) -> Outcome:
    report, refusal = load_for_action(conn, report_id, user_id, now)
    if refusal:
        return refusal
    if report.status != "open":
        return Outcome(f"already_{report.status}", report)
    ts = stamp(now)
    person = people_db.by_telegram_id(conn, user_id)
    resolve_due = stamp(now + settings.resolve_window(report.priority))
    reports_db.update(conn, report.id, status="accepted", accepted_at=ts, assignee_id=person.id,
                      resolve_due_at=resolve_due)
    reports_db.add_event(conn, report.id, ts, user_id, "accepted")
    timers_db.cancel(conn, report.id)
    timers_db.arm(conn, "resolve", report.id, resolve_due)
    report = reports_db.get(conn, report.id)
    notify.to_reporter(conn, settings, report, "report/status_accepted", ts)
    return Outcome("accepted", report)


def add_note(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, text: str,
             now: datetime) -> Outcome:
    report, refusal = load_unresolved(conn, report_id, user_id, now)
    if refusal:
        return refusal
    reports_db.add_event(conn, report.id, stamp(now), user_id, "note", text=text)
    return Outcome("noted", report)


def resolve(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, result: str,
            now: datetime) -> Outcome:
    report, refusal = load_unresolved(conn, report_id, user_id, now)
    if refusal:
        return refusal
    ts = stamp(now)
    reports_db.update(conn, report.id, status="resolved", resolved_at=ts, outcome=result,
                      accepted_at=report.accepted_at or ts)
    reports_db.add_event(conn, report.id, ts, user_id, "resolved", outcome=result)
    timers_db.cancel(conn, report.id)
    report = reports_db.get(conn, report.id)
    notify.to_reporter(conn, settings, report, "report/status_resolved", ts)
    if report is not None:
        satisfaction.ask(conn, settings, report, ts)
    return Outcome("resolved", report)


def transfer_choices(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                     ) -> tuple[Outcome | None, list[Staff]]:
    """The grid's workers a report may be handed to (not its current assignee)."""
    report, refusal = load_unresolved(conn, report_id, user_id, now)
    if refusal:
        return refusal, []
    workers = [w for w in people_db.staff_at(conn, report.grid_id, "grid_worker")
               if w.person_id != report.assignee_id and w.telegram_user_id is not None]
    return Outcome("choose_worker", report), workers


def transfer(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, person_id: int,
             now: datetime) -> Outcome:
    report, refusal = load_unresolved(conn, report_id, user_id, now)
    if refusal:
        return refusal
    target = next((w for w in people_db.staff_at(conn, report.grid_id, "grid_worker") if w.person_id == person_id), None)
    if target is None or target.telegram_user_id is None:
        return Outcome("bad_target", report)
    if target.person_id == report.assignee_id:
        return Outcome("already_assignee", report)
    ts = stamp(now)
    reports_db.update(conn, report.id, assignee_id=target.person_id, level=0)
    reports_db.add_event(conn, report.id, ts, user_id, "transferred", to=target.name)
    if report.status == "open":
        timers_db.cancel(conn, report.id)
        timers_db.arm(conn, "accept", report.id, stamp(now + settings.accept_window(report.priority)))
    report = reports_db.get(conn, report.id)
    notify.card_to_staff(conn, settings, report, target, "transferred", outbox.ASSIGN, "assign", ts)
    return Outcome("transferred", report, {"name": target.name})


def escalate(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int | None, now: datetime,
             reason: str = "manual") -> Outcome:
    """Raise the report one level (leader → community → town); the people there get it with its history."""
    if user_id is not None:
        report, refusal = load_for_action(conn, report_id, user_id, now)
        if refusal:
            return refusal
    else:
        report = reports_db.get(conn, report_id)
    if report.status == "resolved":
        return Outcome("already_resolved", report)
    for level in range(report.level + 1, TOP_LEVEL + 1):      # the next level up that has anyone
        targets = staff_at_level(conn, report.grid_id, level)
        if targets:
            break
    else:
        return Outcome("top_level", report)
    ts = stamp(now)
    changes: dict[str, Any] = {"level": level}
    if report.status == "open":
        lead = first_reachable(targets)
        changes["assignee_id"] = lead.person_id
    reports_db.update(conn, report.id, **changes)
    reports_db.add_event(conn, report.id, ts, user_id, "escalated", level=level, reason=reason)
    report = reports_db.get(conn, report.id)
    for staff in targets:
        notify.card_to_staff(conn, settings, report, staff, "escalated", outbox.URGENT, "escalate", ts, reason=reason)
    notify.to_reporter(conn, settings, report, "report/status_escalated", ts)
    return Outcome("escalated", report)


def fire_timer(conn: sqlite3.Connection, settings: Settings, timer: timers_db.Timer, now: datetime) -> str:
    """A due time passed: remind the assignee first, then escalate one level at each further window."""
    if not timers_db.claim(conn, timer.id):
        return "stale"
    report = reports_db.get(conn, timer.report_id)
    wanted = "open" if timer.kind == "accept" else "accepted"
    if report is None or report.status != wanted:
        return "stale"
    window = settings.accept_window(report.priority) if timer.kind == "accept" else settings.resolve_window(report.priority)
    ts = stamp(now)
    if timer.step == 0:
        reports_db.add_event(conn, report.id, ts, None, "reminded", phase=timer.kind)
        assignee = people_db.staff_member(conn, report.assignee_id) if report.assignee_id else None
        if assignee is not None:
            notify.card_to_staff(conn, settings, report, assignee, f"overdue_{timer.kind}", outbox.URGENT, "remind",
                                 ts)
        timers_db.arm(conn, timer.kind, report.id, stamp(now + window), step=1)
        return "reminded"
    outcome = escalate(conn, settings, report.id, None, now, reason=f"overdue_{timer.kind}")
    if outcome.key == "escalated" and outcome.report.level < TOP_LEVEL:
        timers_db.arm(conn, timer.kind, report.id, stamp(now + window), step=timer.step + 1)
    return outcome.key


def undeliverable(conn: sqlite3.Connection, settings: Settings, message: outbox.Outgoing, reason: str,
                  now: datetime) -> None:
    """A private message was refused for good (the person never pressed Start, or blocked the bot):
    mark them unreachable, give an unaccepted report to the next person, and tell the grid leader."""
    ts = stamp(now)
    if message.person_id is None:
        return
    people_db.mark_unreachable(conn, message.person_id, ts)
    if message.report_id is None or message.purpose not in ("assign", "escalate", "remind"):
        return
    report = reports_db.get(conn, message.report_id)
    person = people_db.by_id(conn, message.person_id)
    reports_db.add_event(conn, report.id, ts, None, "unreachable", person=person.name, reason=reason)
    if report.status == "open" and report.assignee_id == message.person_id:
        _assign(conn, settings, report, ts, exclude={message.person_id}, headline="rerouted")
    for leader in staff_at_level(conn, report.grid_id, 1):
        if leader.person_id != message.person_id and leader.reachable:
            notify.to_user(conn, settings, leader.telegram_user_id, "report/worker_unreachable", "leader_notice", ts,
                           priority=outbox.ASSIGN, report_id=report.id, report=report, name=person.name)


def open_tasks(conn: sqlite3.Connection, user_id: int) -> list[Report] | None:
    """The open reports assigned to this Telegram user, oldest first; None when they are not staff."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    return reports_db.open_for_assignee(conn, person.id)


def set_duty(conn: sqlite3.Connection, user_id: int, on: bool) -> str:
    """/duty on|off: `set`, `not_worker` (staff without a grid worker role) or `not_staff`."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return "not_staff"
    return "set" if people_db.set_duty(conn, person.id, on) else "not_worker"


def reports_of(conn: sqlite3.Connection, user_id: int) -> list[Report]:
    """/my: the reports this Telegram user filed."""
    return reports_db.of_reporter(conn, user_id)
