"""Telegram users and the staff they are linked to, and what a person may do where (binding an account:
`bot.services.binding`)."""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, TypeVar

from bot.services.org import ADMIN_ROLES
from db import areas as areas_db
from db import people as people_db
from db.people import Person, RoleRow

T = TypeVar("T")


def roles_of_user(conn: sqlite3.Connection, user_id: int) -> tuple[Person | None, list[RoleRow]]:
    person = people_db.by_telegram_id(conn, user_id)
    return person, (people_db.roles_of(conn, person.id) if person else [])


def may_manage_grid(conn: sqlite3.Connection, user_id: int, grid_id: int) -> bool:
    """The grid's leader, or an admin of an area above it."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return False
    above = {a.id for a in areas_db.ancestors(conn, grid_id)}
    for role in people_db.roles_of(conn, person.id):
        if role.role == "grid_leader" and role.area_id == grid_id:
            return True
        if role.role in ADMIN_ROLES and role.area_id in above:
            return True
    return False


def remembering(conn: sqlite3.Connection, seen: tuple[Any, ...], fn: Callable[..., T], *args: Any) -> T:
    """Record the Telegram user (`seen`: the arguments of `people.remember_user`), then run `fn`, in one go."""
    people_db.remember_user(conn, *seen)
    return fn(conn, *args)


def remember(conn: sqlite3.Connection, seen: tuple[Any, ...]) -> None:
    """Record a Telegram user seen in private (`seen`: the arguments of `people.remember_user`)."""
    people_db.remember_user(conn, *seen)


def blocked_by(conn: sqlite3.Connection, user_id: int, now: str) -> None:
    """The user blocked the bot: their private chat is unreachable from now on."""
    people_db.mark_blocked(conn, user_id, now)
