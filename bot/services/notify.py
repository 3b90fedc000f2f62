"""Composing messages to people into the outbox (in the caller's transaction), from templates."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import parse_stamp
from bot.core.config import Settings
from bot.services import media
from bot.services.flows.attachments import counts
from bot.services.flows.kinds import REPORT_KINDS
from db import accounts as accounts_db
from db import areas as areas_db
from db import audit
from db import outbox
from db.kinds import OutboxPriority
from db import people as people_db
from db import reports as reports_db
from db.people import Staff
from db.reports import Report
from messages import locale_for, render

ACTIONS = ("acc", "note", "res", "xfer", "esc")
WITH_ATTACHMENTS = ("assign", "escalate")        # a card that reaches someone new brings the photos and place


def local_time(moment: str | None, settings: Settings) -> str:
    return parse_stamp(moment).astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def detail_rows(report: Report) -> list[tuple[str, Any]]:
    """The answers in the form's order (and what the kind shows besides), for display."""
    kind = REPORT_KINDS.get(report.kind)
    if kind is None:                                # a report no form files (a health alert): as it was stored
        return list(report.details.items())
    order = [step.key for step in kind.steps if step.into == "answers"] + list(kind.shown)
    return [(key, report.details[key]) for key in order if key in report.details]


# Answers a form may hold that are the reporter's own contact (the arrival form's phone is theirs when they
# report for themselves).
CONTACT_KEYS = ("reporter_phone", "contact_phone", "contact")


def anonymous(report: Report) -> bool:
    """The reporter chose not to be named (a tip's "yes"; True where a form stores a flag)."""
    return report.details.get("anonymous") in (True, "yes")


def reporter_of(conn: sqlite3.Connection, report: Report) -> dict[str, Any]:
    """Who filed the report, for staff: their roster name and phone when they are staff, else their Telegram
    name and the contact they gave; `anonymous` when the form let them stay unnamed."""
    if anonymous(report):
        return person_of(conn, report.reporter_user, anonymous=True)
    phone = next((str(report.details[k]) for k in CONTACT_KEYS if report.details.get(k)), "")
    if not phone and not report.on_behalf and report.details.get("phone"):
        phone = str(report.details["phone"])
    return person_of(conn, report.reporter_user, anonymous=False, phone=phone)


def person_of(conn: sqlite3.Connection, user_id: int, *, anonymous: bool, phone: str = "") -> dict[str, Any]:
    """A resident as staff may see them (as `reporter_of` has it): nothing at all when `anonymous`."""
    if anonymous:
        return {"anonymous": True, "name": "", "username": "", "phone": ""}
    staff = people_db.by_telegram_id(conn, user_id)
    seen = accounts_db.telegram_user(conn, user_id)
    return {"anonymous": False, "name": staff.name if staff else (seen.first_name if seen else ""),
            "username": seen.username if seen and seen.username else "",
            "phone": staff.phone if staff and not phone else phone}


def report_view(conn: sqlite3.Connection, report: Report, settings: Settings) -> dict[str, Any]:
    """What templates need to show a report to staff: details, grid, due times, history."""
    grid = areas_db.by_id(conn, report.grid_id)
    names = {}
    history = []
    hidden = anonymous(report)
    for event in reports_db.events(conn, report.id):
        actor = ""
        # An anonymous reporter stays unnamed in the history too, also when they happen to be staff.
        if event.actor_user is not None and not (hidden and event.actor_user == report.reporter_user):
            if event.actor_user not in names:
                person = people_db.by_telegram_id(conn, event.actor_user)
                names[event.actor_user] = person.name if person else ""
            actor = names[event.actor_user]
        history.append({"at": local_time(event.at, settings), "action": event.action, "actor": actor,
                        "reporter": event.actor_user == report.reporter_user, "detail": event.detail})
    assignee = people_db.by_id(conn, report.assignee_id) if report.assignee_id else None
    return {"report": report, "grid": grid, "rows": detail_rows(report), "history": history,
            "reporter": reporter_of(conn, report), "assignee": assignee.name if assignee else "",
            "place": media.place_of(settings, report.details),
            "attached": counts(report.details.get("media") or [], report.details.get("location")),
            "accept_due": local_time(report.accept_due_at, settings),
            "resolve_due": local_time(report.resolve_due_at, settings)}


def staff_buttons(report: Report, locale: str) -> dict[str, Any] | None:
    kind = REPORT_KINDS.get(report.kind)
    if kind is not None and kind.buttons is not None and (own := kind.buttons(report)) is not None:
        return {"inline_keyboard": [[{"text": render(f"buttons/{name}", locale), "callback_data": data}
                                     for data, name in row] for row in own]} if own else None
    if report.status == "resolved":
        return None

    def button(action: str) -> dict[str, str]:
        return {"text": render(f"buttons/{action}", locale), "callback_data": f"r|{report.id}|{action}"}

    rows = [[button("acc")]] if report.status == "open" else []
    rows += [[button("note"), button("res")], [button("xfer"), button("esc")]]
    if report.kind == "arrival":                    # the service tasks that follow an arrival (handlers/tasks_*)
        rows.append([{"text": render("buttons/monitor", locale), "callback_data": f"mo|{report.id}|panel"},
                     {"text": render("buttons/household", locale), "callback_data": f"ha|{report.id}"}])
    return {"inline_keyboard": rows}


def card(conn: sqlite3.Connection, settings: Settings, report: Report, locale_code: str | None, headline: str,
         **extra: Any) -> tuple[str, dict[str, Any] | None]:
    """The full report with its history, and the action buttons: (HTML text, inline keyboard)."""
    locale = locale_for(locale_code, settings.locale)
    text = render("report/card", locale, headline=headline, **extra, **report_view(conn, report, settings))
    return text, staff_buttons(report, locale)


def card_to_staff(conn: sqlite3.Connection, settings: Settings, report: Report, staff: Staff, headline: str,
                  priority: OutboxPriority, purpose: str, now: str, **extra: Any) -> int | None:
    """The card, to one staff member's private chat."""
    if staff.telegram_user_id is None:
        return None
    text, buttons = card(conn, settings, report, staff.locale, headline, **extra)
    audit.record(conn, now, None, "report_disclosed", f"report:{report.id}", to_person=staff.person_id,
                 why=purpose)
    card_id = outbox.add(conn, now, chat_id=staff.telegram_user_id, text=text, purpose=purpose, priority=priority,
                         reply_markup=buttons, person_id=staff.person_id, report_id=report.id)
    if purpose in WITH_ATTACHMENTS:
        media.to_staff(conn, settings, report, staff, priority, now)
    return card_id


def to_user(conn: sqlite3.Connection, settings: Settings, user_id: int, template: str, purpose: str, now: str,
            priority: OutboxPriority = outbox.NOTICE, report_id: int | None = None, person_id: int | None = None,
            reply_markup: dict[str, Any] | None = None, **context: Any) -> int:
    """A message to a Telegram user in their own language."""
    locale = locale_for(people_db.language_of(conn, user_id), settings.locale)
    return outbox.add(conn, now, chat_id=user_id, text=render(template, locale, **context), purpose=purpose,
                      priority=priority, reply_markup=reply_markup, person_id=person_id, report_id=report_id)


def to_reporter(conn: sqlite3.Connection, settings: Settings, report: Report, template: str, now: str,
                **context: Any) -> int:
    grid = areas_db.by_id(conn, report.grid_id)
    return to_user(conn, settings, report.reporter_user, template, "reporter", now, report_id=report.id,
                   report=report, grid=grid, **context)


def local_day(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).strftime("%Y%m%d")
