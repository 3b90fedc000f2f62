"""An issue found at a door during a campaign becomes a report, handed to the worker who found it."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.campaign_views import is_open
from bot.services.campaigns import may_knock
from bot.services.task_reports import file_report
from bot.services.tasks_common import Done
from db import campaigns as campaigns_db
from db import people as people_db
from db import reports as reports_db

CATEGORIES = ("health", "dispute", "other")


def may_report(conn: sqlite3.Connection, settings: Settings, user_id: int, door_id: int) -> Done:
    found = campaigns_db.door(conn, door_id)
    if found is None:
        return Done("stale")
    if not may_knock(conn, found[0], user_id):
        return Done("forbidden")
    return Done("ok") if is_open(found[0], settings) else Done("already")


def record_issue(conn: sqlite3.Connection, settings: Settings, user_id: int, door_id: int, category: str, text: str,
                 now: datetime) -> Done:
    """The household's issue as a report: a health alert (high priority) or a dispute, the household's head,
    phone and address in it; the door is done."""
    allowed = may_report(conn, settings, user_id, door_id)
    found = campaigns_db.door(conn, door_id)
    if allowed.key != "ok" or found is None or category not in CATEGORIES:
        return allowed if allowed.key != "ok" else Done("stale")
    door, home = found
    campaign = campaigns_db.get(conn, door.campaign_id)
    address = f"{home.address}"
    details: dict[str, Any]
    if category == "health":
        details = {"name": home.head_name, "phone": home.phone, "address": address, "health": "other",
                   "description": text}
    else:
        details = {"category": "other", "parties": home.head_name, "place": address, "description": text,
                   "urgency": "normal"}
    person = people_db.by_telegram_id(conn, user_id)
    holder = people_db.staff_member(conn, person.id) if person is not None else None
    report = file_report(conn, settings, grid_id=door.grid_id, kind="health" if category == "health" else "dispute",
                         priority="high" if category == "health" else "normal", reporter_user=user_id,
                         on_behalf=True, details=details, holder=holder, now=now)
    ts = stamp(now)
    reports_db.add_event(conn, report.id, ts, user_id, "campaign_issue", text=campaign.title if campaign else "")
    campaigns_db.set_door(conn, door.id, status="issue", report_id=report.id, updated_at=ts)
    return Done("issue_filed", {"report": report, "address": home.address})
