"""A report's cards kept up to date in place: every press that changes the report re-renders the cards
already delivered to staff, for the handler to edit once the change is committed.

Why the handler edits and not the outbox: the outbox only sends new messages today (it has no edit
method), and a change made by a press is the moment its cards go stale. Changes without a press (a timer's
reminder or escalation, a note or a resolution typed as text) send fresh cards or answers, and the
next press brings every card up to date again."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.core.telegram_html import split_html
from bot.services import casework, notify
from db import audit
from db import cards as cards_db
from db import people as people_db
from db.reports import Report

Press = Literal["acc", "esc", "to"]
CHANGED = ("accepted", "escalated", "transferred")


@dataclass(frozen=True)
class CardEdit:
    """One card to edit: its new text (None: only the buttons change) and its buttons (None: none)."""

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict[str, Any] | None


def press(conn: sqlite3.Connection, settings: Settings, action: Press, report_id: int, user_id: int,
          now: datetime, target: int | None = None, pressed: tuple[int, int] | None = None
          ) -> tuple[casework.Outcome, list[CardEdit]]:
    """A card button that changes the report (accept, escalate, transfer to `target`), and the card edits
    it causes; `pressed` (chat id, message id) is the card pressed, edited even if the outbox has not yet
    recorded it as delivered. A press that changes nothing (`already_*`) edits the pressed card alone, as it
    stands now (its edit after an earlier press may have been lost)."""
    if action == "acc":
        outcome = casework.accept(conn, settings, report_id, user_id, now)
    elif action == "esc":
        outcome = casework.escalate(conn, settings, report_id, user_id, now)
    elif target is not None:
        outcome = casework.transfer(conn, settings, report_id, user_id, target, now)
    else:
        return casework.Outcome("stale"), []
    if outcome.report is None or (outcome.key not in CHANGED and not outcome.key.startswith("already_")):
        return outcome, []
    # Nothing changed (`already_*`), but the pressed card may be stale: its edit after an earlier press was lost (a
    # crash between the commit and the edit). It alone is shown as it stands now, so the next press heals it.
    delivered = cards_db.delivered(conn, outcome.report.id) if outcome.key in CHANGED else []
    if pressed is not None and pressed not in {(c.chat_id, c.message_id) for c in delivered}:
        person = people_db.by_telegram_id(conn, user_id)
        if person is not None:
            delivered.append(cards_db.DeliveredCard(*pressed, person.id))
    # One list, so that a person's card is rendered (and its disclosure audited) once per press, not once for the
    # delivered cards and again for the card pressed.
    return outcome, _edits(conn, settings, casework.load(conn, outcome.report.id), delivered, now)


def _edits(conn: sqlite3.Connection, settings: Settings, report: Report, delivered_cards: list[cards_db.DeliveredCard],
           now: datetime) -> list[CardEdit]:
    edits: list[CardEdit] = []
    rendered: dict[int, tuple[str, dict[str, Any] | None]] = {}
    power: dict[int, bool] = {}
    for delivered in delivered_cards:
        if delivered.person_id not in power:
            power[delivered.person_id] = casework.holds_power(conn, report, delivered.person_id)
        if not power[delivered.person_id]:
            edits.append(CardEdit(delivered.chat_id, delivered.message_id, None, None))
            continue
        if delivered.person_id not in rendered:
            staff = people_db.staff_member(conn, delivered.person_id)
            rendered[delivered.person_id] = notify.card(conn, settings, report, staff.locale if staff else None,
                                                        "updated")
            audit.record(conn, stamp(now), None, "report_disclosed", f"report:{report.id}",
                         to_person=delivered.person_id, why="card_update")
        text, buttons = rendered[delivered.person_id]
        # A card too long for one message went out in parts, the buttons on the last: keep its text.
        edits.append(CardEdit(delivered.chat_id, delivered.message_id,
                              text if len(split_html(text)) == 1 else None, buttons))
    return edits
