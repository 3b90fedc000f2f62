"""The service tasks' timers, fired by the one tick (`casework.fire_timer` hands them here): each claimed once, in
the transaction that does what it is for, so a restart neither loses nor repeats one."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Callable

from bot.core.config import Settings
from bot.services import campaigns, checkins, monitoring, reminders, visits
from db import tasks as tasks_db
from db import timers as timers_db

Fire = Callable[[sqlite3.Connection, Settings, int, int, datetime], str]


def _by_task(fire: Callable[[sqlite3.Connection, Settings, int, datetime], str]) -> Fire:
    return lambda conn, settings, task_id, step, now: fire(conn, settings, task_id, now)


FIRES: dict[str, Fire] = {
    "checkin": _by_task(monitoring.fire_checkin),
    "checkin_missed": _by_task(checkins.fire_missed),
    "monitor_end": _by_task(monitoring.fire_end),
    "reminder": _by_task(reminders.fire_send),
    "reminder_grace": _by_task(reminders.fire_grace),
    "campaign_day": _by_task(campaigns.fire_day),
    "campaign_due": _by_task(campaigns.fire_due),
    "campaign_overdue": campaigns.fire_overdue_step,
    "visit": _by_task(visits.fire),
}


def fire(conn: sqlite3.Connection, settings: Settings, timer: timers_db.Timer, now: datetime) -> str:
    """What the timer did ("stale" when it had nothing left to do)."""
    if not timers_db.claim(conn, timer.id):
        return "stale"
    task_id = tasks_db.task_of(conn, timer.id)
    handler = FIRES.get(timer.kind)
    if task_id is None or handler is None:
        return "stale"
    return handler(conn, settings, task_id, timer.step, now)
