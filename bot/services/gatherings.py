"""Gathering applications (聚集活动申报): routed by size to the grid leader, the community admin or the town admin;
approved (with conditions) or refused, the applicant told each decision; escalated when undecided in time like
any report; approved ones listed (/gatherings). The reminders and the check on site: `gathering_checks.py`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.services import casework, media, notify, refusals
from bot.services.flows.model import Env, Result
from bot.services.org import ADMIN_ROLES
from bot.services.routing import next_reachable_level, staff_at_level
from bot.services.views import Message, Screen
from db import areas as areas_db
from db import gatherings as gatherings_db
from db import places
from db import people as people_db
from db import reports as reports_db
from db import timers as timers_db
from db.gatherings import Gathering
from db.kinds import EscalationLevel, Role
from db.reports import Report

# How high each role stands (a person may decide an application at their level or below it).
ROLE_LEVEL: dict[Role, int] = {"grid_leader": 1, "community_admin": 2, "town_admin": 3, "city_admin": 4}
CHECKERS: frozenset[Role] = frozenset({"grid_worker", "grid_leader"})


def approver_level(settings: Settings, people: int) -> EscalationLevel:
    """1 (grid leader) up to `gathering_grid_max` people, 2 (community admin) up to `gathering_community_max`,
    else 3 (town admin)."""
    if people <= settings.gathering_grid_max:
        return 1
    return 2 if people <= settings.gathering_community_max else 3


def span(settings: Settings, day: str, hours: str) -> tuple[datetime, datetime]:
    """The local day and `HH:MM-HH:MM` as aware moments."""
    start, end = hours.split("-")
    on = date.fromisoformat(day)
    return (datetime.combine(on, time.fromisoformat(start), tzinfo=settings.tz),
            datetime.combine(on, time.fromisoformat(end), tzinfo=settings.tz))


def submit(env: Env, form: dict[str, Any]) -> Result:
    """Store the application as a report and hand it to whoever decides at its size (the first reachable level
    from there up); undecided after `gathering_decide_hours` it is reminded, then escalated."""
    conn, settings, now = env.conn, env.settings, env.now
    grid = areas_db.by_code(conn, form["grid"])
    if grid is None:
        raise casework.Vanished("unknown_grid", code=form["grid"])
    details = {k: v for k, v in form["answers"].items() if k != "kind"}
    starts, ends = span(settings, details["date"], details["hours"])
    level = approver_level(settings, int(details["people"]))
    ts = stamp(now)
    decide_by = now + timedelta(hours=settings.gathering_decide_hours)
    number = reports_db.next_number(conn, grid.id, grid.code, notify.local_day(now, settings))
    report_id = reports_db.create(
        conn, number=number, grid_id=grid.id, kind="gathering", priority="normal", reporter_user=env.user_id,
        on_behalf=False, details=details, now=ts, accept_due_at=stamp(decide_by),
        resolve_due_at=stamp(decide_by + settings.resolve_window("normal")))
    reports_db.add_event(conn, report_id, ts, env.user_id, "created", priority="normal", level=level)
    media.record(conn, report_id, details, ts)
    gatherings_db.add(conn, report_id=report_id, grid_id=grid.id, occasion=details["occasion"],
                      starts_at=stamp(starts), ends_at=stamp(ends), people=int(details["people"]),
                      approver_level=level)
    report = casework.load(conn, report_id)
    notify.to_reporter(conn, settings, report, "report/submitted", ts, approver=level)
    found = next_reachable_level(conn, grid.id, level - 1)
    if found is not None:
        casework.hand_to(conn, settings, report, found[1][0], found[0], ts, "application")
    else:
        nobody = staff_at_level(conn, grid.id, level)
        if nobody:
            casework.hand_to(conn, settings, report, nobody[0], level, ts, "application")
        else:
            reports_db.add_event(conn, report_id, ts, None, "unassigned")
    timers_db.arm(conn, "accept", report_id, stamp(decide_by))
    return Result("report/toast_submitted", {"report": report}, toast=True)


def card_buttons(report: Report) -> list[list[tuple[str, str]]] | None:
    """An application's card: approve, refuse, ask the applicant, escalate; none once decided. A gathering not
    kept to its approval (`violation_of`) is an ordinary report with the usual buttons (None)."""
    if report.details.get("violation_of"):
        return None
    if report.status == "resolved":
        return []
    rid = report.id
    return [[(f"g|{rid}|ok", "gathering_approve"), (f"g|{rid}|no", "gathering_refuse")],
            [(f"q|{rid}|ask", "ask_applicant"), (f"r|{rid}|esc", "esc")]]


def level_of(conn: sqlite3.Connection, grid_id: int, user_id: int, roles: frozenset[Role] | None = None) -> int:
    """The highest level this person stands at over the grid (0: none); with `roles`, holding one of them at
    the grid itself counts as 1."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return 0
    chain = {a.id for a in areas_db.ancestors(conn, grid_id)}
    best = 0
    for role in people_db.roles_of(conn, person.id):
        if role.area_id not in chain:
            continue
        if role.role in ROLE_LEVEL and (role.role != "grid_leader" or role.area_id == grid_id):
            best = max(best, ROLE_LEVEL[role.role])
        elif roles is not None and role.role in roles and role.area_id == grid_id:
            best = max(best, 1)
    return best


