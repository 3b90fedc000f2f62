"""Who gets a report, on a real database built by the migrations: the least loaded worker on duty and
reachable, ties round the rotation, then the grid leader and the levels above."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from bot.services.routing import pick_assignee, pick_worker
from db import areas as areas_db
from db import people as people_db
from db import reports as reports_db
from db.core import apply_migrations

NOW = datetime(2026, 4, 9, 1, 0, tzinfo=timezone.utc)
STAMP = NOW.isoformat()


@pytest.fixture
def conn(tmp_path: Path):
    connection = sqlite3.connect(tmp_path / "routing.sqlite3", isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys=ON")
    apply_migrations(connection)
    import_org(connection, *sample_city(), NOW, timedelta(days=14))
    for offset, name in enumerate(("李娜", "张伟")):          # the sample roster gives workers no Telegram id
        people_db.link_telegram(connection, person(connection, name), 800001 + offset, STAMP)
    yield connection
    connection.close()


def person(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0])


def grid(conn: sqlite3.Connection, code: str = "G0101") -> int:
    area = areas_db.by_code(conn, code)
    assert area is not None
    return area.id


def open_report(conn: sqlite3.Connection, assignee: int, number: int) -> None:
    report_id = reports_db.create(
        conn, number=f"G0101-20260409-{number:04d}", grid_id=grid(conn), kind="dispute", priority="normal",
        reporter_user=1, on_behalf=False, details={}, now=STAMP, accept_due_at=STAMP, resolve_due_at=STAMP)
    reports_db.update(conn, report_id, assignee_id=assignee)


def picked(conn: sqlite3.Connection, **kwargs: object) -> str | None:
    chosen = pick_worker(conn, grid(conn), **kwargs)  # type: ignore[arg-type]
    return chosen.name if chosen else None


def test_the_least_loaded_worker_is_picked(conn):
    open_report(conn, person(conn, "李娜"), 1)
    assert [picked(conn) for _ in range(3)] == ["张伟"] * 3
    open_report(conn, person(conn, "张伟"), 2)
    open_report(conn, person(conn, "张伟"), 3)
    assert picked(conn) == "李娜"


def test_a_resolved_report_is_no_load(conn):
    open_report(conn, person(conn, "李娜"), 1)
    conn.execute("UPDATE reports SET status = 'resolved'")
    assert picked(conn) == "李娜"                                  # a tie again: the rotation starts at the first


def test_ties_go_round_the_rotation_and_it_is_remembered(conn):
    assert [picked(conn) for _ in range(5)] == ["李娜", "张伟", "李娜", "张伟", "李娜"]
    assert people_db.last_in_rotation(conn, grid(conn)) == person(conn, "李娜")


def test_workers_off_duty_or_unreachable_are_skipped(conn):
    li_na, zhang_wei = person(conn, "李娜"), person(conn, "张伟")
    people_db.set_duty(conn, li_na, False)
    assert [picked(conn) for _ in range(2)] == ["张伟", "张伟"]
    people_db.set_duty(conn, li_na, True)
    people_db.mark_unreachable(conn, zhang_wei, STAMP)
    assert [picked(conn) for _ in range(2)] == ["李娜", "李娜"]
    conn.execute("UPDATE people SET telegram_user_id = NULL WHERE id = ?", (li_na,))
    assert picked(conn) is None                                     # never linked: nobody can message her


def test_excluded_workers_are_not_picked(conn):
    assert picked(conn, exclude={person(conn, "李娜")}) == "张伟"
    assert picked(conn, exclude={person(conn, "李娜"), person(conn, "张伟")}) is None


def test_without_a_worker_the_leader_then_the_levels_above(conn):
    for name in ("李娜", "张伟"):
        people_db.set_duty(conn, person(conn, name), False)
    chosen, level = pick_assignee(conn, grid(conn))
    assert (chosen.name if chosen else None, level) == ("王强", 1)

    people_db.mark_unreachable(conn, person(conn, "王强"), STAMP)
    chosen, level = pick_assignee(conn, grid(conn))
    assert (chosen.name if chosen else None, level) == ("孙丽", 2)

    chosen, level = pick_assignee(conn, grid(conn), {person(conn, "孙丽")})
    assert (chosen.name if chosen else None, level) == ("钱文华", 3)


def test_a_worker_on_duty_comes_before_the_leader(conn):
    chosen, level = pick_assignee(conn, grid(conn))
    assert (chosen.name if chosen else None, level) == ("李娜", 0)


def test_when_nobody_is_reachable_someone_is_still_named(conn):
    for name in ("李娜", "张伟"):
        people_db.set_duty(conn, person(conn, name), False)
    for name in ("王强", "孙丽", "钱文华"):
        people_db.mark_unreachable(conn, person(conn, name), STAMP)
    chosen, level = pick_assignee(conn, grid(conn))
    assert (chosen.name if chosen else None, level) == ("王强", 1)
    chosen, level = pick_assignee(conn, grid(conn), {person(conn, "王强")})
    assert (chosen.name if chosen else None, level) == ("孙丽", 2)


def test_a_grid_without_staff_has_nobody(conn):
    conn.execute("DELETE FROM roles")
    assert pick_assignee(conn, grid(conn)) == (None, 3)
