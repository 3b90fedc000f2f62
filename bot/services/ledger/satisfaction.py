"""Residents' satisfaction (满意度) has one question per resolution: issue 12's 满意 / 不满意 / skip, asked with the
"resolved" notice (bot.services.visits), kept in `satisfaction`, read by the statistics and the assessment.

The ⭐ rating buttons (`sat|<report>|<score>`) of messages sent before that are still answered: a press answers
the report's open question the same way (3 stars and above 满意, below 不满意, which reopens it as 不满意 does)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Literal

from bot.core.config import Settings
from bot.services import visits
from db import reports as reports_db
from db import visits as visits_db

SCORES = (5, 4, 3, 2, 1)
Rated = Literal["rated", "already", "not_yours", "not_resolved", "not_found"]


def rate(conn: sqlite3.Connection, settings: Settings, user_id: int, report_id: int, score: int,
         now: datetime) -> Rated:
    """A press of an old rating button: only the reporter, only once, only for a resolved report."""
    report = reports_db.get(conn, report_id)
    if report is None or score not in SCORES:
        return "not_found"
    if report.reporter_user != user_id:
        return "not_yours"
    if report.status != "resolved":
        return "not_resolved"
    asks = [a for a in visits_db.answered(conn, report.id) if a.user_id == user_id]
    if not asks or asks[-1].answer is not None:
        return "already"
    done = visits.satisfaction(conn, settings, user_id, asks[-1].id, "satisfied" if score >= 3 else "unsatisfied",
                               now)
    return "rated" if done.key in visits.SATISFACTION else "already"
