"""Direct replies (the next question, a receipt, a usage hint) as outbox rows at the top priority.

Written in the transaction of the change they answer (`Runtime.handle(..., replies=...)`), a committed change
always has its reply: a crash after COMMIT leaves the row pending and the sender delivers it after the restart
(at least once), and a flood wait or a broadcast holds a reply up but never drops it. The sender takes them
before anything else and without the private chat's own spacing (the person acts at their own pace)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Sequence

from db import outbox

PURPOSE = "reply"


@dataclass(frozen=True)
class Reply:
    """One message to `chat_id`: HTML text (split by the sender if long) and its keyboard as Bot API JSON."""

    chat_id: int
    text: str
    markup: dict[str, Any] | None = None


def queue(conn: sqlite3.Connection, now: str, replies: Sequence[Reply]) -> None:
    for reply in replies:
        outbox.add(conn, now, chat_id=reply.chat_id, text=reply.text, purpose=PURPOSE, priority=outbox.REPLY,
                   reply_markup=reply.markup)
