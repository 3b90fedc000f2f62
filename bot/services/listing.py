"""The long lists people page through: /tasks, /my, /broadcasts, always computed for the person asking."""

from __future__ import annotations

import sqlite3

from bot.services.broadcasting import listed_in_scope
from bot.services.paging import PAGE_SIZE, Page, clamp, offset, page_count, page_of
from db import listing as listing_db
from db import people as people_db
from db import reports as reports_db
from db.broadcasts import Broadcast
from db.reports import Report


def _reports(conn: sqlite3.Connection, ids: list[int]) -> list[Report]:
    found = (reports_db.get(conn, report_id) for report_id in ids)
    return [report for report in found if report is not None]


def tasks(conn: sqlite3.Connection, user_id: int, number: int) -> Page[Report] | None:
    """A page of the open reports assigned to this Telegram user, oldest first; None when they are not staff."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    total = listing_db.count_open_for_assignee(conn, person.id)
    number = clamp(number, total)
    ids = listing_db.open_for_assignee(conn, person.id, offset=offset(number), limit=PAGE_SIZE)
    return Page(_reports(conn, ids), number, page_count(total), total)


def reports_of(conn: sqlite3.Connection, user_id: int, number: int) -> Page[Report]:
    """A page of the reports this Telegram user filed, newest first."""
    total = listing_db.count_of_reporter(conn, user_id)
    number = clamp(number, total)
    ids = listing_db.of_reporter(conn, user_id, offset=offset(number), limit=PAGE_SIZE)
    return Page(_reports(conn, ids), number, page_count(total), total)


def broadcasts(conn: sqlite3.Connection, user_id: int, number: int) -> Page[Broadcast]:
    """A page of the active and paused broadcasts this person may see and manage."""
    return page_of(listed_in_scope(conn, user_id), number)
