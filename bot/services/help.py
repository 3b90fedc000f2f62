"""What each person may do here: the commands their roles allow, the greeting for /start, /help, and the
state /duty shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.services.areas import first_grid_code
from bot.services.groups import grid_of_chat
from bot.services.ledger.scope import ALLOWED
from bot.services.org import ADMIN_ROLES
from db import people as people_db
from db.areas import Area
from db.people import Person, RoleRow

DutyState = Literal["on", "off", "not_worker", "not_staff"]
GROUP = ("report", "help")
GROUP_ADMINS = ("report", "bind", "unbind", "help")
PUBLISHERS = frozenset({"grid_leader", *ADMIN_ROLES})
# Who runs the service tasks (reminders.may_remind_anywhere, campaigns.overview): the grids' staff and admins.
FIELD_STAFF = frozenset({"grid_leader", "grid_worker", "supervisor", *ADMIN_ROLES})


def private_commands(roles: Iterable[str]) -> tuple[str, ...]:
    """The private-chat commands for someone holding `roles` (none: a resident), in menu order."""
    held = set(roles)
    names = ["report", "apply", "my"]
    if held:
        names += ["tasks", "gatherings"]
    if "grid_worker" in held:
        names.append("duty")
    if held & FIELD_STAFF:
        names += ["campaign", "remind", "reminders"]
    if held & PUBLISHERS:
        names += ["broadcast", "broadcasts", "rewards"]
    names += [view for view in ("stats", "ledger", "assessment") if held & ALLOWED[view]]
    return (*names, "whoami", "cancel", "help")


@dataclass(frozen=True)
class Standing:
    """Who a Telegram user is here: the staff record and roles (none for a resident), and their commands."""

    person: Person | None
    roles: tuple[RoleRow, ...]
    commands: tuple[str, ...]
    grids: tuple[str, ...]          # codes of grids whose group they lead


def standing(conn: sqlite3.Connection, user_id: int) -> Standing:
    person = people_db.by_telegram_id(conn, user_id)
    roles = tuple(people_db.roles_of(conn, person.id)) if person else ()
    grids = tuple(r.area_code for r in roles if r.role == "grid_leader")
    return Standing(person, roles, private_commands(r.role for r in roles), grids)


def greeting_for(conn: sqlite3.Connection, user_id: int) -> dict[str, object]:
    """The context of the /start welcome (`start/welcome`): staff are greeted by their roles, residents are
    told how to report."""
    found = standing(conn, user_id)
    return {"person": found.person, "roles": found.roles, "commands": found.commands}


def duty_state(conn: sqlite3.Connection, user_id: int) -> DutyState:
    """/duty without an argument: whether this person's grid-worker roles take new reports now."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return "not_staff"
    grids = {r.area_id for r in people_db.roles_of(conn, person.id) if r.role == "grid_worker"}
    if not grids:
        return "not_worker"
    on = any(s.on_duty for g in grids for s in people_db.staff_at(conn, g, "grid_worker") if s.person_id == person.id)
    return "on" if on else "off"


@dataclass(frozen=True)
class GroupIntro:
    """What the bot says when it is added to a group: the grid it is bound to, or how to bind it."""

    grid: Area | None
    example: str | None


def group_intro(conn: sqlite3.Connection, chat_id: int) -> GroupIntro:
    return GroupIntro(grid_of_chat(conn, chat_id), first_grid_code(conn))


def menu_of(conn: sqlite3.Connection, user_id: int) -> tuple[int, tuple[str, ...], str | None]:
    """One person's private command menu and the language to write it in."""
    return user_id, standing(conn, user_id).commands, people_db.language_of(conn, user_id)
