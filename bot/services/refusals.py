"""Refused presses on report cards: written to the audit log, never to the report's history (which anyone
could flood, since report ids are sequential), and at most a few per person per minute (which bounds the
log against the same flood)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from bot.core.clock import stamp
from db import audit

ACTION = "press_refused"
PER_MINUTE = 5


def record(conn: sqlite3.Connection, user_id: int, report_id: int, now: datetime) -> bool:
    """Audit one refused press by `user_id` on `report_id`; False when their quota for the minute is used."""
    if audit.count_since(conn, user_id, ACTION, stamp(now - timedelta(minutes=1))) >= PER_MINUTE:
        return False
    audit.record(conn, stamp(now), user_id, ACTION, f"report:{report_id}")
    return True
