"""The assessment counts each worker's (and grid's) service tasks done in the month — check-ins made by phone or
at the door, campaign households knocked, follow-up visits done — as columns and in the score, by the weights of
the formula in the settings, which `gridbot assessment` prints with the table."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.app.cli import main
from bot.app.demo import sample_city
from bot.core.config import Settings
from bot.services.ledger import periods
from bot.services.ledger.assessment import assess
from bot.services.org_import import import_org
from db import areas as areas_db
from db.core import apply_migrations

MARCH = datetime(2026, 3, 10, 2, tzinfo=timezone.utc)


def at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def worker(conn, name: str) -> tuple[int, int]:
    """(person id, Telegram user id), the Telegram id given here."""
    person = conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
    conn.execute("UPDATE people SET telegram_user_id = ? WHERE id = ?", (500000 + person, person))
    return person, 500000 + person


def a_month_of_tasks(conn) -> dict[str, int]:
    """李娜: two check-ins by phone, three households knocked (one still pending, not counted), one visit done;
    张伟: one visit done; and a check-in of the month before, which does not count."""
    grid = conn.execute("SELECT id FROM areas WHERE code = 'G0101'").fetchone()[0]
    li_na, li_na_user = worker(conn, "李娜")
    zhang_wei, zhang_wei_user = worker(conn, "张伟")
    report = conn.execute(
        "INSERT INTO reports (number, grid_id, kind, priority, status, reporter_user, details, created_at,"
        " accept_due_at, resolve_due_at, resolved_at) VALUES ('G0101-1', ?, 'dispute', 'normal', 'resolved', 1, '{}',"
        " unixepoch(?), unixepoch(?), unixepoch(?), unixepoch(?))", (grid, at(MARCH - timedelta(days=40)), at(MARCH), at(MARCH), at(MARCH))).lastrowid
    monitoring = conn.execute(
        "INSERT INTO monitorings (report_id, grid_id, resident_user, worker_id, days, started_at, ends_at)"
        " VALUES (?, ?, 1, ?, 14, ?, ?)", (report, grid, li_na, at(MARCH), at(MARCH + timedelta(days=14)))).lastrowid
    for day, moment in (("2026-03-10", MARCH), ("2026-03-11", MARCH + timedelta(days=1)),
                        ("2026-02-10", MARCH - timedelta(days=28))):
        conn.execute("INSERT INTO checkins (monitoring_id, day, sent_at, status, answer, answered_at, checked_by,"
                     " method) VALUES (?, ?, ?, 'checked', 'normal', ?, ?, 'phone')",
                     (monitoring, day, at(moment), at(moment), li_na_user))
    campaign = conn.execute("INSERT INTO campaigns (area_id, title, due_at, created_at) VALUES (?, '敲门', ?, ?)",
                            (grid, at(MARCH + timedelta(days=3)), at(MARCH))).lastrowid
    for room, status in (("101", "visited"), ("102", "nobody"), ("103", "issue"), ("104", "pending")):
        household = conn.execute("INSERT INTO households (grid_id, building, room, created_at, updated_at)"
                                 " VALUES (?, '1', ?, ?, ?)", (grid, room, at(MARCH), at(MARCH))).lastrowid
        conn.execute("INSERT INTO campaign_households (campaign_id, household_id, grid_id, worker_id, status,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?)", (campaign, household, grid, li_na, status,
                                                               None if status == "pending" else at(MARCH)))
    for who, user in ((li_na, li_na_user), (zhang_wei, zhang_wei_user)):
        conn.execute("INSERT INTO visits (report_id, worker_id, days, due_at, status, created_at, done_at, done_by)"
                     " VALUES (?, ?, 7, ?, 'settled', ?, ?, ?)", (report, who, at(MARCH), at(MARCH), at(MARCH), user))
    return {"grid": grid}


@pytest.fixture
def city(tmp_path):
    path = tmp_path / "city.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    areas, staff = sample_city()
    import_org(conn, areas, staff, MARCH - timedelta(days=60), timedelta(days=14))
    a_month_of_tasks(conn)
    yield conn, path
    conn.close()


def test_tasks_done_are_columns_and_count_in_the_score(city):
    conn, _ = city
    settings = Settings(database=":memory:")
    jh = areas_db.by_code(conn, "JH")
    assert jh is not None
    found = assess(conn, settings, jh, periods.month("2026-03"), MARCH + timedelta(days=20))
    cards = {c.name: c for c in found.workers}
    assert (cards["李娜"].checkins, cards["李娜"].households, cards["李娜"].visits) == (2, 3, 1)
    assert (cards["张伟"].checkins, cards["张伟"].households, cards["张伟"].visits) == (0, 0, 1)
    assert cards["李娜"].handled == 0 and cards["李娜"].score is not None        # ranked for tasks alone
    [g0101] = [c for c in found.grids if c.grid and c.grid.code == "G0101"]
    assert (g0101.checkins, g0101.households, g0101.visits) == (2, 3, 2)

    weighted = replace(settings, assessment_formula="10 * checkins + 2 * households + 1 * visits")
    scores = {c.name: c.score for c in assess(conn, weighted, jh, periods.month("2026-03"), MARCH).workers}
    assert (scores["李娜"], scores["张伟"]) == (27.0, 1.0)
    april = {c.name: c.score for c in assess(conn, weighted, jh, periods.month("2026-04"), MARCH).workers}
    assert april["李娜"] is None                                              # nothing done that month


def test_the_command_line_prints_the_task_columns_and_the_weights(city, capsys):
    _, path = city
    code = main(["assessment", "--db", str(path), "--area", "JH", "--month", "2026-03"])
    printed = capsys.readouterr().out
    assert code == 0 and "assessment_formula" in printed and "0.1 * tasks" in printed
    line = next(row for row in printed.splitlines() if row.split() and "李娜" in row)
    assert line.split()[-4:-1] == ["2", "3", "1"]                           # check-ins, households, visits
