"""What is known of a Telegram user, binding claims (an invite opened, waiting for the person's own
contact or an admin's word), and unlinking an account from a person."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from db.kinds import ClaimStatus


@dataclass(frozen=True)
class TelegramUser:
    user_id: int
    first_name: str
    username: str | None


def telegram_user(conn: sqlite3.Connection, user_id: int) -> TelegramUser | None:
    row = conn.execute("SELECT user_id, first_name, username FROM telegram_users WHERE user_id = ?",
                       (user_id,)).fetchone()
    return TelegramUser(row[0], row[1], row[2]) if row else None


OPEN: tuple[ClaimStatus, ...] = ("awaiting_contact", "awaiting_approval")


@dataclass(frozen=True)
class Claim:
    id: int
    code: str
    person_id: int
    user_id: int
    status: ClaimStatus
    phone: str | None
    own_contact: bool | None


_CLAIM = "SELECT id, code, person_id, user_id, status, phone, own_contact FROM binding_claims "


def _claim(row: sqlite3.Row | None) -> Claim | None:
    if row is None:
        return None
    return Claim(row[0], row[1], row[2], row[3], row[4], row[5], None if row[6] is None else bool(row[6]))


def open_claim(conn: sqlite3.Connection, *, code: str, person_id: int, user_id: int, now: str) -> int:
    """A new claim waiting for the user's contact; the user's other open claims are withdrawn."""
    conn.execute("UPDATE binding_claims SET status = 'withdrawn' WHERE user_id = ? AND status IN (?, ?)",
                 (user_id, *OPEN))
    return int(conn.execute("INSERT INTO binding_claims (code, person_id, user_id, created_at) VALUES (?, ?, ?, ?)",
                            (code, person_id, user_id, now)).lastrowid or 0)


def get_claim(conn: sqlite3.Connection, claim_id: int) -> Claim | None:
    return _claim(conn.execute(_CLAIM + "WHERE id = ?", (claim_id,)).fetchone())


def open_claim_of(conn: sqlite3.Connection, user_id: int, status: ClaimStatus | None = None) -> Claim | None:
    """The user's open claim (of `status`, when given), if any."""
    statuses = (status,) if status is not None else OPEN
    marks = ",".join("?" * len(statuses))
    return _claim(conn.execute(_CLAIM + f"WHERE user_id = ? AND status IN ({marks}) ORDER BY id DESC",
                               (user_id, *statuses)).fetchone())


def set_claim(conn: sqlite3.Connection, claim_id: int, status: ClaimStatus, *, phone: str | None = None,
              own_contact: bool | None = None, decided_by: int | None = None, decided_at: str | None = None) -> bool:
    """Move an open claim on; False when it is no longer open (decided or withdrawn meanwhile)."""
    return conn.execute(
        "UPDATE binding_claims SET status = ?, phone = COALESCE(?, phone), own_contact = COALESCE(?, own_contact),"
        " decided_by = COALESCE(?, decided_by), decided_at = COALESCE(?, decided_at)"
        " WHERE id = ? AND status IN (?, ?)",
        (status, phone, None if own_contact is None else int(own_contact), decided_by, decided_at, claim_id, *OPEN),
    ).rowcount == 1


def withdraw_claims_for(conn: sqlite3.Connection, person_id: int) -> None:
    """The person is linked (or unlinked): claims still open on them are moot."""
    conn.execute("UPDATE binding_claims SET status = 'withdrawn' WHERE person_id = ? AND status IN (?, ?)",
                 (person_id, *OPEN))


def unlink_telegram(conn: sqlite3.Connection, person_id: int, now: str) -> None:
    """Forget the person's Telegram account: they are staff without a Telegram link until they bind again."""
    conn.execute("UPDATE people SET telegram_user_id = NULL, started_at = NULL, unreachable_at = NULL, locale = NULL,"
                 " updated_at = ? WHERE id = ?", (now, person_id))


def people_named(conn: sqlite3.Connection, name: str) -> list[int]:
    return [int(r[0]) for r in conn.execute("SELECT id FROM people WHERE name = ? ORDER BY id", (name,))]
