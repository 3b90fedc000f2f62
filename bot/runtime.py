"""What handlers need at hand: settings, the database, the clock."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.config import Settings
from db import Database


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = SystemClock()
    bot_username: str = ""
