"""Migration 0032: the count summaries hold the reports of the areas below an area, not its own (a grid's rows were
four in five of them); an area's own reports are counted from the reports. A database that lived under 0031 keeps
every figure /stats and the exports read (counts by kind, by child area, by day), and new reports, answers and
changes count in their grid and above."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import core
from db import stats as stats_db
from tests.test_ledger_summary import START, live_a_month, summaries

SPANS = [("2026-01-01", "2026-12-31"), ("2026-03-05", "2026-03-05"), ("2026-02-20", "2026-03-17"),
         ("2026-03-01", "2026-03-31"), ("2026-03-31", "2026-04-01")]


def figures(conn: sqlite3.Connection, counts=stats_db.counts, by_area=stats_db.created_by_area,
            by_day=stats_db.created_by_day) -> dict:
    areas = [r[0] for r in conn.execute("SELECT id FROM areas ORDER BY id")]
    return {(a, s): (counts(conn, a, *s), by_area(conn, areas, *s), by_day(conn, a, *s)) for a in areas for s in SPANS}


def summed_counts(conn, area_id, first, last):
    """What db/stats.py read before 0032: the day summaries alone."""
    names = [f for f in stats_db._COUNTED]
    rows = conn.execute(f"SELECT kind, {', '.join(f'sum({n})' for n in names)} FROM area_day_counts WHERE area_id = ?"
                        " AND day BETWEEN ? AND ? GROUP BY kind ORDER BY kind", (area_id, first, last))
    return [stats_db.KindCounts(r[0], *[int(v) for v in r[1:]]) for r in rows]


def summed_by_area(conn, area_ids, first, last):
    found = {a: 0 for a in area_ids}
    for area_id, created in conn.execute("SELECT area_id, sum(created) FROM area_day_counts WHERE day BETWEEN ? AND ?"
                                         " GROUP BY area_id", (first, last)):
        found[area_id] = int(created)
    return found


def summed_by_day(conn, area_id, first, last):
    return [tuple(r) for r in conn.execute("SELECT day, kind, created FROM area_day_counts WHERE area_id = ?"
                                           " AND day BETWEEN ? AND ? AND created > 0 ORDER BY day, kind",
                                           (area_id, first, last))]


@pytest.fixture
def lived_under_0031(monkeypatch):
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.row_factory = sqlite3.Row
    every = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [m for m in every if m[0] < 32])
    core.apply_migrations(connection)
    areas, staff = sample_city()
    import_org(connection, areas, staff, START, timedelta(days=14))
    live_a_month(connection, random.Random(41))
    monkeypatch.setattr(core, "migration_scripts", lambda: every)
    yield connection
    connection.close()


def grid_rows(conn: sqlite3.Connection) -> int:
    return int(conn.execute(
        "SELECT (SELECT count(*) FROM area_day_counts WHERE area_id IN (SELECT id FROM areas WHERE level = 'grid'))"
        " + (SELECT count(*) FROM area_month_counts WHERE area_id IN (SELECT id FROM areas WHERE level = 'grid'))"
    ).fetchone()[0])


def test_the_migration_keeps_every_count(lived_under_0031):
    conn = lived_under_0031
    before = figures(conn, summed_counts, summed_by_area, summed_by_day)
    assert grid_rows(conn) > 0
    assert sum(k.answered for f in before.values() for k in f[0]) > 0

    assert core.apply_migrations(conn)[0] == "0032_counts_below.sql"

    assert figures(conn) == before
    assert grid_rows(conn) == 0
    kept = summaries(conn)
    stats_db.rebuild(conn)
    assert summaries(conn) == kept


def test_what_happens_next_counts_as_a_recount_says(lived_under_0031):
    """New reports, answers, escalations and resolutions after the migration: the figures are what a database that
    counted grids in its summaries gives (every trigger and the recount of 0031, run on a copy)."""
    conn = lived_under_0031
    core.apply_migrations(conn)
    conn.execute("UPDATE reports SET number = 'old-' || number")
    live_a_month(conn, random.Random(42))                   # more of the same month, in the new schema
    after = figures(conn)
    assert grid_rows(conn) == 0
    # The same rows, counted the old way: the grid's own rows put back by a recount that includes them.
    conn.execute("DROP TRIGGER ledger_rebuild")
    conn.execute("DELETE FROM area_month_counts")
    conn.execute("DELETE FROM area_day_counts")
    conn.execute("INSERT INTO area_day_counts (area_id, day, kind, created, open, accepted, resolved, high,"
                 " accept_on_time, accept_late, resolve_on_time, resolve_late, escalated, answered, satisfied)"
                 " SELECT l.ancestor_id, date(r.created_at, 'unixepoch', '480 minutes'), r.kind, count(*),"
                 " sum(r.status = 'open'), sum(r.status = 'accepted'), sum(r.status = 'resolved'),"
                 " sum(r.priority = 'high'), sum(r.accepted_at IS NOT NULL AND r.accepted_at <= r.accept_due_at),"
                 " sum(r.accepted_at IS NOT NULL AND r.accepted_at > r.accept_due_at),"
                 " sum(r.resolved_at IS NOT NULL AND r.resolved_at <= r.resolve_due_at),"
                 " sum(r.resolved_at IS NOT NULL AND r.resolved_at > r.resolve_due_at), sum(r.level > 0),"
                 " sum((SELECT count(*) FROM satisfaction x WHERE x.report_id = r.id"
                 "      AND x.answer IN ('satisfied', 'unsatisfied'))),"
                 " sum((SELECT count(*) FROM satisfaction x WHERE x.report_id = r.id AND x.answer = 'satisfied'))"
                 " FROM reports r JOIN area_lineage l ON l.area_id = r.grid_id GROUP BY 1, 2, 3")
    assert stats_db.offset(conn) == 480
    assert figures(conn, summed_counts, summed_by_area, summed_by_day) == after
