"""The purge gives what it deleted back to the file system: a new database is made with auto_vacuum=INCREMENTAL,
and after the purge it has no free page left and its file is smaller."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta

from bot.app.serve import purge
from bot.core.clock import stamp
from bot.services.runtime import Runtime
from db import outbox


def pages(conn: sqlite3.Connection) -> tuple[int, int, int]:
    return tuple(conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("auto_vacuum", "page_count",
                                                                             "freelist_count"))


async def test_the_file_shrinks_after_the_purge(db, settings, clock):
    old = stamp(clock.now() - timedelta(days=settings.retain_outbox_days + 1))

    def old_mail(conn: sqlite3.Connection) -> None:
        for n in range(1500):
            oid = outbox.add(conn, old, chat_id=42, text="通知" * 1000, purpose="test")
            outbox.mark_sent(conn, [(oid, n + 1, None)], old)

    await db.write(old_mail)
    mode, before, _ = await db.read(pages)
    assert mode == 2                                                  # INCREMENTAL
    done = await purge(Runtime(settings, db, clock))
    assert done.outbox == 1500
    _, after, free = await db.read(pages)
    assert free == 0 and after < before / 4
    assert os.path.getsize(settings.database) < before * 4096 / 4      # the WAL was checkpointed into it
