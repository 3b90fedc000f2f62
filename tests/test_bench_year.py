"""The generated year (bench/yeargen.py) is what a running bot leaves after a year: housekeeping has cleared the
bodies of messages sent before outbox_keep_days, so running it again on the year clears nothing."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.yeargen import generate_year
from bot.core.clock import stamp
from bot.core.config import Settings
from db import outbox
from db.stamps import epoch_seconds

END = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def test_old_bodies_are_cleared_as_housekeeping_clears_them(tmp_path: Path) -> None:
    year = generate_year(tmp_path / "year.sqlite3", 3000, grids=20, broadcast_days=60, end=END)
    conn = sqlite3.connect(year.path, isolation_level=None)
    before = stamp(END - timedelta(days=Settings().outbox_keep_days))
    seconds = epoch_seconds(before)                           # the outbox's times (0028)
    kept = conn.execute("SELECT min(created_at), count(*) FROM outbox WHERE text != ''").fetchone()
    cleared = conn.execute("SELECT max(created_at), count(*), count(reply_markup) FROM outbox WHERE text = ''"
                           ).fetchone()
    assert kept[0] >= seconds and kept[1] > 0                  # the last month's messages keep their text
    assert cleared[0] < seconds and cleared[1] > 0 and cleared[2] == 0
    assert conn.execute("SELECT count(*) FROM outbox WHERE ref LIKE 'run:%' AND text = ''").fetchone()[0] > 0
    conn.execute("BEGIN")
    assert outbox.clear_bodies(conn, before, 10_000) == 0      # the bot's own housekeeping finds nothing left
    conn.execute("ROLLBACK")
