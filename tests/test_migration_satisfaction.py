"""Migration 0020 makes the ⭐ ratings answers of the one satisfaction question: a rating answers the resolution's
open question, or becomes an answer of its own; the summaries then count the answers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import core
from db import stats as stats_db


def _apply_up_to(conn: sqlite3.Connection, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts = core.migration_scripts()
    monkeypatch.setattr(core, "migration_scripts", lambda: [s for s in scripts if s[0] <= last])
    core.apply_migrations(conn)
    monkeypatch.setattr(core, "migration_scripts", lambda: scripts)


def test_ratings_become_answers_and_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    _apply_up_to(conn, 19, monkeypatch)
    conn.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at) VALUES (1, 'G1', '一网格', 'grid', 't', 't')")
    for n in (1, 2, 3):
        conn.execute("INSERT INTO reports (id, number, grid_id, kind, priority, status, reporter_user, details,"
                     " created_at, accept_due_at, resolve_due_at) VALUES (?, ?, 1, 'dispute', 'normal', 'resolved', 5,"
                     " '{}', '2026-04-09T01:00:00+00:00', '2026-04-09T01:30:00+00:00', '2026-04-10T01:00:00+00:00')",
                     (n, f"G1-{n}"))
    conn.execute("INSERT INTO satisfaction (report_id, user_id, asked_at) VALUES (1, 5, 't')")      # asked, unanswered
    conn.execute("INSERT INTO report_ratings (report_id, score, at) VALUES (1, 2, 'a'), (2, 4, 'b')")

    core.apply_migrations(conn)

    assert conn.execute("SELECT report_id, answer, answered_at FROM satisfaction ORDER BY report_id").fetchall() \
        == [(1, "unsatisfied", "a"), (2, "satisfied", "b")]
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'report_ratings'").fetchone() == (0,)
    [counts] = stats_db.counts(conn, 1, "2026-04-09", "2026-04-09")
    assert (counts.answered, counts.satisfied) == (2, 1)
