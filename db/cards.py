"""Report cards already delivered to staff: where they are, to update them in place."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

CARD_PURPOSES = ("assign", "escalate", "remind")


@dataclass(frozen=True)
class DeliveredCard:
    chat_id: int
    message_id: int
    person_id: int


def delivered(conn: sqlite3.Connection, report_id: int) -> list[DeliveredCard]:
    """Every card of the report that reached a staff member's private chat, oldest first."""
    marks = ",".join("?" * len(CARD_PURPOSES))
    rows = conn.execute(
        f"SELECT chat_id, message_id, person_id FROM outbox WHERE report_id = ? AND purpose IN ({marks})"
        " AND status = 'sent' AND message_id IS NOT NULL AND person_id IS NOT NULL ORDER BY id",
        (report_id, *CARD_PURPOSES))
    return [DeliveredCard(r[0], r[1], r[2]) for r in rows]
