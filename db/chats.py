"""Group chats: which grid each serves, whether the bot is still in it, migrations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import NotFound
from db.kinds import BotStatus


@dataclass(frozen=True)
class GroupChat:
    chat_id: int
    title: str
    type: str
    area_id: int | None
    bot_status: BotStatus
    migrated_to: int | None


def _chat(row: sqlite3.Row | None) -> GroupChat | None:
    if row is None:
        return None
    return GroupChat(row["chat_id"], row["title"], row["type"], row["area_id"], row["bot_status"], row["migrated_to"])


def get(conn: sqlite3.Connection, chat_id: int) -> GroupChat | None:
    return _chat(conn.execute("SELECT * FROM group_chats WHERE chat_id = ?", (chat_id,)).fetchone())


def load(conn: sqlite3.Connection, chat_id: int) -> GroupChat:
    chat = get(conn, chat_id)
    if chat is None:
        raise NotFound("group_chat", id=chat_id)
    return chat


def for_area(conn: sqlite3.Connection, area_id: int) -> GroupChat | None:
    return _chat(conn.execute("SELECT * FROM group_chats WHERE area_id = ?", (area_id,)).fetchone())


def touch(conn: sqlite3.Connection, chat_id: int, title: str, chat_type: str, now: str) -> GroupChat:
    """Make sure the group is known; keep its title and type current."""
    conn.execute(
        "INSERT INTO group_chats (chat_id, title, type, status_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title, type = excluded.type, updated_at = excluded.updated_at",
        (chat_id, title, chat_type, now, now),
    )
    return load(conn, chat_id)


def bind(conn: sqlite3.Connection, chat_id: int, area_id: int, by_user: int, now: str) -> None:
    conn.execute(
        "UPDATE group_chats SET area_id = ?, bound_by = ?, bound_at = ?, updated_at = ? WHERE chat_id = ?",
        (area_id, by_user, now, now, chat_id),
    )


def unbind(conn: sqlite3.Connection, chat_id: int, now: str) -> None:
    conn.execute(
        "UPDATE group_chats SET area_id = NULL, bound_by = NULL, bound_at = NULL, updated_at = ? WHERE chat_id = ?",
        (now, chat_id),
    )


def set_bot_status(conn: sqlite3.Connection, chat_id: int, status: BotStatus, now: str) -> bool:
    """Record whether the bot is a member; True when the status changed."""
    cur = conn.execute(
        "UPDATE group_chats SET bot_status = ?, status_at = ?, updated_at = ? WHERE chat_id = ? AND bot_status != ?",
        (status, now, now, chat_id, status),
    )
    return cur.rowcount == 1


def migrate(conn: sqlite3.Connection, old_id: int, new_id: int, now: str) -> bool:
    """Move a group's binding to its new supergroup id; True if anything moved."""
    old = get(conn, old_id)
    if old is None or old.migrated_to == new_id:
        return False
    new = get(conn, new_id)
    if new is None:
        conn.execute(
            "INSERT INTO group_chats (chat_id, title, type, status_at, updated_at) VALUES (?, ?, 'supergroup', ?, ?)",
            (new_id, old.title, now, now),
        )
    row = conn.execute("SELECT area_id, bound_by, bound_at FROM group_chats WHERE chat_id = ?", (old_id,)).fetchone()
    conn.execute(
        "UPDATE group_chats SET area_id = NULL, migrated_to = ?, updated_at = ? WHERE chat_id = ?", (new_id, now, old_id)
    )
    if row["area_id"] is not None:
        conn.execute(
            "UPDATE group_chats SET area_id = ?, bound_by = ?, bound_at = ?, type = 'supergroup', bot_status = 'member',"
            " updated_at = ? WHERE chat_id = ? AND area_id IS NULL",
            (row["area_id"], row["bound_by"], row["bound_at"], now, new_id),
        )
    return True
