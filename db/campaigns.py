"""Door-knocking campaigns and their doors (one row per household of the campaign, with its worker)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from db.core import inserted
from db.households import Household
from db.kinds import CampaignStatus, DoorStatus


@dataclass(frozen=True)
class Campaign:
    id: int
    area_id: int
    title: str
    due_at: str
    status: CampaignStatus
    created_by: int | None
    created_at: str


@dataclass(frozen=True)
class Door:
    id: int
    campaign_id: int
    household_id: int
    grid_id: int
    worker_id: int | None
    status: DoorStatus
    attempts: int
    report_id: int | None
    updated_at: str | None


@dataclass(frozen=True)
class Tally:
    """One grid's progress."""

    grid_id: int
    total: int
    visited: int
    nobody: int
    issue: int


_CAMPAIGN = "SELECT id, area_id, title, due_at, status, created_by, created_at FROM campaigns "
_DOOR = ("SELECT d.id, d.campaign_id, d.household_id, d.grid_id, d.worker_id, d.status, d.attempts, d.report_id,"
         " d.updated_at FROM campaign_households d ")
_HOUSEHOLD = ", h.id, h.grid_id, h.building, h.unit, h.room, h.head_name, h.phone, h.telegram_user_id, h.source," \
             " h.report_id"


def create(conn: sqlite3.Connection, *, area_id: int, title: str, due_at: str, created_by: int | None, now: str,
           doors: list[tuple[int, int, int | None]]) -> int:
    """A campaign and its doors: (household id, grid id, worker id) each."""
    campaign_id = inserted(conn.execute(
        "INSERT INTO campaigns (area_id, title, due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (area_id, title, due_at, created_by, now)))
    conn.executemany("INSERT INTO campaign_households (campaign_id, household_id, grid_id, worker_id) VALUES (?, ?, ?, ?)",
                     [(campaign_id, *door) for door in doors])
    return campaign_id


def get(conn: sqlite3.Connection, campaign_id: int) -> Campaign | None:
    row = conn.execute(_CAMPAIGN + "WHERE id = ?", (campaign_id,)).fetchone()
    return Campaign(*tuple(row)) if row else None


def recent(conn: sqlite3.Connection, limit: int = 20) -> list[Campaign]:
    return [Campaign(*tuple(r)) for r in conn.execute(_CAMPAIGN + "ORDER BY id DESC LIMIT ?", (limit,))]


def update(conn: sqlite3.Connection, campaign_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE campaigns SET {columns} WHERE id = ?", (*fields.values(), campaign_id))


def door(conn: sqlite3.Connection, door_id: int) -> tuple[Door, Household] | None:
    row = conn.execute(_DOOR.replace(" FROM", _HOUSEHOLD + " FROM") + "JOIN households h ON h.id = d.household_id"
                       " WHERE d.id = ?", (door_id,)).fetchone()
    return (Door(*tuple(row)[:9]), Household(*tuple(row)[9:])) if row else None


def doors(conn: sqlite3.Connection, campaign_id: int, *, worker_id: int | None = None, grid_id: int | None = None,
          ids: tuple[int, ...] = ()) -> list[tuple[Door, Household]]:
    """A campaign's doors (a worker's, a grid's, or these), in building, unit, room order."""
    sql = _DOOR.replace(" FROM", _HOUSEHOLD + " FROM") + "JOIN households h ON h.id = d.household_id" \
        " WHERE d.campaign_id = ?"
    args: list[Any] = [campaign_id]
    if worker_id is not None:
        sql, args = sql + " AND d.worker_id = ?", args + [worker_id]
    if grid_id is not None:
        sql, args = sql + " AND d.grid_id = ?", args + [grid_id]
    if ids:
        sql, args = sql + f" AND d.id IN ({','.join('?' * len(ids))})", args + list(ids)
    rows = conn.execute(sql + " ORDER BY h.building, h.unit, h.room", args)
    return [(Door(*tuple(r)[:9]), Household(*tuple(r)[9:])) for r in rows]


def workers(conn: sqlite3.Connection, campaign_id: int) -> list[int]:
    rows = conn.execute("SELECT DISTINCT worker_id FROM campaign_households WHERE campaign_id = ?"
                        " AND worker_id IS NOT NULL ORDER BY worker_id", (campaign_id,))
    return [r[0] for r in rows]


def set_door(conn: sqlite3.Connection, door_id: int, **fields: Any) -> None:
    columns = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(f"UPDATE campaign_households SET {columns} WHERE id = ?", (*fields.values(), door_id))


def tallies(conn: sqlite3.Connection, campaign_id: int) -> list[Tally]:
    rows = conn.execute(
        "SELECT grid_id, count(*), sum(status IN ('visited', 'issue')), sum(status = 'nobody'), sum(status = 'issue')"
        " FROM campaign_households WHERE campaign_id = ? GROUP BY grid_id", (campaign_id,))
    return [Tally(*tuple(r)) for r in rows]


def grids_under(conn: sqlite3.Connection, area_id: int) -> list[int]:
    """The grids at or below an area, in code order."""
    rows = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL SELECT a.id FROM areas a JOIN down ON a.parent_id = down.id)"
        " SELECT areas.id FROM down JOIN areas ON areas.id = down.id WHERE areas.level = 'grid' ORDER BY areas.code",
        (area_id,))
    return [r[0] for r in rows]
