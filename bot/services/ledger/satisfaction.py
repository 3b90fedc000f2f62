"""Residents' satisfaction (满意度): when a report is resolved its reporter is asked to rate the handling, once;
the rating feeds the statistics and the assessment."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import notify
from db import ledger as ledger_db
from db import people as people_db
from db import reports as reports_db
from db.reports import Report
from messages import label, locale_for

SCORES = (5, 4, 3, 2, 1)
Rated = Literal["rated", "already", "not_yours", "not_resolved", "not_found"]


def buttons(report: Report, locale: str) -> dict[str, object]:
    return {"inline_keyboard": [[{"text": label("ledger/button/score", locale, score=str(score)),
                                  "callback_data": f"sat|{report.id}|{score}"}] for score in SCORES]}


def ask(conn: sqlite3.Connection, settings: Settings, report: Report, now: str) -> int:
    """Queue the question to the reporter, after the news that their report was resolved."""
    locale = locale_for(people_db.language_of(conn, report.reporter_user), settings.locale)
    return notify.to_user(conn, settings, report.reporter_user, "ledger/rate_ask", "rating", now,
                          report_id=report.id, reply_markup=buttons(report, locale), report=report)


def rate(conn: sqlite3.Connection, user_id: int, report_id: int, score: int, now: datetime) -> Rated:
    """A press of a rating button: only the reporter, only once, only for a resolved report."""
    report = reports_db.get(conn, report_id)
    if report is None or score not in SCORES:
        return "not_found"
    if report.reporter_user != user_id:
        return "not_yours"
    if report.status != "resolved":
        return "not_resolved"
    return "rated" if ledger_db.rate(conn, report.id, score, stamp(now)) else "already"
