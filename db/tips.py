"""Tips (举报) as sent, and the reward ledger."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import inserted
from db.kinds import OPEN_STATUSES, RewardStatus, TipSubject


@dataclass(frozen=True)
class Tip:
    id: int
    report_id: int
    user_id: int
    anonymous: bool
    subject: TipSubject
    address_key: str
    linked: bool
    created_at: str


@dataclass(frozen=True)
class Reward:
    id: int
    report_id: int
    grid_id: int
    subject: TipSubject
    amount: int
    status: RewardStatus
    claim_code: str | None
    created_at: str
    decided_by: int | None
    decided_at: str | None
    paid_by: int | None
    paid_at: str | None
    number: str                     # the tip's report number
    grid_code: str


def _tip(row: sqlite3.Row) -> Tip:
    return Tip(row["id"], row["report_id"], row["user_id"], bool(row["anonymous"]), row["subject"],
               row["address_key"], bool(row["linked"]), row["created_at"])


def add(conn: sqlite3.Connection, *, report_id: int, user_id: int, anonymous: bool, subject: TipSubject,
        address_key: str, linked: bool, now: str) -> int:
    return inserted(conn.execute(
        "INSERT INTO tips (report_id, user_id, anonymous, subject, address_key, linked, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (report_id, user_id, int(anonymous), subject, address_key, int(linked), now)))


def sent_since(conn: sqlite3.Connection, user_id: int, since: str) -> int:
    """How many tips `user_id` has sent at or after `since` (index tips_user)."""
    return int(conn.execute("SELECT count(*) FROM tips WHERE user_id = ? AND created_at >= ?",
                            (user_id, since)).fetchone()[0])


def open_at_address(conn: sqlite3.Connection, grid_id: int, address_key: str) -> int | None:
    """The report of an unresolved tip in the grid about the same address, if there is one."""
    row = conn.execute(
        "SELECT r.id FROM tips t JOIN reports r ON r.id = t.report_id WHERE t.address_key = ? AND t.linked = 0"
        f" AND r.grid_id = ? AND r.status IN ({','.join('?' * len(OPEN_STATUSES))}) ORDER BY r.id LIMIT 1",
        (address_key, grid_id, *OPEN_STATUSES)).fetchone()
    return int(row[0]) if row else None


def open_with_place(conn: sqlite3.Connection, grid_id: int) -> list[tuple[int, float, float]]:
    """(report id, lat, lon) of each unresolved tip in the grid that has a shared place (index reports_unresolved)."""
    rows = conn.execute(
        "SELECT r.id, json_extract(r.details, '$.location.latitude'), json_extract(r.details, '$.location.longitude')"
        " FROM reports r JOIN tips t ON t.report_id = r.id AND t.linked = 0"
        f" WHERE r.grid_id = ? AND r.status IN ({','.join('?' * len(OPEN_STATUSES))}) AND r.kind = 'tip'"
        " AND json_extract(r.details, '$.location.latitude') IS NOT NULL ORDER BY r.id", (grid_id, *OPEN_STATUSES))
    return [(int(r[0]), float(r[1]), float(r[2])) for r in rows]


def founding(conn: sqlite3.Connection, report_id: int) -> Tip | None:
    """The tip that opened the report."""
    row = conn.execute("SELECT * FROM tips WHERE report_id = ? AND linked = 0", (report_id,)).fetchone()
    return _tip(row) if row else None


def linked_to(conn: sqlite3.Connection, report_id: int) -> list[Tip]:
    return [_tip(r) for r in conn.execute("SELECT * FROM tips WHERE report_id = ? AND linked = 1 ORDER BY id",
                                          (report_id,))]


_REWARD = ("SELECT w.*, r.number, a.code AS grid_code FROM rewards w JOIN reports r ON r.id = w.report_id"
           " JOIN areas a ON a.id = w.grid_id ")


def _reward(row: sqlite3.Row) -> Reward:
    return Reward(row["id"], row["report_id"], row["grid_id"], row["subject"], row["amount"], row["status"],
                  row["claim_code"], row["created_at"], row["decided_by"], row["decided_at"], row["paid_by"],
                  row["paid_at"], row["number"], row["grid_code"])


def propose_reward(conn: sqlite3.Connection, *, report_id: int, grid_id: int, subject: TipSubject, amount: int,
                   now: str) -> int:
    return inserted(conn.execute(
        "INSERT INTO rewards (report_id, grid_id, subject, amount, created_at) VALUES (?, ?, ?, ?, ?)",
        (report_id, grid_id, subject, amount, now)))


def reward(conn: sqlite3.Connection, reward_id: int) -> Reward | None:
    row = conn.execute(_REWARD + "WHERE w.id = ?", (reward_id,)).fetchone()
    return _reward(row) if row else None


def reward_by_code(conn: sqlite3.Connection, claim_code: str) -> Reward | None:
    row = conn.execute(_REWARD + "WHERE w.claim_code = ?", (claim_code,)).fetchone()
    return _reward(row) if row else None


def code_taken(conn: sqlite3.Connection, claim_code: str) -> bool:
    return conn.execute("SELECT 1 FROM rewards WHERE claim_code = ?", (claim_code,)).fetchone() is not None


def decide_reward(conn: sqlite3.Connection, reward_id: int, status: RewardStatus, *, by: int | None, now: str,
                  claim_code: str | None = None) -> bool:
    """Approve or refuse a proposed reward; False when it was not (any longer) proposed."""
    return conn.execute(
        "UPDATE rewards SET status = ?, claim_code = ?, decided_by = ?, decided_at = ? WHERE id = ?"
        " AND status = 'proposed'", (status, claim_code, by, now, reward_id)).rowcount == 1


def mark_paid(conn: sqlite3.Connection, reward_id: int, *, by: int | None, now: str) -> bool:
    """False when the reward was not approved-and-unpaid."""
    return conn.execute("UPDATE rewards SET status = 'paid', paid_by = ?, paid_at = ? WHERE id = ?"
                        " AND status = 'approved'", (by, now, reward_id)).rowcount == 1


def rewards_in(conn: sqlite3.Connection, grid_ids: list[int], statuses: tuple[RewardStatus, ...]) -> list[Reward]:
    """The rewards of these grids with these statuses, newest first."""
    if not grid_ids or not statuses:
        return []
    grids, kinds = ",".join("?" * len(grid_ids)), ",".join("?" * len(statuses))
    rows = conn.execute(_REWARD + f"WHERE w.grid_id IN ({grids}) AND w.status IN ({kinds}) ORDER BY w.id DESC",
                        (*grid_ids, *statuses))
    return [_reward(r) for r in rows]
