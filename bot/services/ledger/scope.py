"""Who may see which area's ledger, figures and assessment, and whether they see residents' personal data."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.core.clock import stamp
from bot.services.org import ADMIN_ROLES
from db import areas as areas_db
from db import audit
from db import ledger as ledger_db
from db import people as people_db
from db.areas import Area

View = Literal["stats", "ledger", "assessment", "tasks"]

LEADERS = frozenset({"grid_leader", *ADMIN_ROLES})
# Who may use what, for the area of their role and everything below it.
ALLOWED: dict[View, frozenset[str]] = {
    "stats": frozenset({*LEADERS, "grid_worker", "supervisor"}),
    "ledger": frozenset({*LEADERS, "grid_worker", "supervisor"}),
    "assessment": LEADERS,
    "tasks": LEADERS,
}
LEVEL_ORDER = {"city": 0, "town": 1, "community": 2, "grid": 3}


@dataclass(frozen=True)
class Scope:
    """An area a person answers for, and whether they see personal data there (leaders and admins do)."""

    area: Area
    personal: bool


def scopes(conn: sqlite3.Connection, user_id: int, view: View) -> list[Scope]:
    """The person's areas for `view`, widest first; [] for residents and staff without such a role."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return []
    found: dict[int, Scope] = {}
    for role in people_db.roles_of(conn, person.id):
        if role.role not in ALLOWED[view]:
            continue
        area = areas_db.by_id(conn, role.area_id)
        if area is None:
            continue
        personal = role.role in LEADERS or (role.area_id in found and found[role.area_id].personal)
        found[role.area_id] = Scope(area, personal)
    return sorted(found.values(), key=lambda s: (LEVEL_ORDER.get(s.area.level, 9), s.area.code))


def access(conn: sqlite3.Connection, user_id: int | None, area_id: int, view: View) -> Scope | None:
    """The scope that lets this person see `area_id` (the command line, user None, sees everything with
    personal data); None when nothing does."""
    if user_id is None:
        area = areas_db.by_id(conn, area_id)
        return Scope(area, True) if area else None
    best: Scope | None = None
    for scope in scopes(conn, user_id, view):
        if ledger_db.within(conn, area_id, scope.area.id) and (best is None or scope.personal and not best.personal):
            best = scope
    return best


def home(conn: sqlite3.Connection, user_id: int, view: View) -> Scope | None:
    """The widest area a person may see for `view` (where /stats and /ledger open)."""
    found = scopes(conn, user_id, view)
    return found[0] if found else None


REFUSED = "view_refused"
REFUSALS_PER_MINUTE = 5


def refuse(conn: sqlite3.Connection, user_id: int, view: View, area_id: int, now: datetime) -> None:
    """Audit a press for an area the person may not see (a forged or stale button): at most a few a minute per
    person, which bounds the log against a flood of forged presses."""
    if audit.count_since(conn, user_id, REFUSED, stamp(now - timedelta(minutes=1))) < REFUSALS_PER_MINUTE:
        audit.record(conn, stamp(now), user_id, REFUSED, f"area:{area_id}", view=view)
