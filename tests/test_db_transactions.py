"""One call, one transaction: a failed COMMIT leaves no transaction open, a cancelled caller still wakes the
sender for what it committed, and the connection's thread serves one call at a time."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from db import open_database
from db import outbox as outbox_db


async def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def broken_reference(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA defer_foreign_keys = ON")       # the check comes at COMMIT, which then fails
        conn.execute("INSERT INTO timers (kind, report_id, due_at) VALUES ('accept', 999, 'x')")

    try:
        await db.write(broken_reference)
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("the commit should have failed")
    assert await db.read(lambda c: c.in_transaction) is False
    await db.write(lambda c: c.execute("INSERT INTO audit_log (at, action) VALUES ('now', 'after')"))
    assert await db.read(lambda c: c.execute("SELECT count(*) FROM timers").fetchone()[0]) == 0
    await db.close()


async def test_a_cancelled_caller_still_wakes_the_listeners(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))
    woken = asyncio.Event()
    db.on_outbox(woken.set)
    task = asyncio.create_task(db.write(lambda c: outbox_db.add(c, "2026-04-09T01:00:00+00:00", chat_id=1, text="x", purpose="test")))
    await asyncio.sleep(0)                                    # the call is queued for the database thread…
    task.cancel()                                             # …and its caller gives up
    await asyncio.wait_for(woken.wait(), 10)
    assert await db.read(lambda c: c.execute("SELECT count(*) FROM outbox").fetchone()[0]) == 1
    await db.close()


async def test_concurrent_writes_are_serialised(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def bump(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO report_counters (grid_id, day, last) VALUES (1, 'd', 1) ON CONFLICT(grid_id, day)"
                     " DO UPDATE SET last = last + 1")
        return int(conn.execute("SELECT last FROM report_counters").fetchone()[0])

    await db.write(lambda c: c.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at)"
                                       " VALUES (1, 'G', 'g', 'grid', 'now', 'now')"))
    results = await asyncio.gather(*(db.write(bump) for _ in range(200)))
    assert sorted(results) == list(range(1, 201))
    await db.close()