def may_decide(conn: sqlite3.Connection, gathering: Gathering, user_id: int) -> bool:
    """Whoever stands at the application's approver level or above (the grid leader for a small one; the
    community admin, the town and city above them)."""
    return level_of(conn, gathering.grid_id, user_id) >= gathering.approver_level


def _toast(template: str, **context: Any) -> Screen:
    return Screen("stale", Message(template, context), toast=True)


def _pending(conn: sqlite3.Connection, report_id: int, user_id: int, now: datetime
             ) -> tuple[Report, Gathering] | str:
    """The application and its report if this person may decide it now; else why not (`not_found`,
    `forbidden`, recorded as a refused press, or `already_decided`)."""
    report, gathering = reports_db.get(conn, report_id), gatherings_db.get(conn, report_id)
    if report is None or gathering is None:
        return "not_found"
    if not may_decide(conn, gathering, user_id):
        refusals.record(conn, user_id, report.id, now)
        return "forbidden"
    return (report, gathering) if gathering.status == "pending" else "already_decided"


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, action: str,
            now: datetime) -> Screen:
    """`g|<id>|ok` (approve: conditions asked first), `no` (refuse: the reason asked first), `chk` (checked on
    site: kept or not, a note and photos asked), each checked against the database now."""
    from bot.services.flows import engine      # imported when used: its registry loads the flows that call here

    if action == "chk":
        gathering = gatherings_db.get(conn, report_id)
        if gathering is None or gathering.status != "approved":
            return _toast("casework/outcome/stale")
        if level_of(conn, gathering.grid_id, user_id, CHECKERS) < 1:
            return _toast("gatherings/outcome/not_checker")
        if gathering.checked is not None:
            return _toast("gatherings/outcome/already_checked")
        return engine.start(conn, settings, user_id, "gathering_check", now, context={"report_id": report_id})
    if action not in ("ok", "no"):
        return _toast("casework/outcome/stale")
    found = _pending(conn, report_id, user_id, now)
    if isinstance(found, str):
        return _toast(f"gatherings/outcome/{found}")
    flow = "gathering_approve" if action == "ok" else "gathering_refuse"
    return engine.start(conn, settings, user_id, flow, now, context={"report_id": report_id})


@dataclass(frozen=True)
class Decided:
    """What a decision did, for the decider (`asides/outcome/<key>`)."""

    key: str
    report: Report | None = None
    extra: dict[str, Any] | None = None


def _decide(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, approve: bool, text: str,
            now: datetime) -> Decided:
    found = _pending(conn, report_id, user_id, now)
    if isinstance(found, str):
        return Decided(found)
    report, gathering = found
    ts = stamp(now)
    gatherings_db.decide(conn, report.id, "approved" if approve else "refused", by=user_id, now=ts,
                         conditions=text or None)
    reports_db.update(conn, report.id, status="resolved", resolved_at=ts, outcome=text or None,
                      accepted_at=report.accepted_at or ts)
    reports_db.add_event(conn, report.id, ts, user_id, "approved" if approve else "refused_application",
                         **({"text": text} if text else {}))
    timers_db.cancel(conn, report.id)
    report = casework.load(conn, report.id)
    if approve:
        _arm_reminders(conn, settings, gathering, now)
    notify.to_reporter(conn, settings, report, f"gatherings/{'approved' if approve else 'refused'}", ts,
                       conditions=text, reason=text, **when(settings, gathering))
    return Decided("approved" if approve else "refused", report)


