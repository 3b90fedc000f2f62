"""A person's conversation as the `conversations` table keeps it: read (dropping one this code cannot read, or one
left idle past `conversation_idle_minutes`), peeked at without changing anything, and saved."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.services.flows.model import ConversationState
from db import conversations as conv_db


@dataclass(frozen=True)
class Expired:
    """A conversation left idle past `conversation_idle_minutes`: it has been dropped."""

    flow: str


def load(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime
         ) -> ConversationState | Expired | None:
    """The person's conversation; an idle one past its time (or one this code cannot read) is dropped."""
    return going_on(conn, settings, user_id, now, read(conn, user_id))


def read(conn: sqlite3.Connection, user_id: int) -> tuple[ConversationState, str] | None:
    """The stored conversation and when it last moved; None when there is none (one this code cannot read is
    dropped)."""
    found = conv_db.get(conn, user_id)
    if found is None:
        return None
    try:
        return ConversationState.from_json(found[0]), found[1]
    except ValueError:
        conv_db.drop(conn, user_id)
        return None


def going_on(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime,
              stored: tuple[ConversationState, str] | None) -> ConversationState | Expired | None:
    """`stored`, unless it went idle past its time (then it is dropped and reported as expired)."""
    if stored is None:
        return None
    state, updated = stored
    if parse_stamp(updated) + timedelta(minutes=settings.conversation_idle_minutes) < now:
        conv_db.drop(conn, user_id)
        return Expired(state.flow)
    return state


def save(conn: sqlite3.Connection, user_id: int, state: ConversationState, now: datetime) -> None:
    conv_db.put(conn, user_id, state.to_json(), stamp(now))


def resumed(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> ConversationState | None:
    """The person's conversation if one is going on."""
    found = load(conn, settings, user_id, now)
    return found if isinstance(found, ConversationState) else None


def peek(conn: sqlite3.Connection, settings: Settings, user_id: int, now: datetime) -> ConversationState | None:
    """The conversation going on, read only: one that is idle past its time or unreadable is left for the next
    input to drop (a read-only caller must not write)."""
    found = conv_db.get(conn, user_id)
    if found is None or parse_stamp(found[1]) + timedelta(minutes=settings.conversation_idle_minutes) < now:
        return None
    try:
        return ConversationState.from_json(found[0])
    except ValueError:
        return None
