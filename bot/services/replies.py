"""Direct replies (the next question, a receipt, a usage hint) as outbox rows at the top priority.

Written in the transaction of the change they answer (`Runtime.handle(..., replies=...)`), a committed change
always has its reply: a crash after COMMIT leaves the row pending and the sender delivers it after the restart
(at least once), and a flood wait or a broadcast holds a reply up but never drops it. The sender takes them
before anything else and without the private chat's own spacing (the person acts at their own pace)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from db import outbox
from db.outbox import Outgoing

PURPOSE = "reply"


@dataclass(frozen=True)
class Reply:
    """One message to `chat_id`: HTML text (split by the sender if long) and its keyboard as Bot API JSON."""

    chat_id: int
    text: str
    markup: dict[str, Any] | None = None


Ready = Callable[[list[Outgoing]], None]


def queue(conn: sqlite3.Connection, now: str, replies: Sequence[Reply]) -> list[Outgoing]:
    """The rows written, to hand to the sender once the transaction has committed (the database does not wake
    the sender for replies: see db.core's trigger)."""
    return [Outgoing(outbox.add(conn, now, chat_id=r.chat_id, text=r.text, purpose=PURPOSE, priority=outbox.REPLY,
                                reply_markup=r.markup), outbox.REPLY, r.chat_id, r.text, r.markup, PURPOSE, None, None,
                     None, 0)
            for r in replies]
