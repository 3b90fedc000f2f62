"""Migration 0029 keeps a report's history with its action as a number named in report_actions and its detail
without spaces: a database that lived under 0028 reads back the same events, new actions get their number as they
are first written, and the purge's packing writes the history of erased reports again whole, its pages full."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from bot.services.retention import keep_answer, keep_event_detail
from db import core
from db import reports as reports_db
from db import retention as retention_db
from db.stamps import stamp_of
from tests.test_retention_dense import a_season

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _apply_up_to(conn: sqlite3.Connection, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [s for s in scripts if s[0] <= last])
    core.apply_migrations(conn)
    monkeypatch.setattr(core, "migration_scripts", lambda: scripts)


def _city(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    areas, staff = sample_city()
    import_org(conn, areas, staff, START, timedelta(days=14))


def test_history_reads_back_the_same_after_the_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    _apply_up_to(conn, 28, monkeypatch)
    _city(conn)
    grid = conn.execute("SELECT id FROM areas WHERE level = 'grid' LIMIT 1").fetchone()[0]
    for rid in (1, 2):
        conn.execute("INSERT INTO reports (id, number, grid_id, kind, priority, reporter_user, details, created_at,"
                     " accept_due_at, resolve_due_at) VALUES (?, ?, ?, 'dispute', 'normal', 5, '{}', 1775696400,"
                     " 1775698200, 1775782800)", (rid, f"G1-{rid}", grid))
    # As 0024-0028 stored them: the action a word, the detail as json.dumps wrote it (or NULL), interleaved reports.
    rows = [(1, 1, 1775696400, 5, "created", '{"priority": "normal"}'),
            (2, 1, 1775696405, 5, "created", '{"priority": "high"}'),
            (1, 2, 1775696400, None, "assigned", '{"to": "李娜", "level": 0}'),
            (1, 3, 1775697600, 7, "accepted", None),
            (2, 2, 1775700000, None, "escalated", '{"level": 1, "reason": "accept", "early": [1, 2.5, "a b"]}'),
            (1, 4, 1775703600, 7, "reward_proposed", '{"amount": 20, "note": "見 \\"引号\\" \\u4e2d"}'),
            (1, 5, 1775703601, 7, "resolved", '{"outcome": "已调解"}')]
    conn.executemany("INSERT INTO report_events (report_id, seq, at, actor_user, action, detail)"
                     " VALUES (?, ?, ?, ?, ?, ?)", rows)
    before = {rid: [reports_db.Event(stamp_of(at), actor, action, json.loads(detail) if detail else {})
                    for r, _, at, actor, action, detail in sorted(rows) if r == rid] for rid in (1, 2)}

    assert core.apply_migrations(conn)[0] == "0029_history_actions.sql"

    assert {rid: reports_db.events(conn, rid) for rid in (1, 2)} == before
    stored = conn.execute("SELECT typeof(action), action, detail FROM report_events WHERE report_id = 1 AND seq = 2"
                          ).fetchone()
    assert tuple(stored) == ("integer", 2, '{"to":"李娜","level":0}')            # the common ones' numbers are fixed
    named = dict(conn.execute("SELECT name, id FROM report_actions").fetchall())
    assert named["created"] == 1 and named["reward_proposed"] > 10 and named["escalated"] == 7
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_action_is_named_once_and_read_back(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    core.apply_migrations(conn)
    _city(conn)
    grid = conn.execute("SELECT id FROM areas WHERE level = 'grid' LIMIT 1").fetchone()[0]
    rid = reports_db.create(conn, number="G-1", grid_id=grid, kind="dispute", priority="normal", reporter_user=5,
                            on_behalf=False, details={}, now="2026-04-09T01:00:00+00:00",
                            accept_due_at="2026-04-09T02:00:00+00:00", resolve_due_at="2026-04-10T01:00:00+00:00")
    for n in range(2):
        reports_db.add_event(conn, rid, f"2026-04-09T01:0{n}:00+00:00", 5, "visit_settled", days=n, who="王 五")
    reports_db.add_event(conn, rid, "2026-04-09T01:05:00+00:00", None, "accepted")
    assert reports_db.events(conn, rid) == [
        reports_db.Event("2026-04-09T01:00:00+00:00", 5, "visit_settled", {"days": 0, "who": "王 五"}),
        reports_db.Event("2026-04-09T01:01:00+00:00", 5, "visit_settled", {"days": 1, "who": "王 五"}),
        reports_db.Event("2026-04-09T01:05:00+00:00", None, "accepted", {})]
    assert conn.execute("SELECT count(*) FROM report_actions WHERE name = 'visit_settled'").fetchone()[0] == 1
    assert conn.execute("SELECT detail FROM report_events WHERE seq = 1").fetchone()[0] == '{"days":0,"who":"王 五"}'


def history_unused(conn: sqlite3.Connection) -> float:
    size, unused = conn.execute("SELECT sum(pgsize), sum(unused) FROM dbstat WHERE name = 'report_events'").fetchone()
    return float(unused) / float(size)


def test_packing_writes_the_history_of_erased_reports_full_again(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    core.apply_migrations(conn)
    _city(conn)
    conn.execute("BEGIN")
    a_season(conn, START, random.Random(8))
    conn.execute("COMMIT")
    ids = [r[0] for r in conn.execute("SELECT id FROM reports WHERE status = 'resolved' ORDER BY resolved_at")]
    for first in range(0, len(ids), 500):
        conn.execute("BEGIN")
        retention_db.erase_reports(conn, ids[first:first + 500], "2026-12-01T00:00:00+00:00", keep_answer,
                                   keep_event_detail)
        conn.execute("COMMIT")
    erased = {rid: reports_db.events(conn, rid) for rid in ids}
    assert all(e.detail == {} for events in erased.values() for e in events if e.action == "resolved")
    shrunk = history_unused(conn)

    while True:
        conn.execute("BEGIN")
        passed = retention_db.pack_erased(conn, "2026-12-01T00:00:00+00:00", 500)
        conn.execute("COMMIT")
        if passed < 500:
            break

    assert {rid: reports_db.events(conn, rid) for rid in ids} == erased
    # Erased where they stood, the rows left their pages a third empty (0.36 here); written again whole, full.
    assert shrunk > 0.25, shrunk
    assert history_unused(conn) < 0.12, history_unused(conn)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
