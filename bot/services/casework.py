"""A report's life: submitted, assigned, accepted, noted, resolved, transferred, escalated.

Every function runs inside one database transaction and writes the messages it causes to the outbox.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Set
from typing import Any

from bot.services import media, notify, refusals
from bot.core.clock import stamp
from bot.core.config import Settings
from bot.core.errors import GridbotError
from bot.services.forms import priority as priority_of
from bot.services.org import ADMIN_ROLES
from bot.services.routing import NOBODY, TOP_LEVEL, next_reachable_level, pick_assignee
from db import areas as areas_db
from db import cards as cards_db
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db.people import Staff
from db.kinds import OutboxPriority
from db.reports import Report


CARD_PURPOSES = cards_db.CARD_PURPOSES


class Vanished(GridbotError):
    """A report or grid the caller just had in hand is not there (neither is ever deleted: a bug)."""


def load(conn: sqlite3.Connection, report_id: int) -> Report:
    """The report, which must exist."""
    report = reports_db.get(conn, report_id)
    if report is None:
        raise Vanished("report_missing", report_id=report_id)
    return report


@dataclass(frozen=True)
class Outcome:
    """What happened, for the answer to the person who acted: a message key and the report."""

    key: str
    report: Report | None = None
    extra: dict[str, Any] | None = None


def submit(conn: sqlite3.Connection, settings: Settings, user_id: int, form: dict[str, Any], now: datetime) -> Report:
    """Store a finished form as a report, route it, arm its timer, and queue the messages it causes."""
    grid = areas_db.by_code(conn, form["grid"])
    if grid is None:
        raise Vanished("unknown_grid", code=form["grid"])
    answers = dict(form["answers"])
    kind, behalf = answers.pop("kind"), answers.pop("behalf", "self")
    level_priority = priority_of(kind, answers, settings.risk_areas)
    ts = stamp(now)
    number = reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings))
    report_id = reports_db.create(
        conn, number=number, grid_id=grid.id, kind=kind, priority=level_priority, reporter_user=user_id,
        on_behalf=behalf == "other", details=answers, now=ts,
        accept_due_at=stamp(now + settings.accept_window(level_priority)),
        resolve_due_at=stamp(now + settings.accept_window(level_priority) + settings.resolve_window(level_priority)))
    reports_db.add_event(conn, report_id, ts, user_id, "created", priority=level_priority)
    media.record(conn, report_id, answers, ts)
    report = load(conn, report_id)
    notify.to_reporter(conn, settings, report, "report/submitted", ts)
    assign(conn, settings, report, ts)
    timers_db.arm(conn, "accept", report_id, report.accept_due_at)
    return load(conn, report_id)


def assign(conn: sqlite3.Connection, settings: Settings, report: Report, now: str, exclude: Set[int] = NOBODY,
            headline: str = "assigned", **why: Any) -> Staff | None:
    """Route the report as usual (see `routing.pick_assignee`) and send the card; None when nobody is there."""
    staff, level = pick_assignee(conn, report.grid_id, exclude)
    if staff is None:
        reports_db.add_event(conn, report.id, now, None, "unassigned")
        return None
    hand_to(conn, settings, report, staff, level, now, headline, **why)
    return staff


def hand_to(conn: sqlite3.Connection, settings: Settings, report: Report, staff: Staff, level: int, now: str,
             headline: str, **why: Any) -> None:
    """Make `staff` the report's holder at `level`, in its history, and send them the card."""
    reports_db.update(conn, report.id, assignee_id=staff.person_id, level=level)
    reports_db.add_event(conn, report.id, now, None, "assigned", to=staff.name, level=level, **why)
    priority: OutboxPriority = outbox.ASSIGN if level == 0 else outbox.URGENT
    notify.card_to_staff(conn, settings, load(conn, report.id), staff, headline, priority, "assign", now)


def holds_power(conn: sqlite3.Connection, report: Report, person_id: int) -> bool:
    """What the person's roles give them NOW: the grid's leader and admins of the areas above may act on a
    report; its assignee too while they still work in its grid (a worker dropped from the roster does not)."""
    above = {a.id for a in areas_db.ancestors(conn, report.grid_id)}
    for role in people_db.roles_of(conn, person_id):
        if role.area_id == report.grid_id and (role.role == "grid_leader" or (
                role.role == "grid_worker" and report.assignee_id == person_id)):
            return True
        if role.role in ADMIN_ROLES and role.area_id in above:
            return True
    return False


def may_act(conn: sqlite3.Connection, report: Report, user_id: int) -> bool:
    """May this Telegram user act on the report now (see `holds_power`)."""
    person = people_db.by_telegram_id(conn, user_id)
    return person is not None and holds_power(conn, report, person.id)


def _acting(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime, unresolved: bool
            ) -> Report | Outcome:
    """The report, if `user_id` may act on it; otherwise the refusal (a refused person is recorded in its
    history). With `unresolved`, a resolved report is refused too (nothing more can be done to it)."""
    report = reports_db.get(conn, report_id)
    if report is None:
        return Outcome("not_found")
    if not may_act(conn, report, user_id):
        refusals.record(conn, user_id, report.id, now)
        return Outcome("forbidden", report)
    if unresolved and report.status == "resolved":
        return Outcome("already_resolved", report)
    return report


def load_for_action(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                    ) -> tuple[Report | None, Outcome | None]:
    """(report, None) if `user_id` may act on it; otherwise (None, the refusal)."""
    found = _acting(conn, report_id, user_id, now, unresolved=False)
    return (None, found) if isinstance(found, Outcome) else (found, None)


