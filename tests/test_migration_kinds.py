"""Migration 0006 rebuilds `reports` for the new kinds: a database with reports keeps every row and link."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import core


def _apply_up_to(conn: sqlite3.Connection, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [s for s in scripts if s[0] <= last])
    core.apply_migrations(conn)
    monkeypatch.setattr(core, "migration_scripts", lambda: scripts)


def test_reports_survive_the_rebuild_and_take_the_new_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    _apply_up_to(conn, 5, monkeypatch)
    conn.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at) VALUES (1, 'G1', '一网格', 'grid', 't', 't')")
    conn.execute("INSERT INTO reports (id, number, grid_id, kind, priority, reporter_user, details, created_at,"
                 " accept_due_at, resolve_due_at) VALUES (7, 'G1-1', 1, 'dispute', 'high', 5, '{}', '2026-04-09T01:00:00+00:00', '2026-04-09T01:30:00+00:00', '2026-04-10T01:00:00+00:00')")
    conn.execute("INSERT INTO report_events (report_id, at, action) VALUES (7, 't', 'created')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                     " accept_due_at, resolve_due_at) VALUES ('G1-2', 1, 'tip', 'normal', 5, '{}', '2026-04-09T01:00:00+00:00', '2026-04-09T01:30:00+00:00', '2026-04-10T01:00:00+00:00')")

    core.apply_migrations(conn)

    assert conn.execute("SELECT number, kind FROM reports").fetchall() == [("G1-1", "dispute")]
    assert conn.execute("SELECT report_id FROM report_events").fetchall() == [(7,)]
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                 " accept_due_at, resolve_due_at) VALUES ('G1-2', 1, 'tip', 'normal', 5, '{}', unixepoch('2026-04-09T01:00:00+00:00'), unixepoch('2026-04-09T01:30:00+00:00'), unixepoch('2026-04-10T01:00:00+00:00'))")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                     " accept_due_at, resolve_due_at) VALUES ('G1-3', 1, 'bogus', 'normal', 5, '{}', unixepoch('2026-04-09T01:00:00+00:00'), unixepoch('2026-04-09T01:30:00+00:00'), unixepoch('2026-04-10T01:00:00+00:00'))")
    with pytest.raises(sqlite3.IntegrityError):          # foreign keys are on again
        conn.execute("INSERT INTO report_events (report_id, seq, at, action) VALUES (999, 1, 0, 'created')")
