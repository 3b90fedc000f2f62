"""When a report's holder is gone — their private chat refuses the bot, or a re-import dropped them from
the roster — the report goes to the next person who can act, never back down the chain, and the grid's
leader (or whoever stands above) is told."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.routing import next_reachable_level, pick_assignee, reachable_at_level, staff_at_level
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db.people import Staff
from db.reports import Report


def undeliverable(conn: sqlite3.Connection, settings: Settings, message: outbox.Outgoing, reason: str,
                  now: datetime) -> None:
    """A private message was refused for good (the person never pressed Start, or blocked the bot): mark
    them unreachable; a report waiting on them moves on — to the next worker, or to the next person at
    its level, else up a level — and the leader is told, once."""
    if message.person_id is None:
        return
    ts = stamp(now)
    people_db.mark_unreachable(conn, message.person_id, ts)
    if message.report_id is None or message.purpose not in casework.CARD_PURPOSES:
        return
    report = reports_db.get(conn, message.report_id)
    person = people_db.by_id(conn, message.person_id)
    if report is None or person is None or report.status == "resolved":
        return
    # A second refusal for the same report (a reminder queued before the first one failed) changes nothing.
    if any(e.action == "unreachable" and e.detail.get("person_id") == person.id
           for e in reports_db.events(conn, report.id)):
        return
    reports_db.add_event(conn, report.id, ts, None, "unreachable", person=person.name, person_id=person.id,
                         reason=reason)
    _move_on(conn, settings, report, person.id, now)
    _tell_chain_head(conn, settings, casework.load(conn, report.id), "report/worker_unreachable", person.id,
                     person.name, ts)


def _move_on(conn: sqlite3.Connection, settings: Settings, report: Report, unreachable: int, now: datetime) -> None:
    """Whoever stood for the report cannot be reached: the next worker at level 0; above it, the next
    reachable person at the report's level, else the next level up (an escalation the resident hears of)."""
    holds_it = report.status == "open" and report.assignee_id == unreachable
    if report.level == 0:
        if holds_it:
            casework.assign(conn, settings, report, stamp(now), exclude={unreachable}, headline="rerouted")
        return
    if not holds_it and unreachable not in {s.person_id for s in staff_at_level(conn, report.grid_id, report.level)}:
        return                                          # a card for a level the report has already left
    others = reachable_at_level(conn, report.grid_id, report.level, exclude={unreachable})
    if not others:
        casework.escalate(conn, settings, report.id, None, now, reason="unreachable")
    elif holds_it:
        casework.hand_to(conn, settings, report, others[0], report.level, stamp(now), "rerouted")


def off_roster(conn: sqlite3.Connection, settings: Settings, person_ids: Iterable[int], now: datetime) -> int:
    """People whose roles a re-import removed: each unresolved report they hold but no longer have power
    over goes to a successor (routed as usual) and the leader is told. Returns how many moved."""
    ts, moved = stamp(now), 0
    for person_id in person_ids:
        person = people_db.by_id(conn, person_id)
        if person is None:
            continue
        for report in reports_db.open_for_assignee(conn, person_id):
            if casework.holds_power(conn, report, person_id):
                continue
            successor = _successor(conn, report, person_id)
            if successor is not None:
                staff, level = successor
                casework.hand_to(conn, settings, report, staff, level, ts, "reassigned", reason="off_roster",
                                 **{"from": person.name})
                if level > report.level:                # a real level change: the resident hears of it
                    notify.to_reporter(conn, settings, casework.load(conn, report.id), "report/status_escalated", ts)
            moved += 1
            _tell_chain_head(conn, settings, casework.load(conn, report.id), "report/reassigned_removed", person_id,
                             person.name, ts)
    return moved


def _successor(conn: sqlite3.Connection, report: Report, gone: int) -> tuple[Staff, int] | None:
    """Who takes over from `gone`: routing as usual for a worker's report; for an escalated one, someone at
    its level, else above it."""
    if report.level == 0:
        staff, level = pick_assignee(conn, report.grid_id, {gone})
        return (staff, level) if staff is not None else None
    same = reachable_at_level(conn, report.grid_id, report.level, {gone})
    if same:
        return same[0], report.level
    above = next_reachable_level(conn, report.grid_id, report.level, {gone})
    return (above[1][0], above[0]) if above is not None else None


def _tell_chain_head(conn: sqlite3.Connection, settings: Settings, report: Report, template: str, gone: int,
                     name: str, now: str) -> None:
    """Tell the grid's leader — or, when the leader is the one gone, the first reachable level above."""
    head = next_reachable_level(conn, report.grid_id, 0, {gone})
    holder = people_db.by_id(conn, report.assignee_id) if report.assignee_id is not None else None
    for staff in head[1] if head is not None else []:
        assert staff.telegram_user_id is not None       # reachable means linked
        notify.to_user(conn, settings, staff.telegram_user_id, template, "leader_notice", now,
                       priority=outbox.ASSIGN, report_id=report.id, report=report, name=name,
                       assignee=holder.name if holder is not None and holder.id != gone else "")
