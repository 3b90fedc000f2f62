"""What the service tasks share: their outbox priority, local times of day, who owns a task, buttons as data."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Mapping

from bot.core.config import Settings
from bot.services.routing import next_reachable_level
from db import people as people_db
from db.outbox import TASK as TASK
from db.people import Staff
from messages import label

Keyboard = dict[str, Any]


@dataclass(frozen=True)
class Done:
    """What a press or a timer did: a message key (a template name under `tasks/`) and its context."""

    key: str
    context: Mapping[str, Any] = field(default_factory=dict)


def next_at(after: datetime, hh_mm: str, settings: Settings) -> datetime:
    """The first local `HH:MM` strictly after `after`: the same day when it is still ahead, else the next."""
    hour, minute = (int(p) for p in hh_mm.split(":"))
    local = after.astimezone(settings.tz)
    moment = datetime.combine(local.date(), time(hour, minute), tzinfo=settings.tz)
    return moment if moment > local else datetime.combine(local.date() + timedelta(days=1), time(hour, minute),
                                                          tzinfo=settings.tz)


def local_date(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).date().isoformat()


def owner(conn: sqlite3.Connection, person_id: int | None, grid_id: int) -> Staff | None:
    """Who hears of a task: its worker when the bot can write to them, else the grid's leader (or whoever stands
    above who can be reached)."""
    staff = people_db.staff_member(conn, person_id) if person_id is not None else None
    if staff is not None and staff.reachable:
        return staff
    above = next_reachable_level(conn, grid_id, 0)
    return above[1][0] if above is not None else None


def staff_person(conn: sqlite3.Connection, user_id: int) -> int | None:
    person = people_db.by_telegram_id(conn, user_id)
    return person.id if person is not None else None


def keyboard(rows: list[list[tuple[str, str]]]) -> Keyboard | None:
    """An inline keyboard from (label, callback data) rows; None without buttons."""
    built = [[{"text": text, "callback_data": data} for text, data in row] for row in rows if row]
    return {"inline_keyboard": built} if built else None


def button(template: str, locale: str, data: str, **values: str) -> tuple[str, str]:
    return label(template, locale, **values), data
