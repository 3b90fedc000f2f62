"""A tick while a broadcast sends asks the outbox's queue whether the run has something left, and reads none of
the run's deliveries: its work is the same for a run to 20 groups and to 2,000 (issue 10, point 1). The run's
deliveries are read once, when nothing is left, and counted as before."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.broadcasting import finish_runs
from db import areas as areas_db
from db import broadcasts as broadcasts_db
from db import outbox


def _start(conn: sqlite3.Connection, now: str) -> tuple[int, int]:
    """A running broadcast to the city, its deliveries queued by the caller."""
    town = areas_db.by_code(conn, "TZ")
    assert town is not None
    broadcast_id = broadcasts_db.create(conn, now, created_by=None, audience_id=town.id, template=None, fields={},
                                        body="通知", schedule="now", pin=False, next_run_at=now)
    run_id = broadcasts_db.start_run(conn, broadcast_id, now, now)
    assert run_id is not None
    return broadcast_id, run_id


def _queue(conn: sqlite3.Connection, now: str, run_id: int, first: int, last: int) -> list[int]:
    """Deliveries of groups first..last-1 (grid ids nothing else uses: only failed ones are looked up)."""
    return [outbox.add(conn, now, chat_id=-grid, text="通知", purpose="broadcast", priority=outbox.BROADCAST,
                       ref=f"run:{run_id}:{grid}") for grid in range(first, last)]


def _steps(conn: sqlite3.Connection, settings: Settings, now: datetime) -> tuple[int, list[int]]:
    """The SQLite virtual-machine steps one tick's closing of runs takes (grows with each row it reads)."""
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0

    conn.set_progress_handler(step, 1)
    try:
        finished = finish_runs(conn, settings, now)
    finally:
        conn.set_progress_handler(None, 1)
    return count[0], finished


async def test_a_tick_reads_no_delivery_of_a_run_still_sending(db, city, clock, settings):
    now = clock.now()
    ts = stamp(now)
    broadcast_id, run_id = await db.write(_start, ts)
    ids = await db.write(_queue, ts, run_id, 100_000, 100_020)
    small, finished = await db.write(_steps, settings, now)
    assert finished == []

    ids += await db.write(_queue, ts, run_id, 100_020, 102_000)           # the same run, now to 2,000 groups
    await db.write(lambda c: outbox.mark_sent(c, [(i, i, None) for i in ids[:1_500]], ts))
    large, finished = await db.write(_steps, settings, now)
    assert finished == []
    assert large < small * 2, (small, large)                              # reading 2,000 rows is ~100 times more

    await db.write(lambda c: outbox.mark_sent(c, [(i, i, None) for i in ids[1_500:]], ts))
    done, finished = await db.write(_steps, settings, now)
    assert finished == [run_id] and done > large
    (run,) = await db.read(broadcasts_db.runs_of, broadcast_id)
    assert (run.status, run.delivered, run.failed) == ("done", 2_000, 0)
    assert (await db.write(_steps, settings, now))[1] == []              # counted once

