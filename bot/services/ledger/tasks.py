"""/tasks for leaders and admins: every unresolved report of their area (not only those assigned to them),
oldest first, a page at a time, each with a button that brings its card."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import casework, notify
from bot.services.ledger import scope
from db import ledger as ledger_db
from db import outbox
from db import people as people_db
from db import stats as stats_db
from db.areas import Area
from db.ledger import OpenItem

PAGE_SIZE = 10
CardOutcome = Literal["sent", "forbidden", "not_found", "unreachable"]


@dataclass(frozen=True)
class AreaTasks:
    area: Area
    total: int
    overdue_total: int
    page: int                     # from 1
    pages: int
    items: list[OpenItem]
    due: dict[int, str]           # report id → its due time, local
    overdue: frozenset[int]


def area_tasks(conn: sqlite3.Connection, settings: Settings, user_id: int, page: int, now: datetime
               ) -> AreaTasks | None:
    """One page of the area's open work; None for someone who leads no area (their own list applies)."""
    home = scope.home(conn, user_id, "tasks")
    if home is None:
        return None
    total, _ = ledger_db.open_in_area(conn, home.area.id, limit=0, offset=0)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    _, items = ledger_db.open_in_area(conn, home.area.id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    ts = stamp(now)
    return AreaTasks(home.area, total, stats_db.backlog(conn, home.area.id, ts).overdue, page, pages, items,
                     {i.id: notify.local_time(i.due_at, settings) for i in items},
                     frozenset(i.id for i in items if i.due_at < ts))


def open_card(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, now: datetime
              ) -> CardOutcome:
    """The report's card, with its buttons, to the person's private chat (through the outbox), if they may act
    on it — checked now, whatever the button said."""
    report, refusal = casework.load_for_action(conn, report_id, user_id, now)
    if refusal is not None or report is None:
        return "not_found" if refusal is not None and refusal.key == "not_found" else "forbidden"
    person = people_db.by_telegram_id(conn, user_id)
    staff = people_db.staff_member(conn, person.id) if person is not None else None
    if staff is None:
        return "forbidden"
    queued = notify.card_to_staff(conn, settings, report, staff, "opened", outbox.ASSIGN, "card", stamp(now))
    return "sent" if queued is not None else "unreachable"

