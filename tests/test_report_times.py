"""Migration 0026 keeps a report's times as Unix seconds: every report reads back the same stamps, the summaries
stay, a report made after it counts on the same local day as before, and queries with a time select by time."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import core
from db import ledger as ledger_db
from db import reports as reports_db
from db import retention as retention_db
from db import stats as stats_db
from tests.test_ledger_summary import START, at, live_a_month, summaries

SHANGHAI = timezone(timedelta(hours=8))
MADE = datetime(2026, 6, 1, 23, 30, tzinfo=SHANGHAI)          # 15:30 UTC: still 1 June in Shanghai
ACCEPTED = MADE + timedelta(minutes=12)
RESOLVED = MADE + timedelta(hours=10)                           # 09:30 on 2 June


def lived_under_0023(monkeypatch: pytest.MonkeyPatch) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    every = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [m for m in every if m[0] <= 23])
    core.apply_migrations(conn)
    areas, staff = sample_city()
    import_org(conn, areas, staff, START, timedelta(days=14))
    live_a_month(conn, random.Random(26))
    # Up to 0028: 0030 and 0032 change which rows the summaries hold (not the figures: tests/test_ledger_*_below.py).
    monkeypatch.setattr(core, "migration_scripts", lambda: [m for m in every if m[0] <= 28])
    return conn


def late_report_as_text(conn: sqlite3.Connection, grid: int) -> None:
    """What the bot did before 0026: the report made at 23:30 local time, accepted, resolved, answered."""
    report = conn.execute(
        "INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at, accept_due_at,"
        " resolve_due_at) VALUES ('LATE', ?, 'dispute', 'normal', 1, '{}', ?, ?, ?)",
        (grid, at(MADE.astimezone(timezone.utc)), at((MADE + timedelta(hours=2)).astimezone(timezone.utc)),
         at((MADE + timedelta(hours=74)).astimezone(timezone.utc)))).lastrowid
    conn.execute("UPDATE reports SET status = 'accepted', accepted_at = ? WHERE id = ?",
                 (at(ACCEPTED.astimezone(timezone.utc)), report))
    conn.execute("UPDATE reports SET status = 'resolved', resolved_at = ? WHERE id = ?",
                 (at(RESOLVED.astimezone(timezone.utc)), report))
    conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at, answer) VALUES (?, 1, 't', 'satisfied')",
                 (report,))


def late_report(conn: sqlite3.Connection, grid: int) -> None:
    """The same through db/reports.py after 0026 (stamps in, Unix seconds stored)."""
    def stamp(moment: datetime) -> str:
        return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
    report = reports_db.create(conn, number="LATE", grid_id=grid, kind="dispute", priority="normal", reporter_user=1,
                               on_behalf=False, details={}, now=stamp(MADE),
                               accept_due_at=stamp(MADE + timedelta(hours=2)),
                               resolve_due_at=stamp(MADE + timedelta(hours=74)))
    reports_db.update(conn, report, status="accepted", accepted_at=stamp(ACCEPTED))
    reports_db.update(conn, report, status="resolved", resolved_at=stamp(RESOLVED))
    conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at, answer) VALUES (?, 1, 't', 'satisfied')",
                 (report,))


def test_reports_and_summaries_survive_and_a_new_report_counts_on_its_local_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = lived_under_0023(monkeypatch)
    after = lived_under_0023(monkeypatch)
    grid = before.execute("SELECT id FROM areas WHERE code = 'G0101'").fetchone()[0]
    city = before.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    stamps = [tuple(r) for r in before.execute("SELECT created_at, accepted_at, resolved_at, accept_due_at,"
                                                " resolve_due_at FROM reports ORDER BY id")]
    kept = summaries(after)

    core.apply_migrations(after)

    assert [tuple(r) for r in after.execute("SELECT DISTINCT typeof(created_at), typeof(accept_due_at) FROM reports")] \
        == [("integer", "integer")]
    assert [(r.created_at, r.accepted_at, r.resolved_at, r.accept_due_at, r.resolve_due_at)
            for r in reports_db.all_reports(after)] == stamps
    assert summaries(after) == kept

    late_report_as_text(before, grid)
    late_report(after, grid)
    core.apply_migrations(before)
    assert summaries(after) == summaries(before)
    [late] = [r for r in reports_db.all_reports(after) if r.number == "LATE"]
    assert late.created_at == "2026-06-01T15:30:00+00:00" and late.resolved_at == "2026-06-02T01:30:00+00:00"
    [day] = stats_db.counts(after, city, "2026-06-01", "2026-06-01")
    assert (day.created, day.resolved, day.accept_on_time, day.resolve_on_time, day.satisfied) == (1, 1, 1, 1, 1)
    assert stats_db.counts(after, city, "2026-06-02", "2026-06-02") == []
    assert stats_db.latencies(after, city, "2026-06-01", "2026-06-01") == {"accept": [(12, 1)], "resolve": [(74, 1)]}
    stats_db.rebuild(after)                                         # a recount from the stored seconds agrees
    assert summaries(after) == summaries(before)


@pytest.fixture
def migrated(monkeypatch: pytest.MonkeyPatch) -> sqlite3.Connection:
    conn = lived_under_0023(monkeypatch)
    core.apply_migrations(conn)
    return conn


def test_a_time_range_selects_by_time(migrated: sqlite3.Connection) -> None:
    conn = migrated
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    every = reports_db.all_reports(conn)
    since, until = "2026-03-10T00:00:00+00:00", "2026-03-20T00:00:00+00:00"
    made = sorted(r.id for r in every if since <= r.created_at < until)
    assert 0 < len(made) < len(every)

    filters = ledger_db.Filters(since=since, until=until)
    source = ledger_db.export_rows(conn, city, filters, now="2026-04-01T00:00:00+00:00")
    exported = sorted(row[source.names.index("id")] for batch in source.batches for row in batch)
    assert exported == made
    assert ledger_db.count_rows(conn, city, filters) == len(made)
    worked = list(ledger_db.work_rows(conn, city, since, until))
    assert sorted(w.created_at for w in worked) == sorted(r.created_at for r in every if r.id in made)

    now = "2026-03-15T12:00:00+00:00"
    overdue = sum(1 for r in every if r.status == "open" and r.accept_due_at < now
                  or r.status == "accepted" and r.resolve_due_at < now)
    assert stats_db.backlog(conn, city, now).overdue == overdue > 0


def test_the_purge_erases_exactly_what_was_resolved_before_its_cut(migrated: sqlite3.Connection) -> None:
    conn = migrated
    every = reports_db.all_reports(conn)
    cut = "2026-03-15T00:00:00+00:00"
    due = sorted(r.id for r in every if r.status == "resolved" and r.resolved_at is not None and r.resolved_at < cut)
    assert 0 < len(due) < sum(r.status == "resolved" for r in every)

    assert sorted(i for i, _ in retention_db.erasable_reports(conn, cut, -1)) == due
    retention_db.erase_reports(conn, due, "2026-04-01T00:00:00+00:00", lambda k, v: False, lambda k, v: False)
    assert retention_db.erasable_reports(conn, cut, -1) == []
    assert conn.execute("SELECT count(*) FROM reports WHERE erased_at = unixepoch('2026-04-01T00:00:00+00:00')")\
        .fetchone()[0] == len(due)
