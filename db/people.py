"""Staff (people with roles), their roles per area, and Telegram users met in private."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from db.core import NotFound, inserted
from db.kinds import AreaLevel, Role


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    phone: str
    telegram_user_id: int | None


@dataclass(frozen=True)
class RoleRow:
    role: Role
    area_id: int
    area_code: str
    area_name: str
    area_level: AreaLevel


def _person(row: sqlite3.Row | None) -> Person | None:
    return Person(row["id"], row["name"], row["phone"], row["telegram_user_id"]) if row else None


def load(conn: sqlite3.Connection, person_id: int) -> Person:
    person = by_id(conn, person_id)
    if person is None:
        raise NotFound("person", id=person_id)
    return person


def by_phone(conn: sqlite3.Connection, phone: str) -> Person | None:
    return _person(conn.execute("SELECT * FROM people WHERE phone = ?", (phone,)).fetchone())


def by_telegram_id(conn: sqlite3.Connection, user_id: int) -> Person | None:
    return _person(conn.execute("SELECT * FROM people WHERE telegram_user_id = ?", (user_id,)).fetchone())


def by_id(conn: sqlite3.Connection, person_id: int) -> Person | None:
    return _person(conn.execute("SELECT * FROM people WHERE id = ?", (person_id,)).fetchone())


def telegram_owners(conn: sqlite3.Connection) -> dict[int, str]:
    """Telegram user id → phone of the person linked to it."""
    return {r[0]: r[1] for r in conn.execute("SELECT telegram_user_id, phone FROM people WHERE telegram_user_id IS NOT NULL")}


def upsert(conn: sqlite3.Connection, name: str, phone: str, telegram_user_id: int | None, now: str) -> tuple[int, str]:
    """Insert or update by phone; a given Telegram id replaces the stored one. Returns (id, outcome)."""
    old = by_phone(conn, phone)
    if old is None:
        cur = conn.execute(
            "INSERT INTO people (name, phone, telegram_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (name, phone, telegram_user_id, now, now),
        )
        return inserted(cur), "created"
    new_tg = telegram_user_id if telegram_user_id is not None else old.telegram_user_id
    if (old.name, old.telegram_user_id) == (name, new_tg):
        return old.id, "unchanged"
    conn.execute(
        "UPDATE people SET name = ?, telegram_user_id = ?, updated_at = ? WHERE id = ?", (name, new_tg, now, old.id)
    )
    return old.id, "updated"


def link_telegram(conn: sqlite3.Connection, person_id: int, user_id: int, now: str) -> None:
    conn.execute(
        "UPDATE people SET telegram_user_id = ?, started_at = COALESCE(started_at, ?), unreachable_at = NULL,"
        " updated_at = ? WHERE id = ?",
        (user_id, now, now, person_id),
    )


def roles_of(conn: sqlite3.Connection, person_id: int) -> list[RoleRow]:
    rows = conn.execute(
        "SELECT r.role, a.id, a.code, a.name, a.level FROM roles r JOIN areas a ON a.id = r.area_id "
        "WHERE r.person_id = ? ORDER BY a.code, r.role",
        (person_id,),
    )
    return [RoleRow(*row) for row in rows]


def role_keys(conn: sqlite3.Connection) -> set[tuple[int, int, Role]]:
    return {(r[0], r[1], r[2]) for r in conn.execute("SELECT person_id, area_id, role FROM roles")}


def add_role(conn: sqlite3.Connection, person_id: int, area_id: int, role: Role, now: str) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO roles (person_id, area_id, role, created_at) VALUES (?, ?, ?, ?)",
        (person_id, area_id, role, now),
    )
    return cur.rowcount == 1


def remove_role(conn: sqlite3.Connection, person_id: int, area_id: int, role: Role) -> None:
    conn.execute("DELETE FROM roles WHERE person_id = ? AND area_id = ? AND role = ?", (person_id, area_id, role))


def remember_user(
    conn: sqlite3.Connection, user_id: int, first_name: str, username: str | None, language: str | None,
    now: str, started: bool = False,
) -> None:
    """Record a Telegram user seen in private; `started` when they pressed Start."""
    conn.execute(
        "INSERT INTO telegram_users (user_id, first_name, username, language, started_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET first_name = excluded.first_name, "
        "username = excluded.username, language = excluded.language, blocked_at = NULL, "
        "started_at = COALESCE(telegram_users.started_at, excluded.started_at), updated_at = excluded.updated_at",
        (user_id, first_name, username, language, now if started else None, now),
    )
    conn.execute("UPDATE people SET locale = ?, unreachable_at = NULL WHERE telegram_user_id = ?", (language, user_id))


def mark_blocked(conn: sqlite3.Connection, user_id: int, now: str) -> None:
    """The user blocked the bot: private messages to them will be refused."""
    conn.execute("UPDATE telegram_users SET blocked_at = ? WHERE user_id = ?", (now, user_id))
    conn.execute("UPDATE people SET unreachable_at = ? WHERE telegram_user_id = ?", (now, user_id))


@dataclass(frozen=True)
class Staff:
    person_id: int
    name: str
    telegram_user_id: int | None
    on_duty: bool
    reachable: bool
    locale: str | None


_STAFF = ("SELECT p.id, p.name, p.telegram_user_id, {on_duty}, "
          "p.unreachable_at IS NULL AND p.telegram_user_id IS NOT NULL, COALESCE(p.locale, t.language) ")


def staff_at(conn: sqlite3.Connection, area_id: int, role: Role) -> list[Staff]:
    """People holding `role` at `area_id`, in id order."""
    rows = conn.execute(
        _STAFF.format(on_duty="r.on_duty") + "FROM roles r JOIN people p ON p.id = r.person_id "
        "LEFT JOIN telegram_users t ON t.user_id = p.telegram_user_id WHERE r.area_id = ? AND r.role = ? ORDER BY p.id",
        (area_id, role))
    return [_staff(r) for r in rows]


def staff_member(conn: sqlite3.Connection, person_id: int) -> Staff | None:
    """One person as a recipient of staff messages, whatever their roles now."""
    row = conn.execute(
        _STAFF.format(on_duty="1") + "FROM people p LEFT JOIN telegram_users t ON t.user_id = p.telegram_user_id "
        "WHERE p.id = ?", (person_id,)).fetchone()
    return _staff(row) if row else None


def _staff(row: sqlite3.Row) -> Staff:
    return Staff(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5])


def set_duty(conn: sqlite3.Connection, person_id: int, on: bool) -> int:
    """Set on/off duty on every grid-worker role of the person; the number of roles changed."""
    return conn.execute("UPDATE roles SET on_duty = ? WHERE person_id = ? AND role = 'grid_worker'",
                        (int(on), person_id)).rowcount


def mark_unreachable(conn: sqlite3.Connection, person_id: int, now: str) -> None:
    conn.execute("UPDATE people SET unreachable_at = ? WHERE id = ?", (now, person_id))


def language_of(conn: sqlite3.Connection, user_id: int) -> str | None:
    row = conn.execute("SELECT language FROM telegram_users WHERE user_id = ?", (user_id,)).fetchone()
    return row[0] if row else None


def last_in_rotation(conn: sqlite3.Connection, grid_id: int) -> int:
    """The person id the grid's rotation gave the last report to (0 when none yet)."""
    row = conn.execute("SELECT person_id FROM duty_rotation WHERE grid_id = ?", (grid_id,)).fetchone()
    return int(row[0]) if row else 0


def set_last_in_rotation(conn: sqlite3.Connection, grid_id: int, person_id: int) -> None:
    conn.execute("INSERT INTO duty_rotation (grid_id, person_id) VALUES (?, ?) ON CONFLICT(grid_id) "
                 "DO UPDATE SET person_id = excluded.person_id", (grid_id, person_id))
