"""Migration 0030: the latency summaries hold the reports of the areas two or more levels below an area, not its
own nor its children's (the grids' and communities' rows were four in five of them); those are read from the
reports. A database that lived under 0029 keeps every figure, and a new report counts on its local day, in its grid
and above."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import core
from db import stats as stats_db
from tests.test_ledger_summary import START, live_a_month, summaries

SPANS = [("2026-01-01", "2026-12-31"), ("2026-03-05", "2026-03-05"), ("2026-02-20", "2026-03-17"),
         ("2026-03-01", "2026-03-31"), ("2026-03-31", "2026-04-01")]


@pytest.fixture
def lived_under_0029(monkeypatch):
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.row_factory = sqlite3.Row
    every = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [m for m in every if m[0] < 30])
    core.apply_migrations(connection)
    areas, staff = sample_city()
    import_org(connection, areas, staff, START, timedelta(days=14))
    live_a_month(connection, random.Random(34))
    monkeypatch.setattr(core, "migration_scripts", lambda: every)
    yield connection
    connection.close()


def summed(conn: sqlite3.Connection, area_id: int, first: str, last: str) -> dict[str, list[tuple[int, int]]]:
    """What db/stats.py read before 0030: the summaries alone, a day's rows and a month's alike."""
    found: dict[str, list[tuple[int, int]]] = {"accept": [], "resolve": []}
    days = (stats_db.latency_key("day", first), stats_db.latency_key("day", last))
    for phase, bucket, n in conn.execute(
            "SELECT phase, bucket, sum(n) FROM area_day_latency WHERE area_id = ? AND day BETWEEN ? AND ?"
            " GROUP BY phase, bucket HAVING sum(n) > 0 ORDER BY phase, bucket", (area_id, *days)):
        found[stats_db.PHASES[phase]].append((bucket, n))
    return found


def grid_rows(conn: sqlite3.Connection) -> int:
    return int(conn.execute(
        "SELECT (SELECT count(*) FROM area_day_latency WHERE area_id IN (SELECT id FROM areas WHERE level IN"
        " ('grid', 'community'))) + (SELECT count(*) FROM area_month_latency WHERE area_id IN (SELECT id FROM areas"
        " WHERE level IN ('grid', 'community')))"
    ).fetchone()[0])


def test_the_migration_keeps_every_latency_figure(lived_under_0029):
    conn = lived_under_0029
    areas = [r[0] for r in conn.execute("SELECT id FROM areas")]
    before = {(a, s): summed(conn, a, *s) for a in areas for s in SPANS}
    assert grid_rows(conn) > 0
    assert sum(n for f in before.values() for _, n in f["resolve"]) > 0

    assert core.apply_migrations(conn)[0] == "0030_latency_below.sql"               # and the later ones

    assert {(a, s): stats_db.latencies(conn, a, *s) for a in areas for s in SPANS} == before
    assert grid_rows(conn) == 0
    kept = summaries(conn)
    stats_db.rebuild(conn)
    assert summaries(conn) == kept


def test_a_new_report_counts_in_its_grid_and_above_on_its_local_day(lived_under_0029):
    conn = lived_under_0029
    core.apply_migrations(conn)
    grid, community = conn.execute("SELECT id, parent_id FROM areas WHERE level = 'grid' LIMIT 1").fetchone()
    town, city = conn.execute("SELECT parent_id, (SELECT parent_id FROM areas t WHERE t.id = c.parent_id) FROM areas c"
                              " WHERE id = ?", (community,)).fetchone()
    made = datetime(2026, 5, 31, 16, 30, tzinfo=START.tzinfo)            # 00:30 on 1 June in Shanghai
    conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                 " accept_due_at, resolve_due_at) VALUES ('X1', ?, 'dispute', 'normal', 1, '{}', ?, ?, ?)",
                 (grid, int(made.timestamp()), int(made.timestamp()) + 7200, int(made.timestamp()) + 86400))
    conn.execute("UPDATE reports SET status = 'accepted', accepted_at = created_at + 7 * 60 WHERE number = 'X1'")
    conn.execute("UPDATE reports SET accepted_at = created_at + 9 * 60 WHERE number = 'X1'")    # moved: one count
    for area in (grid, community, town, city):
        assert stats_db.latencies(conn, area, "2026-06-01", "2026-06-01")["accept"] == [(9, 1)]
        assert stats_db.latencies(conn, area, "2026-06-01", "2026-06-30")["accept"] == [(9, 1)]
        assert stats_db.latencies(conn, area, "2026-05-31", "2026-05-31")["accept"] == []
    assert stats_db.set_offset(conn, -300)                                 # 11:30 on 31 May in New York
    for area in (grid, community, town, city):
        assert stats_db.latencies(conn, area, "2026-05-31", "2026-05-31")["accept"] == [(9, 1)]
        assert stats_db.latencies(conn, area, "2026-06-01", "2026-06-01")["accept"] == []
    assert grid_rows(conn) == 0
