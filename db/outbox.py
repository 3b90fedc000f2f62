"""Messages the bot owes people, written in the same transaction as the change that caused them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Final

from db.core import inserted, rewrite_whole
from db.kinds import OutboxPriority, SendMethod
from db.stamps import epoch_seconds

REPLY: Final = -1           # direct replies: someone who just acted waits for them
URGENT: Final = 0           # escalations
ASSIGN: Final = 1           # assignments and reminders
NOTICE: Final = 2           # notices to people
TASK: Final = 3             # check-ins, reminders, campaign lists: below people's business, above broadcasts
BROADCAST: Final = 5


@dataclass(frozen=True)
class Outgoing:
    id: int
    priority: OutboxPriority
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    purpose: str
    person_id: int | None
    report_id: int | None
    ref: str | None
    attempts: int
    method: SendMethod = "sendMessage"

    @property
    def payload(self) -> dict[str, Any]:
        """What a method other than sendMessage sends (file ids, captions, a place): its body, as JSON."""
        found: dict[str, Any] = json.loads(self.text) if self.method != "sendMessage" and self.text else {}
        return found


def add(conn: sqlite3.Connection, now: str, *, chat_id: int, text: str, purpose: str,
        priority: OutboxPriority = NOTICE, reply_markup: dict[str, Any] | None = None, person_id: int | None = None,
        report_id: int | None = None, ref: str | None = None) -> int:
    return inserted(conn.execute(
        "INSERT INTO outbox (created_at, priority, chat_id, text, reply_markup, purpose, person_id, report_id, ref)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (epoch_seconds(now), priority, chat_id, text,
         json.dumps(reply_markup, ensure_ascii=False) if reply_markup else None,
         purpose, person_id, report_id, ref),
    ))


def add_media(conn: sqlite3.Connection, now: str, *, chat_id: int, method: SendMethod, payload: dict[str, Any],
              purpose: str, priority: OutboxPriority = NOTICE, person_id: int | None = None,
              report_id: int | None = None) -> int:
    """A photo, media group, voice note, video, document or place to send with `method`. The payload is the
    row's body (its `text`, as JSON), so that whatever clears or erases bodies clears it too."""
    return inserted(conn.execute(
        "INSERT INTO outbox (created_at, priority, chat_id, text, purpose, person_id, report_id, method)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (epoch_seconds(now), priority, chat_id, json.dumps(payload, ensure_ascii=False), purpose, person_id, report_id,
         method)))


def add_failed(conn: sqlite3.Connection, now: str, *, chat_id: int, purpose: str, error: str, ref: str) -> int:
    """Record a message that was not attempted because it cannot be delivered (e.g. the bot left the group)."""
    return inserted(conn.execute(
        "INSERT INTO outbox (created_at, priority, chat_id, text, purpose, ref, status, error)"
        " VALUES (?, ?, ?, '', ?, ?, 'failed', ?)", (epoch_seconds(now), BROADCAST, chat_id, purpose, ref, error)))


def pending(conn: sqlite3.Connection, limit: int, skip_ids: tuple[int, ...] = (), *,
            replies: bool = True) -> list[Outgoing]:
    """The next messages to send: most urgent first, then oldest (without the replies if `replies` is False)."""
    marks = ",".join("?" * len(skip_ids))
    where = f"AND id NOT IN ({marks})" if skip_ids else ""
    lowest = REPLY if replies else REPLY + 1
    rows = conn.execute(
        f"SELECT * FROM outbox WHERE status = 'pending' AND priority >= ? {where} ORDER BY priority, id LIMIT ?",
        (lowest, *skip_ids, limit)
    ).fetchall()
    # `method` came with migration 0012 (db.plans also runs this on older schemas); NULL is sendMessage (0028).
    return [
        Outgoing(r["id"], r["priority"], r["chat_id"], r["text"],
                 json.loads(r["reply_markup"]) if r["reply_markup"] else None, r["purpose"], r["person_id"],
                 r["report_id"], r["ref"], r["attempts"], ("method" in r.keys() and r["method"]) or "sendMessage")
        for r in rows
    ]


def mark_sent(conn: sqlite3.Connection, results: list[tuple[int, int, str | None]], now: str) -> None:
    """(outbox id, Telegram message id, a note such as a failed pin or None) for each message delivered."""
    sent_at = epoch_seconds(now)
    conn.executemany("UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?, error = ?, attempts = attempts + 1 "
                     "WHERE id = ?", [(mid, sent_at, note, oid) for oid, mid, note in results])


def mark_failed(conn: sqlite3.Connection, outbox_id: int, error: str) -> None:
    conn.execute("UPDATE outbox SET status = 'failed', error = ?, attempts = attempts + 1 WHERE id = ?",
                 (error, outbox_id))


def redirect_chat(conn: sqlite3.Connection, old_chat: int, new_chat: int) -> None:
    """A group became a supergroup: pending messages follow it."""
    conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'", (new_chat, old_chat))


def get(conn: sqlite3.Connection, outbox_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    return row


def clear_bodies(conn: sqlite3.Connection, before: str, limit: int = 1000) -> int:
    """Storage stays bounded: up to `limit` sent or failed rows created before `before` lose their text and
    keyboard; they keep what the delivery report and the audit read (chat, purpose, ref, status, error,
    sent_at, message_id). Returns how many were cleared: call again while it returns `limit`, each call its own
    short transaction so that updates are not held up behind a year's worth at once."""
    rows = conn.execute("SELECT * FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < ? AND text != ''"
                        " AND status != 'pending' LIMIT ?) ORDER BY id", (epoch_seconds(before), limit))
    columns = [d[0] for d in rows.description]
    cleared = [tuple("" if c == "text" else None if c == "reply_markup" else v for c, v in zip(columns, row))
               for row in rows]
    # Written again whole, not shrunk where they stand: kept for retain_outbox_days, shrunk rows' half-empty pages
    # were a third of a year's file.
    rewrite_whole(conn, "outbox", columns, cleared)
    return len(cleared)
