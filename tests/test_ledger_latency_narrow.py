"""Migration 0023 narrows the latency summaries (days and months as numbers, the phase 0 or 1): a database that
lived under 0022 keeps every figure, its converted rows are what a recount gives, and a day's figures still
follow the timezone."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import core
from db import stats as stats_db
from tests.test_ledger_summary import START, live_a_month, summaries

SPANS = [("2026-01-01", "2026-12-31"), ("2026-03-05", "2026-03-05"), ("2026-02-20", "2026-03-17"),
         ("2026-03-01", "2026-03-31")]


def old_latencies(conn: sqlite3.Connection, area_id: int, first: str, last: str) -> dict[str, list[tuple[int, int]]]:
    """What the 0022 schema's day table says (text days and phases), summed as db/stats.py sums it."""
    found: dict[str, list[tuple[int, int]]] = {"accept": [], "resolve": []}
    for phase, bucket, n in conn.execute(
            "SELECT phase, bucket, sum(n) FROM area_day_latency WHERE area_id = ? AND day BETWEEN ? AND ?"
            " GROUP BY phase, bucket HAVING sum(n) > 0 ORDER BY phase, bucket", (area_id, first, last)):
        found[phase].append((bucket, n))
    return found


@pytest.fixture
def lived_under_0022(monkeypatch):
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.row_factory = sqlite3.Row
    every = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [m for m in every if m[0] < 23])
    core.apply_migrations(connection)
    areas, staff = sample_city()
    import_org(connection, areas, staff, START, timedelta(days=14))
    live_a_month(connection, random.Random(21))
    monkeypatch.setattr(core, "migration_scripts", lambda: every)
    yield connection
    connection.close()


def test_the_migration_keeps_every_latency_figure(lived_under_0022):
    conn = lived_under_0022
    areas = [r[0] for r in conn.execute("SELECT id FROM areas")]
    before = {(a, s): old_latencies(conn, a, *s) for a in areas for s in SPANS}
    assert core.apply_migrations(conn)[0] == "0023_lean_year.sql"            # and any later ones
    assert {(a, s): stats_db.latencies(conn, a, *s) for a in areas for s in SPANS} == before
    assert conn.execute("SELECT typeof(day), typeof(phase) FROM area_day_latency LIMIT 1").fetchone()[:] == \
        ("integer", "integer")
    kept = summaries(conn)
    stats_db.rebuild(conn)
    assert summaries(conn) == kept


def test_a_new_report_lands_on_its_local_day(lived_under_0022):
    conn = lived_under_0022
    core.apply_migrations(conn)
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    grid = conn.execute("SELECT id FROM areas WHERE level = 'grid' LIMIT 1").fetchone()[0]
    made = datetime(2026, 5, 31, 17, 30, tzinfo=START.tzinfo)            # 01:30 on 1 June in Shanghai
    conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                 " accepted_at, accept_due_at, resolve_due_at) VALUES ('X1', ?, 'dispute', 'normal', 1, '{}', ?, ?,"
                 " ?, ?)", (grid, made.isoformat(), (made + timedelta(minutes=7)).isoformat(),
                            (made + timedelta(hours=2)).isoformat(), (made + timedelta(hours=74)).isoformat()))
    assert stats_db.latencies(conn, city, "2026-06-01", "2026-06-01")["accept"] == [(7, 1)]
    assert stats_db.latencies(conn, city, "2026-06-01", "2026-06-30")["accept"] == [(7, 1)]
    assert stats_db.latencies(conn, city, "2026-05-31", "2026-05-31")["accept"] == []
    day = conn.execute("SELECT day FROM area_day_latency WHERE area_id = ? AND day >= ?",
                       (city, stats_db.latency_key("day", "2026-06-01"))).fetchone()[0]
    assert date.fromordinal(day + stats_db.EPOCH) == date(2026, 6, 1)
