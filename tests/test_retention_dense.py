"""The purge writes erased reports again whole under their ids, in id order: the reports' pages stay packed instead
of two-thirds full for good; every report keeps its id, number, times and status, the figures /stats reads do not
move, and every row that refers to a report still finds it."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta

from bot.app.serve import purge
from bot.services import retention as retention_service
from bot.core.clock import stamp
from bot.services.retention import PACK_LAG_DAYS
from bot.services.runtime import Runtime
from db import outbox, plans, reports, retention, timers
from db.core import apply_migrations
from tests.test_ledger_summary import summaries

KEPT = ("id", "number", "grid_id", "kind", "priority", "status", "on_behalf", "assignee_id", "level", "created_at",
        "accepted_at", "resolved_at", "accept_due_at", "resolve_due_at")
RESIDENT = 9_000_000_001


def a_season(conn: sqlite3.Connection, start: datetime, rng: random.Random) -> None:
    """Three weeks of arrivals, each answered, accepted and resolved hours to days later (so resolved in another
    order than filed), with its history, its messages and a cancelled timer; some still open; a few rated."""
    grids = [r[0] for r in conn.execute("SELECT id FROM areas WHERE level = 'grid'")]
    for n in range(2400):
        made = start + timedelta(minutes=n * 12)
        details = {"name": "周杰", "phone": f"139{n:08d}", "origin": "江苏省南京市鼓楼区", "address": "善国苑8号楼1单元202",
                   "travel": "plane", "health": "fever", "companions": "同事一人", "arrival_date": "2026-04-08"}
        rid = reports.create(conn, number=f"G-{n:05d}", grid_id=rng.choice(grids), kind="arrival", priority="normal",
                             reporter_user=RESIDENT + n % 7, on_behalf=False, details=details, now=stamp(made),
                             accept_due_at=stamp(made + timedelta(hours=2)),
                             resolve_due_at=stamp(made + timedelta(days=3)))
        reports.add_event(conn, rid, stamp(made), RESIDENT, "created", priority="normal")
        outbox.add(conn, stamp(made), chat_id=RESIDENT, text="您的登记已收到" * 8, purpose="reporter", report_id=rid)
        timers.arm(conn, "accept", rid, stamp(made + timedelta(hours=2)))
        if n % 40 == 0:
            continue                                                    # still open: nothing erased
        accepted = made + timedelta(minutes=rng.randrange(5, 120))
        resolved = made + timedelta(hours=rng.randrange(2, 80))
        reports.update(conn, rid, status="resolved", accepted_at=stamp(accepted), resolved_at=stamp(resolved),
                       outcome="已电话回访，居民满意，联系人孙某某13700001111")
        reports.add_event(conn, rid, stamp(resolved), RESIDENT, "resolved", note="已上门登记")
        timers.cancel(conn, rid)
        if n % 9 == 0:
            conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at, answer, answered_at)"
                         " VALUES (?, ?, ?, 'satisfied', ?)", (rid, RESIDENT, stamp(resolved), stamp(resolved)))


def unused_share(conn: sqlite3.Connection) -> float:
    size, unused = conn.execute("SELECT sum(pgsize), sum(unused) FROM dbstat WHERE name = 'reports'").fetchone()
    return float(unused) / float(size)


def kept(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute(f"SELECT {', '.join(KEPT)} FROM reports ORDER BY id")]


async def test_erased_reports_are_packed_day_by_day(db, city, settings, clock, monkeypatch):
    """A nightly purge for two months over three weeks of reports: erased as each falls due, packed a month on."""
    # A purge's batch at a city's scale holds a report or so of each page; here, with 2,400 reports, 50 does.
    monkeypatch.setattr(retention_service, "BATCH", 50)
    await db.write(a_season, clock.now() - timedelta(days=settings.retain_personal_days + 5), random.Random(5))
    before = await db.read(lambda c: (kept(c), summaries(c), unused_share(c)))

    erased = 0
    for _ in range(5 + 20 + PACK_LAG_DAYS):
        clock.advance(timedelta(days=1))
        erased += (await purge(Runtime(settings, db, clock))).reports

    assert erased == 2400 - 60
    after = await db.read(lambda c: (kept(c), summaries(c), unused_share(c)))
    assert after[0] == before[0]                       # ids, numbers, times, status: as they were
    assert after[1] == before[1]                       # the figures: the rewrite counted nothing again
    # Erased where they stood, the reports left half of their pages unused here (0.52, from 0.09 before the purges;
    # 0.45 if each batch is written again as it is erased); written again whole in id order, they fill them (0.08).
    assert after[2] < 0.15, after[2]
    checks = await db.read(lambda c: (c.execute("PRAGMA foreign_key_check").fetchall(),
                                      c.execute("PRAGMA foreign_keys").fetchone()[0],
                                      c.execute("PRAGMA defer_foreign_keys").fetchone()[0],
                                      c.execute("SELECT last_id FROM report_packing").fetchone()[0],
                                      c.execute("SELECT count(*) FROM reports WHERE erased_at IS NOT NULL AND"
                                                " (reporter_user != 0 OR outcome IS NOT NULL OR details LIKE '%phone%')"
                                                ).fetchone()[0]))
    assert checks == ([], 1, 0, 2400, 0)               # the keys hold and are checked at once again; all passed


async def test_a_resident_lists_only_reports_not_erased(db, city, settings, clock):
    """The reporter index leaves erased reports out (reporter 0); a resident's list is what it was without them."""
    start = clock.now() - timedelta(days=settings.retain_personal_days + PACK_LAG_DAYS + 25)
    await db.write(a_season, start, random.Random(6))
    await purge(Runtime(settings, db, clock))
    mine = await db.read(lambda c: [r.number for r in reports.of_reporter(c, RESIDENT, limit=1000)])
    assert mine == [f"G-{n:05d}" for n in reversed(range(2400)) if n % 7 == 0 and n % 40 == 0]
    assert await db.read(lambda c: reports.of_reporter(c, 0)) == []
    # Every cell of an index's pages is an entry: only the 60 reports not erased.
    entries = await db.read(lambda c: c.execute("SELECT sum(ncell) FROM dbstat WHERE name = 'reports_reporter'")
                            .fetchone()[0])
    assert entries == 60
    assert json.loads(await db.read(lambda c: c.execute("SELECT details FROM reports WHERE erased_at IS NOT NULL"
                                                        " LIMIT 1").fetchone()[0])) == {"travel": "plane",
                                                                                          "health": "fever"}


def test_a_report_is_deleted_without_reading_a_table_through() -> None:
    """Deleting a report (the rewrite) looks up the rows that refer to it in every table that does: each through an
    index (before 0025, timers, households, check-ins, campaign lists and gatherings were read end to end, once
    per report the purge rewrote)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN DELETE FROM reports WHERE id = ?", (1,))]
    referring = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                 if any(k[2] == "reports" for k in conn.execute(f"PRAGMA foreign_key_list({t})"))}
    assert {step.split()[1] for step in plan} == referring | {"reports"}
    assert [step for step in plan if not step.startswith("SEARCH")] == []
    # The purge's look for residents nobody needs any more finds their open reports through the reporter index.
    idle = plans.statements(conn, {"idle": lambda c: retention.idle_residents(c, "2026-01-01", 10)})
    assert [p for name, sql, args in idle for p in plans.problems(conn, name, sql, args)] == []
