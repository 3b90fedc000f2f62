"""Migration 0024 keeps a report's history compact (numbered within its report, Unix seconds, an empty detail as
NULL): a database with history reads back the same events, in the same order, and keeps taking new ones."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import core
from db import audit as audit_db
from db import reports as reports_db
from db import retention as retention_db
from tests.report_times import stamp_sql


def _apply_up_to(conn: sqlite3.Connection, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [s for s in scripts if s[0] <= last])
    core.apply_migrations(conn)
    monkeypatch.setattr(core, "migration_scripts", lambda: scripts)


def _report(conn: sqlite3.Connection, rid: int, status: str = "resolved") -> None:
    time = stamp_sql(conn)
    conn.execute("INSERT INTO reports (id, number, grid_id, kind, priority, status, reporter_user, details,"
                 f" created_at, accept_due_at, resolve_due_at) VALUES (?, ?, 1, 'dispute', 'normal', ?, 5, '{{}}',"
                 f" {time}, {time}, {time})", (rid, f"G1-{rid}", status, "2026-04-09T01:00:00+00:00",
                                              "2026-04-09T01:30:00+00:00", "2026-04-10T01:00:00+00:00"))


def test_history_reads_back_the_same_after_the_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    _apply_up_to(conn, 23, monkeypatch)
    conn.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at) VALUES (1, 'G1', '一网格', 'grid', 't', 't')")
    _report(conn, 1)
    _report(conn, 2, "open")
    # Two reports' histories interleaved, as concurrent reports write them; one event in the same second as another.
    rows = [(1, "2026-04-09T01:00:00+00:00", 5, "created", '{"priority": "normal"}'),
            (2, "2026-04-09T01:00:05+00:00", 5, "created", '{"priority": "high"}'),
            (1, "2026-04-09T01:00:00+00:00", None, "assigned", '{"to": "李娜", "level": 0}'),
            (1, "2026-04-09T01:20:00+00:00", 7, "accepted", "{}"),
            (2, "2026-04-09T02:00:00+00:00", None, "escalated", '{"level": 1, "reason": "accept"}'),
            (1, "2026-04-09T03:00:00+00:00", 7, "resolved", '{"outcome": "已调解"}')]
    conn.executemany("INSERT INTO report_events (report_id, at, actor_user, action, detail) VALUES (?, ?, ?, ?, ?)",
                     rows)
    # What db.reports.events read before the migration: a report's rows in the order written, as they were stored.
    before = {rid: [reports_db.Event(at, actor, action, json.loads(detail))
                    for r, at, actor, action, detail in rows if r == rid] for rid in (1, 2)}

    core.apply_migrations(conn)

    assert {rid: reports_db.events(conn, rid) for rid in (1, 2)} == before
    assert [e.action for e in before[1]] == ["created", "assigned", "accepted", "resolved"]
    assert before[1][2].at == "2026-04-09T01:20:00+00:00" and before[1][2].detail == {}
    assert conn.execute("SELECT at, detail FROM report_events WHERE report_id = 1 AND seq = 3").fetchone() \
        == (1775697600, None)                                        # Unix seconds; the empty detail is NULL
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    reports_db.add_event(conn, 2, "2026-04-09T04:00:00+00:00", 9, "note", text="电话联系")
    reports_db.add_event(conn, 2, "2026-04-09T04:00:00+00:00", None, "reminded")
    assert [(e.at, e.actor_user, e.action, e.detail) for e in reports_db.events(conn, 2)[-2:]] == [
        ("2026-04-09T04:00:00+00:00", 9, "note", {"text": "电话联系"}),
        ("2026-04-09T04:00:00+00:00", None, "reminded", {})]
    with pytest.raises(sqlite3.IntegrityError):                      # the history still needs its report
        reports_db.add_event(conn, 999, "2026-04-09T04:00:00+00:00", None, "note")


def test_the_history_prune_compares_times_not_text(tmp_path: Path) -> None:
    """Any number sorts before any text in SQLite: a prune comparing the seconds with the cut's stamp as text
    would delete every resolved report's history at once."""
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    core.apply_migrations(conn)
    conn.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at) VALUES (1, 'G1', '一网格', 'grid', 't', 't')")
    _report(conn, 1)
    reports_db.add_event(conn, 1, "2024-01-01T00:00:00+00:00", None, "created")
    reports_db.add_event(conn, 1, "2026-04-09T00:00:00+00:00", None, "resolved")

    assert retention_db.count_prunable(conn, "events", "2025-01-01T00:00:00+00:00") == 1
    assert retention_db.prune(conn, "events", "2025-01-01T00:00:00+00:00", 100) == 1
    assert [e.action for e in reports_db.events(conn, 1)] == ["resolved"]


def test_audit_log_reads_back_the_same_after_the_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.row_factory = sqlite3.Row
    _apply_up_to(conn, 26, monkeypatch)
    before = [{"id": 1, "at": "2026-04-09T01:00:00+00:00", "actor_user": 42, "action": "tip_submitted",
               "subject": "report:1", "detail": {"grid": "G1"}},
              {"id": 2, "at": "2026-04-09T02:00:00+00:00", "actor_user": None, "action": "report_disclosed",
               "subject": "report:1", "detail": {"to_person": 3}}]
    conn.executemany("INSERT INTO audit_log (id, at, actor_user, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)",
                     [(*(e[k] for k in ("id", "at", "actor_user", "action", "subject")), json.dumps(e["detail"]))
                      for e in before])

    core.apply_migrations(conn)

    assert audit_db.entries(conn) == before
    assert [r[0] for r in conn.execute("SELECT typeof(at) FROM audit_log")] == ["integer", "integer"]
    assert audit_db.count_since(conn, 42, "tip_submitted", "2026-04-09T00:59:59+00:00") == 1
    assert audit_db.count_since(conn, 42, "tip_submitted", "2026-04-09T01:00:01+00:00") == 0
    assert retention_db.prune(conn, "audit", "2026-04-09T01:30:00+00:00", 100) == 1
    assert [e["action"] for e in audit_db.entries(conn)] == ["report_disclosed"]
