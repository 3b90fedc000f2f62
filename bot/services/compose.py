"""/broadcast: composing a notice in private (declared in `bot.services.flows.broadcast`), for those who may."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.config import Settings
from bot.services import broadcasting
from bot.services.flows import engine
from bot.services.views import Screen, notice


def begin(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> Screen:
    if not broadcasting.scopes(conn, user_id):
        return notice("broadcast/not_allowed")
    return engine.start(conn, settings, user_id, "broadcast", now)
