"""The summary tables the figures are read from stay exactly what recounting every report gives, whatever
happens to the reports, and follow an area moved to another parent."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import stats as stats_db
from db.core import apply_migrations
from db.stamps import epoch_seconds
from tests.report_times import stamp_sql

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.fixture
def conn():
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.row_factory = sqlite3.Row
    apply_migrations(connection)
    areas, staff = sample_city()
    import_org(connection, areas, staff, START, timedelta(days=14))
    yield connection
    connection.close()


def at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def summaries(conn) -> tuple[list[tuple], ...]:
    counted = ", ".join(f"sum({c})" for c in ("created", "open", "accepted", "resolved", "high", "accept_on_time",
                                                "accept_late", "resolve_on_time", "resolve_late", "escalated", "answered",
                                                "satisfied"))
    return ([tuple(r) for r in conn.execute(f"SELECT area_id, day, kind, {counted} FROM area_day_counts"
                                            " GROUP BY 1, 2, 3 HAVING sum(created) > 0 ORDER BY 1, 2, 3")],
            [tuple(r) for r in conn.execute("SELECT area_id, day, phase, bucket, n FROM area_day_latency WHERE n != 0"
                                            " ORDER BY 1, 2, 3, 4")],
            [tuple(r) for r in conn.execute("SELECT * FROM area_day_broadcasts ORDER BY 1, 2")],
            [tuple(r) for r in conn.execute(f"SELECT area_id, month, kind, {counted} FROM area_month_counts"
                                            " GROUP BY 1, 2, 3 HAVING sum(created) > 0 ORDER BY 1, 2, 3")],
            [tuple(r) for r in conn.execute("SELECT area_id, month, phase, bucket, n FROM area_month_latency"
                                            " WHERE n != 0 ORDER BY 1, 2, 3, 4")])


def test_month_rows_add_up_the_days(conn):
    live_a_month(conn, random.Random(3))
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    by_days = [tuple(r) for r in conn.execute("SELECT kind, sum(created), sum(resolved), sum(satisfied)"
                                              " FROM area_day_counts WHERE area_id = ? GROUP BY kind", (city,))]
    assert by_days == [(k.kind, k.created, k.resolved, k.satisfied)
                       for k in stats_db.counts(conn, city, "2026-01-01", "2026-12-31")]
    assert sum(n for _, n in stats_db.latencies(conn, city, "2026-02-15", "2026-04-10")["accept"]) == \
        conn.execute("SELECT sum(n) FROM area_day_latency WHERE area_id = ? AND phase = 0", (city,)).fetchone()[0]


def live_a_month(conn, rng: random.Random) -> None:
    grids = [r[0] for r in conn.execute("SELECT id FROM areas WHERE level = 'grid'")]
    t = stamp_sql(conn)
    for n in range(400):
        made = START + timedelta(minutes=rng.randrange(60 * 24 * 30))
        report = conn.execute(
            "INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at, accept_due_at,"
            f" resolve_due_at) VALUES (?, ?, ?, ?, 1, '{{}}', {t}, {t}, {t})",
            (f"N{n}", rng.choice(grids), rng.choice(["arrival", "dispute"]), rng.choice(["normal", "high"]), at(made),
             at(made + timedelta(hours=2)), at(made + timedelta(hours=74)))).lastrowid
        if rng.random() < 0.3:
            conn.execute("UPDATE reports SET level = level + 1, assignee_id = 1 WHERE id = ?", (report,))
        if rng.random() < 0.8:
            accepted = made + timedelta(minutes=rng.randrange(1, 400))
            conn.execute(f"UPDATE reports SET status = 'accepted', accepted_at = {t}, resolve_due_at = {t}"
                         " WHERE id = ?", (at(accepted), at(accepted + timedelta(hours=72)), report))
            if rng.random() < 0.7:
                conn.execute(f"UPDATE reports SET status = 'resolved', resolved_at = {t} WHERE id = ?",
                             (at(accepted + timedelta(minutes=rng.randrange(1, 8000))), report))
                if rng.random() < 0.5:
                    # A resident's answer: to the question asked (the update trigger), or stored answered.
                    answer = rng.choice(["satisfied", "satisfied", "unsatisfied", "skipped"])
                    if rng.random() < 0.5:
                        ask = conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at) VALUES (?, 1, ?)",
                                           (report, at(made))).lastrowid
                        conn.execute("UPDATE satisfaction SET answer = ?, answered_at = ? WHERE id = ?",
                                     (answer, at(made), ask))
                    else:
                        conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at, answer) VALUES (?, 1, ?, ?)",
                                     (report, at(made), answer))
        if rng.random() < 0.1:
            conn.execute("UPDATE reports SET level = 0 WHERE id = ?", (report,))
    # Before 0028 the outbox's times were stamps (tests/test_ledger_latency_narrow.py lives under 0022).
    seconds = conn.execute("SELECT type FROM pragma_table_info('outbox') WHERE name = 'sent_at'").fetchone()[0]
    sent = epoch_seconds(at(START)) if seconds == "INTEGER" else at(START)
    conn.execute("INSERT INTO outbox (created_at, priority, chat_id, text, purpose, ref) VALUES (?, 5, -1, 'x',"
                 " 'broadcast', ?)", (sent, f"run:1:{grids[0]}"))
    conn.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE ref LIKE 'run:%'", (sent,))


def test_the_triggers_keep_what_a_recount_gives(conn):
    live_a_month(conn, random.Random(13))
    kept = summaries(conn)
    stats_db.rebuild(conn)
    assert summaries(conn) == kept
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    assert sum(k.created for k in stats_db.counts(conn, city, "2026-01-01", "2026-12-31")) == 400
    assert stats_db.broadcasts_delivered(conn, city, "2026-01-01", "2026-12-31") == 1


def test_an_area_moved_to_another_parent_takes_its_figures_along(conn):
    live_a_month(conn, random.Random(5))
    ids = {r["code"]: r["id"] for r in conn.execute("SELECT id, code FROM areas")}
    g0101 = sum(k.created for k in stats_db.counts(conn, ids["G0101"], "2026-01-01", "2026-12-31"))
    before = sum(k.created for k in stats_db.counts(conn, ids["JH02"], "2026-01-01", "2026-12-31"))

    conn.execute("UPDATE areas SET parent_id = ? WHERE code = 'G0101'", (ids["JH02"],))

    assert sum(k.created for k in stats_db.counts(conn, ids["JH02"], "2026-01-01", "2026-12-31")) == before + g0101
    assert {r[0] for r in conn.execute("SELECT ancestor_id FROM area_lineage WHERE area_id = ?", (ids["G0101"],))} \
        == {ids["G0101"], ids["JH02"], ids["JH"], ids["TZ"]}
    kept = summaries(conn)
    stats_db.rebuild(conn)
    assert summaries(conn) == kept


def test_days_follow_the_timezone_set(conn):
    live_a_month(conn, random.Random(2))
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    made = [r[0] for r in conn.execute("SELECT datetime(created_at, 'unixepoch') FROM reports")]
    first_day = "2026-03-01"
    local = sum(1 for m in made if (datetime.fromisoformat(m) + timedelta(hours=8)).date().isoformat() == first_day)
    assert sum(k.created for k in stats_db.counts(conn, city, first_day, first_day)) == local
    assert stats_db.set_offset(conn, -300) and not stats_db.set_offset(conn, -300)
    local = sum(1 for m in made if (datetime.fromisoformat(m) - timedelta(hours=5)).date().isoformat() == first_day)
    assert sum(k.created for k in stats_db.counts(conn, city, first_day, first_day)) == local


@pytest.mark.parametrize("seconds", [0, 59, 60, 1799, 1800, 10799, 10800, 86399, 86400, 604799, 604800, 10**9])
def test_latency_buckets_in_python_are_the_migrations(conn, seconds):
    sql = conn.execute(
        "SELECT CASE WHEN m < 30 THEN m WHEN m < 180 THEN 30 + (m - 30) / 5 WHEN m < 1440 THEN 60 + (m - 180) / 30"
        " WHEN m < 10080 THEN 102 + (m - 1440) / 180 ELSE 150 + min((m - 10080) / 1440, 53) END"
        " FROM (SELECT ? / 60 AS m)", (seconds,)).fetchone()[0]
    assert stats_db.bucket_of(seconds) == sql
    low, high = stats_db.bucket_bounds(sql)
    assert low <= seconds < high or sql == stats_db.bucket_of(10**9)
