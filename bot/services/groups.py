"""Group chats: binding a group to its grid, following migrations, noticing removal."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.services.accounts import may_manage_grid
from bot.services.areas import find_area
from db import areas as areas_db
from db import audit, chats as chats_db
from db.areas import Area
from db.kinds import BotStatus


@dataclass(frozen=True)
class BindOutcome:
    status: str          # bound, already_bound, unknown_grid, not_a_grid, forbidden, grid_taken, group_taken, unbound, not_bound
    area: Area | None = None


def bind_group(conn: sqlite3.Connection, chat_id: int, title: str, chat_type: str, user_id: int, code: str,
               now: str) -> BindOutcome:
    area = find_area(conn, code)
    if area is None:
        return BindOutcome("unknown_grid")
    if area.level != "grid":
        return BindOutcome("not_a_grid", area)
    if not may_manage_grid(conn, user_id, area.id):
        audit.record(conn, now, user_id, "bind_refused", f"chat:{chat_id}", grid=area.code)
        return BindOutcome("forbidden", area)
    chat = chats_db.touch(conn, chat_id, title, chat_type, now)
    if chat.area_id == area.id:
        return BindOutcome("already_bound", area)
    if chat.area_id is not None:
        return BindOutcome("group_taken", areas_db.by_id(conn, chat.area_id))
    other = chats_db.for_area(conn, area.id)
    if other is not None and other.bot_status == "member":
        return BindOutcome("grid_taken", area)
    if other is not None:
        chats_db.unbind(conn, other.chat_id, now)
    chats_db.bind(conn, chat_id, area.id, user_id, now)
    audit.record(conn, now, user_id, "group_bound", f"chat:{chat_id}", grid=area.code, replaced=other.chat_id if other else None)
    return BindOutcome("bound", area)


def unbind_group(conn: sqlite3.Connection, chat_id: int, user_id: int, now: str) -> BindOutcome:
    chat = chats_db.get(conn, chat_id)
    if chat is None or chat.area_id is None:
        return BindOutcome("not_bound")
    area = areas_db.by_id(conn, chat.area_id)
    if area is None:
        return BindOutcome("not_bound")
    if not may_manage_grid(conn, user_id, area.id):
        audit.record(conn, now, user_id, "unbind_refused", f"chat:{chat_id}", grid=area.code)
        return BindOutcome("forbidden", area)
    chats_db.unbind(conn, chat_id, now)
    audit.record(conn, now, user_id, "group_unbound", f"chat:{chat_id}", grid=area.code)
    return BindOutcome("unbound", area)


def record_bot_status(conn: sqlite3.Connection, chat_id: int, title: str, chat_type: str, member: bool,
                      by_user: int | None, now: str) -> bool:
    """Note that the bot was added to or removed from a group; True when it joined a group anew (first seen
    there, or back after a removal), which is when it introduces itself."""
    first_seen = chats_db.get(conn, chat_id) is None
    chats_db.touch(conn, chat_id, title, chat_type, now)
    status: BotStatus = "member" if member else "removed"
    changed = chats_db.set_bot_status(conn, chat_id, status, now)
    if changed:
        audit.record(conn, now, by_user, "bot_added" if member else "bot_removed", f"chat:{chat_id}")
    return member and (changed or first_seen)


def follow_migration(conn: sqlite3.Connection, old_id: int, new_id: int, now: str) -> bool:
    moved = chats_db.migrate(conn, old_id, new_id, now)
    if moved:
        audit.record(conn, now, None, "group_migrated", f"chat:{old_id}", to=new_id)
    return moved


def grid_of_chat(conn: sqlite3.Connection, chat_id: int) -> Area | None:
    chat = chats_db.get(conn, chat_id)
    return areas_db.by_id(conn, chat.area_id) if chat and chat.area_id else None
