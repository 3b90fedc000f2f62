"""Who gets a report: the grid worker on duty (least loaded, then in rotation), else the grid leader;
and who stands above them when it escalates."""

from __future__ import annotations

import sqlite3
from collections.abc import Set

from db import areas as areas_db
from db import people as people_db
from db import reports as reports_db
from db.kinds import Role
from db.people import Staff

LEVEL_ROLES: dict[int, Role] = {1: "grid_leader", 2: "community_admin", 3: "town_admin"}
TOP_LEVEL = 3
NOBODY: Set[int] = frozenset()


def pick_worker(conn: sqlite3.Connection, grid_id: int, exclude: Set[int] = NOBODY) -> Staff | None:
    """The on-duty, reachable grid worker with the fewest open reports; ties go round the rotation."""
    workers = [w for w in people_db.staff_at(conn, grid_id, "grid_worker")
               if w.on_duty and w.reachable and w.person_id not in exclude]
    if not workers:
        return None
    counts = reports_db.open_counts(conn, [w.person_id for w in workers])
    fewest = min(counts.values())
    candidates = [w for w in workers if counts[w.person_id] == fewest]
    last = people_db.last_in_rotation(conn, grid_id)
    after = [w for w in candidates if w.person_id > last]
    chosen = (after or candidates)[0]
    people_db.set_last_in_rotation(conn, grid_id, chosen.person_id)
    return chosen


def level_area(conn: sqlite3.Connection, grid_id: int, level: int) -> int | None:
    """The area whose staff answer at escalation `level` (1 the grid itself, 2 its community, 3 its town)."""
    chain = areas_db.ancestors(conn, grid_id)
    index = max(level - 1, 0)
    return chain[index].id if index < len(chain) else None


def staff_at_level(conn: sqlite3.Connection, grid_id: int, level: int) -> list[Staff]:
    area_id = level_area(conn, grid_id, level)
    return people_db.staff_at(conn, area_id, LEVEL_ROLES[level]) if area_id is not None else []


def reachable_at_level(conn: sqlite3.Connection, grid_id: int, level: int, exclude: Set[int] = NOBODY
                       ) -> list[Staff]:
    """The staff at `level` the bot can write to (linked, and no private message to them refused)."""
    return [s for s in staff_at_level(conn, grid_id, level) if s.reachable and s.person_id not in exclude]


def next_reachable_level(conn: sqlite3.Connection, grid_id: int, above: int, exclude: Set[int] = NOBODY
                         ) -> tuple[int, list[Staff]] | None:
    """The first level above `above` with someone reachable, and who they are; None when there is none."""
    for level in range(above + 1, TOP_LEVEL + 1):
        targets = reachable_at_level(conn, grid_id, level, exclude)
        if targets:
            return level, targets
    return None


def first_reachable(staff: list[Staff], exclude: Set[int] = NOBODY) -> Staff | None:
    usable = [s for s in staff if s.person_id not in exclude]
    return next((s for s in usable if s.reachable), usable[0] if usable else None)


def pick_assignee(conn: sqlite3.Connection, grid_id: int, exclude: Set[int] = NOBODY) -> tuple[Staff | None, int]:
    """(person, level): a worker on duty at level 0, else the grid leader, else whoever stands above;
    when nobody anywhere is reachable, the first person on the chain, so that the report still has a name."""
    worker = pick_worker(conn, grid_id, exclude)
    if worker is not None:
        return worker, 0
    found = next_reachable_level(conn, grid_id, 0, exclude)
    if found is not None:
        level, targets = found
        return targets[0], level
    for level in range(1, TOP_LEVEL + 1):
        chosen = first_reachable(staff_at_level(conn, grid_id, level), exclude)
        if chosen is not None:
            return chosen, level
    return None, TOP_LEVEL
