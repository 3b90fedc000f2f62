"""The generated year (bench/yeargen.py) has been through the bot's own retention purge and housekeeping at its
end, and its free pages were given back: the purge run again finds nothing, and the file has no free page."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.yeargen import generate_year
from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.retention import PurgeRun
from db.stamps import epoch_seconds

END = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def test_the_year_is_what_the_purge_leaves(tmp_path: Path) -> None:
    settings = Settings()
    year = generate_year(tmp_path / "year.sqlite3", 3000, grids=20, broadcast_days=120, end=END)
    conn = sqlite3.connect(year.path, isolation_level=None)
    old_mail = stamp(END - timedelta(days=settings.retain_outbox_days))
    personal = stamp(END - timedelta(days=settings.retain_personal_days))
    assert conn.execute("SELECT count(*) FROM outbox WHERE created_at < ?", (epoch_seconds(old_mail),)).fetchone()[0] \
        == 0
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM timers WHERE state != 'pending'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM timers WHERE state = 'pending'").fetchone()[0] > 0
    erased, waiting = conn.execute(
        "SELECT count(erased_at), sum(erased_at IS NULL AND status = 'resolved' AND resolved_at < unixepoch(?)) FROM reports",
        (personal,)).fetchone()
    assert erased > 0 and waiting == 0
    # The ledger still counts every report the year made.
    city = conn.execute("SELECT id FROM areas WHERE level = 'city'").fetchone()[0]
    assert conn.execute("SELECT sum(created) FROM area_day_counts WHERE area_id = ?", (city,)).fetchone()[0] == 3000
    assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2 and conn.execute(
        "PRAGMA freelist_count").fetchone()[0] == 0
    conn.execute("BEGIN")
    assert not PurgeRun(settings, END).step(conn)               # the bot's purge finds nothing left to do
    conn.execute("ROLLBACK")
