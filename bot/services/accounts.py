"""Linking Telegram accounts to staff, and what a person may do where."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from bot.services.org import ADMIN_ROLES
from db import areas as areas_db
from db import audit, invites as invites_db, people as people_db
from db.people import Person, RoleRow

T = TypeVar("T")


@dataclass(frozen=True)
class InviteOutcome:
    status: str                       # linked, already_linked, unknown, used, expired, account_taken, person_taken
    person: Person | None = None
    roles: tuple[RoleRow, ...] = ()


def redeem_invite(conn: sqlite3.Connection, code: str, user_id: int, now: str) -> InviteOutcome:
    """Link `user_id` to the person the invite names, once, before it expires."""
    invite = invites_db.get(conn, code)
    if invite is None:
        return InviteOutcome("unknown")
    person = people_db.by_id(conn, invite.person_id)
    roles = tuple(people_db.roles_of(conn, person.id))
    if invite.used_at is not None:
        status = "already_linked" if invite.used_by == user_id and person.telegram_user_id == user_id else "used"
        return InviteOutcome(status, person if status == "already_linked" else None, roles if status == "already_linked" else ())
    if invite.expires_at <= now:
        return InviteOutcome("expired")
    owner = people_db.by_telegram_id(conn, user_id)
    if owner is not None and owner.id != person.id:
        return InviteOutcome("account_taken")
    if person.telegram_user_id is not None and person.telegram_user_id != user_id:
        return InviteOutcome("person_taken")
    if not invites_db.mark_used(conn, code, user_id, now):
        return InviteOutcome("used")
    people_db.link_telegram(conn, person.id, user_id, now)
    audit.record(conn, now, user_id, "invite_redeemed", f"person:{person.id}", code=code)
    return InviteOutcome("linked", people_db.by_id(conn, person.id), roles)


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


def remembering(conn: sqlite3.Connection, seen: tuple, fn: Callable[..., T], *args: Any) -> T:
    """Record the Telegram user (`seen`: the arguments of `people.remember_user`), then run `fn`, in one go."""
    people_db.remember_user(conn, *seen)
    return fn(conn, *args)


def remember(conn: sqlite3.Connection, seen: tuple[Any, ...]) -> None:
    """Record a Telegram user seen in private (`seen`: the arguments of `people.remember_user`)."""
    people_db.remember_user(conn, *seen)


def blocked_by(conn: sqlite3.Connection, user_id: int, now: str) -> None:
    """The user blocked the bot: their private chat is unreachable from now on."""
    people_db.mark_blocked(conn, user_id, now)
