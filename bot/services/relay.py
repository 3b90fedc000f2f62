"""Questions from staff to the person who filed a report (a tipster, an applicant) and their answers, relayed by
the bot through both private chats: neither side sees the other's name, phone or Telegram account. A tip's
question reaches every tipster whose tip was linked to it too; an answer says which tipster it is by number
(1 the first). The relay is per report and ends when the report is closed."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.views import Message, Screen
from db import outbox
from db import people as people_db
from db import reports as reports_db
from db import tips as tips_db
from db.people import Staff
from db.reports import Report
from messages import locale_for, render

RELAYED_KINDS = ("tip", "gathering")


def _toast(template: str, **context: Any) -> Screen:
    return Screen("stale", Message(template, context), toast=True)


def _reply_button(report_id: int, locale: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": render("buttons/relay_reply", locale),
                                  "callback_data": f"q|{report_id}|reply"}]]}


def _ask_button(report_id: int, locale: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": render("buttons/ask_again", locale), "callback_data": f"q|{report_id}|ask"}]]}


def tipsters(conn: sqlite3.Connection, report: Report) -> list[tuple[int, bool]]:
    """Who a question about the report goes to, numbered by position: its reporter, then each tipster whose tip
    was linked to it, as (Telegram user id, anonymous). Someone who tipped twice is asked once, and stays
    anonymous if either tip was."""
    people = [(report.reporter_user, notify.anonymous(report))]
    if report.kind == "tip":
        people += [(t.user_id, t.anonymous) for t in tips_db.linked_to(conn, report.id)]
    hidden = {user for user, anonymous in people if anonymous}
    order = list(dict.fromkeys(user for user, _ in people))
    return [(user, user in hidden) for user in order]


def _number(conn: sqlite3.Connection, report: Report, user_id: int) -> tuple[int, bool] | None:
    """The tipster's number (1 the reporter) and whether they are anonymous; None for anyone else."""
    return next(((n, anonymous) for n, (user, anonymous) in enumerate(tipsters(conn, report), start=1)
                 if user == user_id), None)


def pressed(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, action: str,
            now: datetime) -> Screen:
    """`q|<id>|ask` (staff: write a question) or `q|<id>|reply` (the reporter: write the answer), checked now."""
    from bot.services.flows import engine      # imported when used: its registry loads the flows that call here

    if action == "ask":
        report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
        if refusal is not None:
            return _toast(f"casework/outcome/{refusal.key}", report=refusal.report)
        assert report is not None
        if report.kind not in RELAYED_KINDS:
            return _toast("casework/outcome/stale")
        return engine.start(conn, settings, user_id, "relay_ask", now, context={"report_id": report.id})
    if action == "reply":
        found = reports_db.get(conn, report_id)
        if found is None or found.kind not in RELAYED_KINDS or _number(conn, found, user_id) is None:
            return _toast("casework/outcome/stale")
        if found.status == "resolved":
            return _toast("relay/closed", report=found)
        return engine.start(conn, settings, user_id, "relay_answer", now, context={"report_id": found.id})
    return _toast("casework/outcome/stale")


def ask(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, text: str, now: datetime
        ) -> casework.Outcome:
    """Relay a question to the reporter's private chat (and each linked tipster's), with a button to answer it."""
    report, refusal = casework.load_unresolved(conn, report_id, user_id, now)
    if refusal is not None:
        return refusal
    assert report is not None
    ts = stamp(now)
    reports_db.add_event(conn, report.id, ts, user_id, "asked", text=text)
    for tipster, _ in tipsters(conn, report):
        locale = locale_for(people_db.language_of(conn, tipster), settings.locale)
        notify.to_user(conn, settings, tipster, "relay/question", "relay", ts, priority=outbox.ASSIGN,
                       report_id=report.id, reply_markup=_reply_button(report.id, locale), report=report, text=text)
    return casework.Outcome("relayed", report)


def answer(conn: sqlite3.Connection, settings: Settings, report_id: int, user_id: int, text: str, now: datetime
           ) -> casework.Outcome:
    """Relay a reporter's (or linked tipster's) answer to whoever asked last (if they may still act on the report),
    else to its assignee; nobody is told who answered beyond "the reporter" or "tipster 2"."""
    report = reports_db.get(conn, report_id)
    found = _number(conn, report, user_id) if report is not None else None
    if report is None or found is None:
        return casework.Outcome("stale")
    if report.status == "resolved":
        return casework.Outcome("relay_closed", report)
    ts = stamp(now)
    number, hidden = found
    # Numbered only where there is more than one tipster to tell apart.
    tipster = number if len(tipsters(conn, report)) > 1 else None
    reports_db.add_event(conn, report.id, ts, None if hidden else user_id, "answered", text=text,
                         **({"tipster": tipster} if tipster else {}))
    for staff in _askers(conn, report):
        assert staff.telegram_user_id is not None
        locale = locale_for(staff.locale, settings.locale)
        notify.to_user(conn, settings, staff.telegram_user_id, "relay/answer", "relay", ts, priority=outbox.ASSIGN,
                       report_id=report.id, reply_markup=_ask_button(report.id, locale), report=report, text=text,
                       tipster=tipster)
    return casework.Outcome("answer_relayed", report)


def _askers(conn: sqlite3.Connection, report: Report) -> list[Staff]:
    last = next((e for e in reversed(reports_db.events(conn, report.id)) if e.action == "asked"), None)
    asker = people_db.by_telegram_id(conn, last.actor_user) if last and last.actor_user is not None else None
    if asker is not None and casework.holds_power(conn, report, asker.id):
        chosen = people_db.staff_member(conn, asker.id)
    else:
        chosen = people_db.staff_member(conn, report.assignee_id) if report.assignee_id is not None else None
    return [chosen] if chosen is not None and chosen.telegram_user_id is not None else []
