"""A small change (a form's step) runs in the event loop, yet a lock held by another connection (a command run
beside the bot, a backup) never stalls the loop: the change waits for it in the database thread and lands once;
a change that is not small (a ledger view) runs in the thread and leaves the loop free."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any, Coroutine

from db import open_database
from db import outbox as outbox_db
from db.thread import thread_only

NOW = "2026-04-09T01:00:00+00:00"


def _queue_reply(conn: sqlite3.Connection, text: str) -> int:
    return outbox_db.add(conn, NOW, chat_id=7, text=text, purpose="test", priority=-1)


def _texts(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT text FROM outbox ORDER BY id")]


def _ticking() -> tuple[list[int], asyncio.Task[None]]:
    """A task that counts the event loop's turns every 10 ms: it stops counting while the loop is held up."""
    ticks = [0]

    async def tick() -> None:
        while True:
            ticks[0] += 1
            await asyncio.sleep(0.01)
    return ticks, asyncio.create_task(tick())


async def test_a_change_waits_for_another_connections_lock_without_stalling_the_loop(tmp_path: Path) -> None:
    path = str(tmp_path / "g.sqlite3")
    db = await open_database(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                       # like `gridbot purge` in the middle of its work
    ticks, beat = _ticking()
    change = asyncio.create_task(db.write_once(41, NOW, _queue_reply, "held", small=True))
    await asyncio.sleep(0.5)
    assert not change.done()                                # it waits for the lock…
    assert ticks[0] >= 20                                   # …and the loop went on meanwhile
    other.execute("COMMIT")
    assert await asyncio.wait_for(change, 10) == (True, 1)
    assert await db.write_once(41, NOW, _queue_reply, "again", small=True) == (False, None)   # again: nothing
    beat.cancel()
    other.close()
    assert await db.read(_texts) == ["held"]
    await db.close()


async def test_calls_in_the_loop_and_in_the_thread_keep_their_order(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))
    calls: list[Coroutine[Any, Any, object]] = []
    for i in range(60):
        if i % 3 == 0:
            calls.append(db.write(_queue_reply, f"m{i}"))
        elif i % 3 == 1:
            calls.append(db.write_now(_queue_reply, f"m{i}"))
        else:
            calls.append(db.write_once(1000 + i, NOW, _queue_reply, f"m{i}", small=True))
    await asyncio.gather(*calls)
    assert await db.read(_texts) == [f"m{i}" for i in range(60)]
    await db.close()


async def test_a_change_that_is_not_small_leaves_the_loop_free(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))
    def long_view(conn: sqlite3.Connection) -> int:          # a ledger view over a year of reports, say
        time.sleep(0.4)
        return _queue_reply(conn, "view")

    ticks, beat = _ticking()
    await asyncio.sleep(0)
    assert await db.write_once(7, NOW, long_view) == (True, 1)
    beat.cancel()
    assert ticks[0] >= 20
    await db.close()


async def test_an_error_of_the_change_itself_is_not_taken_for_a_busy_database(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def fails(conn: sqlite3.Connection) -> None:
        _queue_reply(conn, "half")
        raise sqlite3.OperationalError("disk I/O error, say")

    try:
        await db.write_once(9, NOW, fails, small=True)
    except sqlite3.OperationalError as exc:
        assert "disk" in str(exc)
    else:
        raise AssertionError("the error should reach the caller")
    assert await db.read(_texts) == []
    assert await db.write_once(9, NOW, _queue_reply, "later", small=True) == (True, 1)   # not claimed by the failure
    await db.close()


async def test_a_caller_that_gives_up_does_not_let_a_small_change_in_beside_the_thread(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def slow(conn: sqlite3.Connection) -> int:
        _queue_reply(conn, "slow")
        time.sleep(0.3)                                       # still in its transaction in the thread…
        return _queue_reply(conn, "slow, its end")

    waiting = asyncio.create_task(db.write(slow))
    await asyncio.sleep(0.05)
    waiting.cancel()                                          # …when its caller is cut short (a stop, say)
    assert await db.write_now(_queue_reply, "small") == 3     # waits for the thread's transaction to end
    assert await db.read(_texts) == ["slow", "slow, its end", "small"]
    await db.close()


async def test_a_small_change_that_finds_much_to_do_moves_to_the_thread_and_lands_once(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def launch(conn: sqlite3.Connection) -> int:              # like a campaign over a town's households
        _queue_reply(conn, "before the check")
        thread_only()
        time.sleep(0.3)
        return _queue_reply(conn, "doors")

    ticks, beat = _ticking()
    await asyncio.sleep(0)
    assert await db.write_once(5, NOW, launch, small=True) == (True, 2)
    beat.cancel()
    assert ticks[0] >= 15                                     # the loop went on while the thread worked
    assert await db.read(_texts) == ["before the check", "doors"]            # once, not twice
    await db.close()
