"""How a door-knocking campaign is shown: a worker's lists (building by building, a row of buttons per household),
the overdue lists that escalate, and the progress per grid, community and town."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services import notify
from bot.services.tasks_common import TASK, Keyboard, keyboard
from db import areas as areas_db
from db import campaigns as campaigns_db
from db import outbox
from db import people as people_db
from db.areas import Area
from db.campaigns import Campaign, Door, Tally
from db.households import Household
from db.kinds import AreaLevel
from db.people import Staff
from messages import label, locale_for, render

CHUNK = 30                       # households a message: three buttons each, under Telegram's 100
BELOW: dict[str, AreaLevel] = {"city": "town", "town": "community", "community": "grid"}
Doors = list[tuple[Door, Household]]


def is_open(door: Door, settings: Settings) -> bool:
    """Still to be knocked at: never yet, or nobody was home and revisits are left."""
    return door.status == "pending" or (door.status == "nobody" and door.attempts <= settings.campaign_revisits)


def door_rows(doors: Doors, settings: Settings, locale: str) -> list[list[tuple[str, str]]]:
    """A row per household: ✅ / 🚪 / ⚠️ while it is open; one button saying how it went once it is not."""
    rows = []
    for door, home in doors:
        if is_open(door, settings):
            rows.append([(label("tasks/campaign/door", locale, address=home.address), f"kh|{door.id}|v"),
                         (label("tasks/campaign/nobody_again" if door.attempts else "tasks/campaign/nobody", locale,
                                attempts=str(door.attempts)), f"kh|{door.id}|n"),
                         (label("tasks/campaign/issue", locale), f"kh|{door.id}|i")])
        else:
            rows.append([(label("tasks/campaign/door_done", locale, address=home.address, status=door.status,
                                attempts=str(door.attempts)), f"kh|{door.id}|s")])
    return rows


def door_keyboard(conn: sqlite3.Connection, settings: Settings, campaign_id: int, door_ids: tuple[int, ...],
                  locale: str) -> Keyboard | None:
    """A list message's buttons as its doors stand now."""
    found = {d.id: (d, h) for d, h in campaigns_db.doors(conn, campaign_id, ids=door_ids)}
    return keyboard(door_rows([found[i] for i in door_ids if i in found], settings, locale))


def queue_list(conn: sqlite3.Connection, settings: Settings, campaign: Campaign, staff: Staff, doors: Doors,
               template: str, now: datetime, **context: Any) -> int:
    """Messages of `doors`, building by building (in parts of CHUNK), each with its buttons, to one person."""
    if staff.telegram_user_id is None:
        return 0
    locale = locale_for(staff.locale, settings.locale)
    view = campaign_view(conn, campaign, settings)
    sent = 0
    for building, group in groupby(doors, key=lambda pair: pair[1].building):
        homes = list(group)
        parts = [homes[i:i + CHUNK] for i in range(0, len(homes), CHUNK)]
        for number, chunk in enumerate(parts, start=1):
            text = render(template, locale, campaign=view, building=building, part=number, parts=len(parts),
                          count=len(chunk), grid=areas_db.by_id(conn, chunk[0][0].grid_id), **context)
            outbox.add(conn, stamp(now), chat_id=staff.telegram_user_id, text=text, purpose="campaign_list",
                       priority=TASK, reply_markup=keyboard(door_rows(chunk, settings, locale)),
                       person_id=staff.person_id, ref=f"campaign:{campaign.id}")
            sent += 1
    return sent


@dataclass(frozen=True)
class CampaignView:
    id: int
    title: str
    due: str
    area: Area | None
    status: str


def campaign_view(conn: sqlite3.Connection, campaign: Campaign, settings: Settings) -> CampaignView:
    return CampaignView(campaign.id, campaign.title, notify.local_time(campaign.due_at, settings),
                        areas_db.by_id(conn, campaign.area_id), campaign.status)


@dataclass(frozen=True)
class Line:
    """One area's progress: visited (已走访, someone was home) of total, nobody home (无人在家), issues (发现问题)."""

    area: Area
    depth: int
    total: int
    visited: int
    nobody: int
    issue: int


def progress(conn: sqlite3.Connection, campaign: Campaign) -> list[Line]:
    """The campaign's area, then each area below it down to the grids, each with its counts (areas without
    households left out)."""
    by_grid = {t.grid_id: t for t in campaigns_db.tallies(conn, campaign.id)}
    root = areas_db.by_id(conn, campaign.area_id)
    return _lines(conn, root, 0, by_grid) if root is not None else []


def _lines(conn: sqlite3.Connection, area: Area, depth: int, by_grid: dict[int, Tally]) -> list[Line]:
    if area.level == "grid":
        t = by_grid.get(area.id)
        return [Line(area, depth, t.total, t.visited, t.nobody, t.issue)] if t is not None else []
    below: list[Line] = []
    for child in areas_db.children(conn, area.id, BELOW[area.level]):
        below += _lines(conn, child, depth + 1, by_grid)
    direct = [line for line in below if line.depth == depth + 1]
    if not direct:
        return []
    total = Line(area, depth, *(sum(getattr(line, f) for line in direct) for f in ("total", "visited", "nobody",
                                                                                     "issue")))
    return [total, *below]


def names(conn: sqlite3.Connection, person_ids: set[int | None]) -> dict[int | None, str]:
    found: dict[int | None, str] = {None: ""}
    for person_id in person_ids - {None}:
        person = people_db.by_id(conn, person_id) if person_id is not None else None
        found[person_id] = person.name if person is not None else ""
    return found
