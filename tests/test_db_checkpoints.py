"""WAL checkpoints run beside the bot's connection, not inside whichever commit fills the WAL (db.checkpoints)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from db import open_database
from db.checkpoints import BACKSTOP_PAGES


def checkpoint_threads() -> int:
    return sum(t.name == "gridbot-checkpoint" for t in threading.enumerate())


async def test_the_wal_is_checkpointed_aside_and_the_thread_ends_with_the_database(tmp_path: Path) -> None:
    before = checkpoint_threads()
    db = await open_database(str(tmp_path / "bot.sqlite3"))
    await db.checkpoint_aside()
    assert checkpoint_threads() == before + 1
    assert (await db.read(lambda conn: conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])) == BACKSTOP_PAGES

    await db.write(lambda conn: conn.execute("CREATE TABLE filler (body BLOB)"))
    for _ in range(4):                             # 2,000 pages of 4 KB: past SQLite's own threshold of 1,000
        await db.write(lambda conn: conn.executemany("INSERT INTO filler VALUES (zeroblob(4000))", [()] * 500))
    checkpointer = db.checkpointer
    assert checkpointer is not None
    for _ in range(3000):                          # wait for the state, not for a time (a loaded machine is slow)
        if checkpointer.checkpoints:
            break
        await asyncio.sleep(0.01)
    assert checkpointer.checkpoints >= 1

    await db.close()
    assert db.checkpointer is None and checkpoint_threads() == before


async def test_a_database_in_memory_has_no_checkpoint_thread() -> None:
    before = checkpoint_threads()
    db = await open_database(":memory:")
    await db.checkpoint_aside()
    assert db.checkpointer is None and checkpoint_threads() == before
    await db.close()
