"""What is known of a Telegram user, binding claims (an invite opened, waiting for the person's own
contact or an admin's word), and unlinking an account from a person."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class TelegramUser:
    user_id: int
    first_name: str
    username: str | None


def telegram_user(conn: sqlite3.Connection, user_id: int) -> TelegramUser | None:
    row = conn.execute("SELECT user_id, first_name, username FROM telegram_users WHERE user_id = ?",
                       (user_id,)).fetchone()
    return TelegramUser(row[0], row[1], row[2]) if row else None