def load_unresolved(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                    ) -> tuple[Report | None, Outcome | None]:
    """Like `load_for_action`, and a resolved report is refused too."""
    found = _acting(conn, report_id, user_id, now, unresolved=True)
    return (None, found) if isinstance(found, Outcome) else (found, None)


def accept(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, now: datetime) -> Outcome:
    report = _acting(conn, report_id, user_id, now, unresolved=False)
    if isinstance(report, Outcome):
        return report
    if report.status != "open":
        return Outcome(f"already_{report.status}", report)
    ts = stamp(now)
    person = people_db.by_telegram_id(conn, user_id)
    assert person is not None                           # _acting found them
    resolve_due = stamp(now + settings.resolve_window(report.priority))
    reports_db.update(conn, report.id, status="accepted", accepted_at=ts, assignee_id=person.id,
                      resolve_due_at=resolve_due)
    reports_db.add_event(conn, report.id, ts, user_id, "accepted")
    timers_db.cancel(conn, report.id)
    timers_db.arm(conn, "resolve", report.id, resolve_due)
    report = load(conn, report.id)
    notify.to_reporter(conn, settings, report, "report/status_accepted", ts)
    from bot.services.monitoring import on_accepted          # the rules: an arrival may start home monitoring

    on_accepted(conn, settings, report, person.id, now)
    return Outcome("accepted", report)


def add_note(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, text: str,
             now: datetime) -> Outcome:
    report = _acting(conn, report_id, user_id, now, unresolved=True)
    if isinstance(report, Outcome):
        return report
    reports_db.add_event(conn, report.id, stamp(now), user_id, "note", text=text)
    return Outcome("noted", load(conn, report.id))


def resolve(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, result: str,
            now: datetime) -> Outcome:
    report = _acting(conn, report_id, user_id, now, unresolved=True)
    if isinstance(report, Outcome):
        return report
    ts = stamp(now)
    reports_db.update(conn, report.id, status="resolved", resolved_at=ts, outcome=result,
                      accepted_at=report.accepted_at or ts)
    reports_db.add_event(conn, report.id, ts, user_id, "resolved", outcome=result)
    timers_db.cancel(conn, report.id)
    report = load(conn, report.id)
    from bot.services.visits import after_resolve          # a follow-up visit, and the resident's satisfaction

    asking = after_resolve(conn, settings, report, user_id, now)
    # The one satisfaction question of this resolution rides on the news of it (no second question follows).
    notify.to_reporter(conn, settings, report, "report/status_resolved", ts, reply_markup=asking,
                       satisfaction=asking is not None)
    return Outcome("resolved", report)


def transfer_choices(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
                     ) -> tuple[Outcome, list[Staff]]:
    """The grid's workers a report may be handed to (not its current assignee)."""
    report = _acting(conn, report_id, user_id, now, unresolved=True)
    if isinstance(report, Outcome):
        return report, []
    workers = [w for w in people_db.staff_at(conn, report.grid_id, "grid_worker")
               if w.person_id != report.assignee_id and w.telegram_user_id is not None]
    return Outcome("choose_worker", report), workers


def transfer(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, person_id: int,
             now: datetime) -> Outcome:
    report = _acting(conn, report_id, user_id, now, unresolved=True)
    if isinstance(report, Outcome):
        return report
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
    report = load(conn, report.id)
    notify.card_to_staff(conn, settings, report, target, "transferred", outbox.ASSIGN, "assign", ts)
    return Outcome("transferred", report, {"name": target.name})


def escalate(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int | None, now: datetime,
             reason: str = "manual") -> Outcome:
    """Raise the report to the next level up with someone reachable (leader → community → town); the
    people there get it with its history. Levels whose staff cannot be messaged are passed over."""
    found = _acting(conn, report_id, user_id, now, unresolved=False) if user_id is not None \
        else reports_db.get(conn, report_id) or Outcome("not_found")
    if isinstance(found, Outcome):
        return found
    report = found
    if report.status == "resolved":
        return Outcome("already_resolved", report)
    above = next_reachable_level(conn, report.grid_id, report.level)
    if above is None:
        return Outcome("top_level", report)
    level, targets = above
    ts = stamp(now)
    changes: dict[str, Any] = {"level": level}
    if report.status == "open":
        changes["assignee_id"] = targets[0].person_id
    reports_db.update(conn, report.id, **changes)
    reports_db.add_event(conn, report.id, ts, user_id, "escalated", level=level, reason=reason)
    report = load(conn, report.id)
    for staff in targets:
        notify.card_to_staff(conn, settings, report, staff, "escalated", outbox.URGENT, "escalate", ts, reason=reason)
    notify.to_reporter(conn, settings, report, "report/status_escalated", ts)
    return Outcome("escalated", report)


def fire_timer(conn: sqlite3.Connection, settings: Settings, timer: timers_db.Timer, now: datetime) -> str:
    """A due time passed: remind the assignee first, then escalate one level at each further window."""
    if timer.kind not in ("accept", "resolve"):           # a service task's (check-ins, campaigns, visits…)
        from bot.services.task_timers import fire

        return fire(conn, settings, timer, now)
    if not timers_db.claim(conn, timer.id):
        return "stale"
    report = reports_db.get(conn, timer.report_id) if timer.report_id is not None else None
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
    if outcome.key == "escalated" and outcome.report is not None and outcome.report.level < TOP_LEVEL:
        timers_db.arm(conn, timer.kind, report.id, stamp(now + window), step=timer.step + 1)
    return outcome.key


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
