"""Door-knocking campaigns (敲门行动): launched over every household of an area, split among each grid's workers
by building (balanced); each worker gets a list every day at `campaign_list_time` until the due time (nobody home
comes back, up to `campaign_revisits` times); at the due time the launcher gets a summary and what is left
escalates like a report: grid leader, then community, then town."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.core.clock import parse_stamp, stamp
from bot.core.config import Settings
from bot.services import broadcasting, notify
from bot.services.campaign_views import Line, campaign_view, door_keyboard, is_open, names, progress, queue_list
from bot.services.org import ADMIN_ROLES
from bot.services.routing import TOP_LEVEL, reachable_at_level
from bot.services.tasks_common import TASK, Done, next_at, owner
from db import areas as areas_db
from db import campaigns as campaigns_db
from db import households as households_db
from db import people as people_db
from db import tasks as tasks_db
from db.campaigns import Campaign, Door
from db.households import Household
from db.kinds import Role
from db.people import Staff
from db.thread import thread_only

ACTIONS = ("v", "n", "i", "s")
HEADS: dict[str, Role] = {"grid": "grid_leader", "community": "community_admin", "town": "town_admin",
                          "city": "city_admin"}


def split(homes: list[Household], workers: list[int]) -> list[tuple[Household, int | None]]:
    """Whole buildings to workers, the biggest first, each to whoever has the fewest households so far."""
    if not workers:
        return [(h, None) for h in homes]
    load = {w: 0 for w in workers}
    buildings: dict[str, list[Household]] = {}
    for home in homes:
        buildings.setdefault(home.building, []).append(home)
    out: list[tuple[Household, int | None]] = []
    for _, group in sorted(buildings.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        worker = min(workers, key=lambda w: (load[w], w))
        load[worker] += len(group)
        out += [(h, worker) for h in group]
    return out


def _grid_workers(conn: sqlite3.Connection, grid_id: int) -> list[int]:
    """The grid's workers the bot can write to (all of them when none can be), else its leader."""
    workers = people_db.staff_at(conn, grid_id, "grid_worker")
    reachable = [w.person_id for w in workers if w.reachable]
    if reachable or workers:
        return reachable or [w.person_id for w in workers]
    return [s.person_id for s in people_db.staff_at(conn, grid_id, "grid_leader")][:1]


def launch(conn: sqlite3.Connection, settings: Settings, user_id: int | None, *, area_code: str, title: str,
           due: datetime, now: datetime) -> Done:
    """A campaign over the area's households (`user_id` None: the command line); the lists go at the next tick."""
    thread_only()                                       # a town's households: thousands of rows
    area = areas_db.by_code(conn, area_code)
    if area is None:
        return Done("unknown_area", {"code": area_code})
    if not broadcasting.in_scope(conn, user_id, area.id):
        return Done("forbidden")
    if due <= now:
        return Done("due_past")
    doors: list[tuple[int, int, int | None]] = []
    for grid_id in campaigns_db.grids_under(conn, area.id):
        homes = households_db.in_grid(conn, grid_id)
        doors += [(home.id, grid_id, worker) for home, worker in split(homes, _grid_workers(conn, grid_id))]
    if not doors:
        return Done("no_households", {"area": area})
    ts = stamp(now)
    campaign_id = campaigns_db.create(conn, area_id=area.id, title=title, due_at=stamp(due), created_by=user_id,
                                      now=ts, doors=doors)
    tasks_db.arm(conn, "campaign_day", campaign_id, ts)
    tasks_db.arm(conn, "campaign_due", campaign_id, stamp(due))
    return Done("created", {"id": campaign_id, "area": area, "households": len(doors),
                            "workers": len({w for _, _, w in doors if w is not None}),
                            "due_at": notify.local_time(stamp(due), settings)})


def fire_day(conn: sqlite3.Connection, settings: Settings, campaign_id: int, now: datetime) -> str:
    """Each worker's list of what is still open, and the next day's timer while the campaign runs."""
    campaign = campaigns_db.get(conn, campaign_id)
    if campaign is None or campaign.status != "active":
        return "stale"
    for worker_id in campaigns_db.workers(conn, campaign.id):
        doors = [pair for pair in campaigns_db.doors(conn, campaign.id, worker_id=worker_id)
                 if is_open(pair[0], settings)]
        staff = owner(conn, worker_id, doors[0][0].grid_id) if doors else None
        if staff is not None:
            queue_list(conn, settings, campaign, staff, doors, "tasks/campaign/list", now)
    following = next_at(now, settings.campaign_list_time, settings)
    if following < parse_stamp(campaign.due_at):
        tasks_db.arm(conn, "campaign_day", campaign.id, stamp(following))
    return "lists"


def fire_due(conn: sqlite3.Connection, settings: Settings, campaign_id: int, now: datetime) -> str:
    """The due time: the launcher's summary, and what is still open goes to each grid's leader."""
    campaign = campaigns_db.get(conn, campaign_id)
    if campaign is None or campaign.status != "active":
        return "stale"
    campaigns_db.update(conn, campaign.id, status="due")
    campaign = campaigns_db.get(conn, campaign.id) or campaign
    ts = stamp(now)
    open_doors = [pair for pair in campaigns_db.doors(conn, campaign.id) if is_open(pair[0], settings)]
    for staff in _launchers(conn, campaign):
        assert staff.telegram_user_id is not None
        notify.to_user(conn, settings, staff.telegram_user_id, "tasks/campaign/summary", "campaign_summary", ts,
                       priority=TASK, person_id=staff.person_id, campaign=campaign_view(conn, campaign, settings),
                       lines=progress(conn, campaign), overdue=len(open_doors))
    return "due" if not _escalate(conn, settings, campaign, 1, now) else "escalated"


