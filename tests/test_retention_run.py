"""A purge run works a backlog off batch by batch, and a kind whose batch came back short is not searched again
in that run (a year's backlog of one kind does not cost a search of every other table per batch); residents are
walked by id, so those kept are not looked at again by the next batch."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.retention import BATCH, PurgeRun
from db import outbox
from db.core import apply_migrations

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def test_exhausted_kinds_are_not_searched_again(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    apply_migrations(conn)
    conn.execute("PRAGMA foreign_keys=OFF")                          # reports of a grid nobody imported
    old = stamp(NOW - timedelta(days=Settings().retain_personal_days + 1))
    conn.execute("BEGIN")
    for n in range(2 * BATCH + 10):
        outbox.mark_sent(conn, [(outbox.add(conn, old, chat_id=42, text="x", purpose="test"), n + 1, None)], old)
    kept = [1000 + n for n in range(BATCH)]                         # each with an open report: kept
    for user in kept:
        conn.execute("INSERT INTO reports (number, grid_id, kind, priority, reporter_user, details, created_at,"
                     " accept_due_at, resolve_due_at) VALUES (?, 1, 'dispute', 'normal', ?, '{}', unixepoch(?), unixepoch(?),"
                     " unixepoch(?))",
                     (f"N{user}", user, old, old, old))
    for user in kept + [5000, 5001]:
        conn.execute("INSERT INTO telegram_users (user_id, first_name, updated_at) VALUES (?, 'x', ?)", (user, old))
    conn.execute("COMMIT")
    searched: list[list[str]] = []
    conn.set_trace_callback(lambda sql: searched[-1].append(sql))
    run = PurgeRun(Settings(), NOW)
    while True:
        searched.append([])
        conn.execute("BEGIN")
        more = run.step(conn)
        conn.execute("COMMIT")
        if not more:
            break
    assert (run.total.outbox, run.total.residents) == (2 * BATCH + 10, 2)
    assert len(searched) == 4                                        # 500, 500, 10 messages, then nothing
    for later in searched[1:]:
        assert not any("FROM audit_log WHERE" in sql or "FROM report_events WHERE" in sql for sql in later)
    assert any("DELETE FROM outbox" in sql for sql in searched[2])
    assert not any("DELETE FROM outbox" in sql for sql in searched[3])
    assert sorted(r[0] for r in conn.execute("SELECT user_id FROM telegram_users")) == kept
