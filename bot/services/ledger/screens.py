"""What /stats shows: an area's figures for a period, with the areas a person may drill into and back up to.
Every screen is computed for the person asking, from the database, whatever the button pressed said."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.config import Settings
from bot.services.areas import echo, find_area
from bot.services.ledger import scope
from bot.services.ledger.periods import Period
from bot.services.ledger.stats import AreaFigures, figures
from db import areas as areas_db
from db.areas import Area


@dataclass(frozen=True)
class Refusal:
    """Why nothing is shown: `key` names the template under ledger/, `context` fills it."""

    key: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatsScreen:
    figures: AreaFigures
    parent: Area | None          # one level up, when the person may see it too


def target(conn: sqlite3.Connection, user_id: int, view: scope.View, *, code: str | None = None,
           area_id: int | None = None, now: datetime) -> scope.Scope | Refusal:
    """The area a person asked for (by typed code or a button's id), or their own widest one; a button for an
    area outside their charge is refused and audited."""
    home = scope.home(conn, user_id, view)
    if home is None:
        return Refusal("not_allowed", {"view": view})
    if code is None and area_id is None:
        return home
    area = find_area(conn, code) if code is not None else areas_db.by_id(conn, area_id or 0)
    found = scope.access(conn, user_id, area.id, view) if area is not None else None
    if found is not None and area is not None:
        return scope.Scope(area, found.personal)
    if area_id is not None:
        scope.refuse(conn, user_id, view, area_id, now)
        return Refusal("refused")
    return Refusal("out_of_scope", {"code": echo(code or ""), "home": home.area})


def stats_screen(conn: sqlite3.Connection, settings: Settings, user_id: int, period: Period, now: datetime, *,
                 code: str | None = None, area_id: int | None = None) -> StatsScreen | Refusal:
    found = target(conn, user_id, "stats", code=code, area_id=area_id, now=now)
    if isinstance(found, Refusal):
        return found
    area = found.area
    parent = areas_db.by_id(conn, area.parent_id) if area.parent_id is not None else None
    if parent is not None and scope.access(conn, user_id, parent.id, "stats") is None:
        parent = None
    return StatsScreen(figures(conn, area, period, now), parent)