def fire_overdue_step(conn: sqlite3.Connection, settings: Settings, campaign_id: int, level: int,
                      now: datetime) -> str:
    """Another window passed: what is still open goes one level up."""
    campaign = campaigns_db.get(conn, campaign_id)
    if campaign is None:
        return "stale"
    return "escalated" if _escalate(conn, settings, campaign, level, now) else "done"


def _escalate(conn: sqlite3.Connection, settings: Settings, campaign: Campaign, level: int, now: datetime) -> bool:
    """Each grid's open households to the staff at `level` (1 grid leader, 2 community, 3 town); the next level
    after another window. False when nothing is open any more."""
    open_doors = [pair for pair in campaigns_db.doors(conn, campaign.id) if is_open(pair[0], settings)]
    if not open_doors:
        return False
    workers = names(conn, {d.worker_id for d, _ in open_doors})
    for grid_id in sorted({d.grid_id for d, _ in open_doors}):
        doors = [pair for pair in open_doors if pair[0].grid_id == grid_id]
        for staff in reachable_at_level(conn, grid_id, level):
            queue_list(conn, settings, campaign, staff, doors, "tasks/campaign/overdue", now, escalated_to=level,
                       workers={d.id: workers[d.worker_id] for d, _ in doors})
    if level < TOP_LEVEL:
        tasks_db.arm(conn, "campaign_overdue", campaign.id, stamp(now + settings.accept_window("normal")),
                     step=level + 1)
    return True


def _launchers(conn: sqlite3.Connection, campaign: Campaign) -> list[Staff]:
    """Who gets the summary: the person who launched it, else the leaders of its area (from the command line)."""
    if campaign.created_by is not None:
        person = people_db.by_telegram_id(conn, campaign.created_by)
        staff = people_db.staff_member(conn, person.id) if person is not None else None
        return [staff] if staff is not None and staff.reachable else []
    area = areas_db.by_id(conn, campaign.area_id)
    role = HEADS.get(area.level if area else "city", "city_admin")
    return [s for s in people_db.staff_at(conn, campaign.area_id, role) if s.reachable]


def may_knock(conn: sqlite3.Connection, door: Door, user_id: int) -> bool:
    """The door's worker, the grid's leader, and admins of the areas above."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return False
    if person.id == door.worker_id:
        return True
    above = {a.id for a in areas_db.ancestors(conn, door.grid_id)}
    return any((r.role == "grid_leader" and r.area_id == door.grid_id) or (r.role in ADMIN_ROLES and r.area_id in above)
               for r in people_db.roles_of(conn, person.id))


def knock(conn: sqlite3.Connection, settings: Settings, user_id: int, door_id: int, action: str, now: datetime,
          shown: tuple[int, ...], locale: str) -> Done:
    """A household's button: ✅ visited, 🚪 nobody home (once a day), ⚠️ issue (`issue`: the caller asks what),
    or a finished one's status. Returns the pressed list's buttons as they stand after it (`buttons`)."""
    found = campaigns_db.door(conn, door_id)
    if found is None or action not in ACTIONS:
        return Done("stale")
    door, home = found
    if not may_knock(conn, door, user_id):
        return Done("forbidden")
    ts = stamp(now)
    if action == "s" or not is_open(door, settings):
        key = f"status_{door.status}" if action == "s" else "already"
    elif action == "n" and door.status == "nobody" and door.updated_at is not None and \
            parse_stamp(door.updated_at).astimezone(settings.tz).date() == now.astimezone(settings.tz).date():
        key = "already"                                  # one knock a day: the revisit is tomorrow's
    elif action == "v":
        campaigns_db.set_door(conn, door.id, status="visited", updated_at=ts)
        key = "visited"
    elif action == "n":
        campaigns_db.set_door(conn, door.id, status="nobody", attempts=door.attempts + 1, updated_at=ts)
        key = "nobody"
    else:
        return Done("issue", {"door": door, "home": home})
    ids = shown if door.id in shown else (door.id,)
    return Done(key, {"buttons": door_keyboard(conn, settings, door.campaign_id, ids, locale),
                      "attempts": door.attempts + (key == "nobody")})


def overview(conn: sqlite3.Connection, settings: Settings, user_id: int) -> dict[str, Any] | None:
    """/campaign: the campaigns that cover the person's areas or lie below them, with their progress, and whether
    they may launch one; None for someone who is not staff."""
    person = people_db.by_telegram_id(conn, user_id)
    if person is None:
        return None
    mine = {r.area_id for r in people_db.roles_of(conn, person.id)}
    shown = []
    for campaign in campaigns_db.recent(conn):
        above = {a.id for a in areas_db.ancestors(conn, campaign.area_id)}
        # Over one of their areas or below it (an admin's, a leader's), or over an area that holds theirs (a
        # worker's grid in a community-wide campaign).
        if mine & above or any(areas_db.within(conn, area_id, campaign.area_id) for area_id in mine):
            shown.append({"campaign": campaign_view(conn, campaign, settings), "lines": progress(conn, campaign)})
    return {"campaigns": shown, "may_launch": bool(broadcasting.scopes(conn, user_id))}


def status(conn: sqlite3.Connection, settings: Settings, campaign_id: int) -> tuple[Any, list[Line]] | None:
    """`gridbot campaign-status`: the campaign and its progress lines."""
    campaign = campaigns_db.get(conn, campaign_id)
    if campaign is None:
        return None
    return campaign_view(conn, campaign, settings), progress(conn, campaign)