def approve(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, conditions: str,
            now: datetime) -> Decided:
    return _decide(conn, settings, report_id, user_id, True, conditions, now)


def refuse(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, reason: str,
           now: datetime) -> Decided:
    return _decide(conn, settings, report_id, user_id, False, reason, now)


def when(settings: Settings, gathering: Gathering) -> dict[str, str]:
    starts, ends = (parse_stamp(s).astimezone(settings.tz) for s in (gathering.starts_at, gathering.ends_at))
    return {"starts": starts.strftime("%Y-%m-%d %H:%M"), "ends": ends.strftime("%H:%M")}


def _arm_reminders(conn: sqlite3.Connection, settings: Settings, gathering: Gathering, now: datetime) -> None:
    """The day before at `gathering_remind_hour`, and on the day at that hour (or an hour before it starts, if
    earlier); one already past fires at the next tick, unless the gathering is over."""
    starts = parse_stamp(gathering.starts_at).astimezone(settings.tz)
    hour = time(settings.gathering_remind_hour)
    on_day = min(datetime.combine(starts.date(), hour, tzinfo=settings.tz), starts - timedelta(hours=1))
    eve = datetime.combine(starts.date() - timedelta(days=1), hour, tzinfo=settings.tz)
    if now < on_day:
        gatherings_db.arm(conn, gathering.report_id, "eve", stamp(eve))
    if now < parse_stamp(gathering.ends_at):
        gatherings_db.arm(conn, gathering.report_id, "day", stamp(on_day))


@dataclass(frozen=True)
class Listed:
    """Upcoming approved gatherings, and what to show of each."""

    gatherings: list[Gathering]
    reports: dict[int, Report]
    times: dict[int, tuple[str, str]]


def upcoming(conn: sqlite3.Connection, settings: Settings, grid_ids: list[int], start: datetime, end: datetime
             ) -> Listed:
    found = gatherings_db.approved_between(conn, grid_ids, stamp(start), stamp(end))
    reports = {g.report_id: reports_db.load(conn, g.report_id) for g in found}
    times: dict[int, tuple[str, str]] = {}
    for g in found:
        moments = when(settings, g)
        times[g.report_id] = (moments["starts"], moments["ends"])
    return Listed(found, reports, times)


def scope(conn: sqlite3.Connection, user_id: int) -> list[int] | None:
    """The grids whose gatherings a staff member sees: their grids' (any role there), or their area's."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    grids: set[int] = set()
    for role in people_db.roles_of(conn, person.id):
        grids.update(places.grids_within(conn, role.area_id) if role.role in ADMIN_ROLES else [role.area_id])
    return sorted(grids) or None


def for_staff(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime, days: int = 14
              ) -> Listed | None:
    """/gatherings in private: the next `days` in the person's scope; None when they are not staff."""
    grids = scope(conn, user_id)
    return upcoming(conn, settings, grids, now, now + timedelta(days=days)) if grids is not None else None


def for_group(conn: sqlite3.Connection, settings: Settings, grid_id: int, now: datetime, days: int = 14) -> Listed:
    return upcoming(conn, settings, [grid_id], now, now + timedelta(days=days))


def for_area(conn: sqlite3.Connection, settings: Settings, area_code: str, start: datetime, end: datetime
             ) -> Listed | None:
    """`gridbot gatherings --area CODE`; None for an unknown area."""
    area = areas_db.by_code(conn, area_code)
    return upcoming(conn, settings, places.grids_within(conn, area.id), start, end) if area is not None else None


def begin_application(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> Screen:
    """/apply in private: the report form with its kind already a gathering (the grid asked first)."""
    from bot.services.flows import engine, registry, stored  # imported when used: the registry loads flows calling here
    from bot.services.flows.model import ConversationState

    state = ConversationState("report", {"kind": "gathering"})
    stored.save(conn, user_id, state, now)
    return engine.show(registry.load("report"), Env(conn, settings, user_id, now, state))

