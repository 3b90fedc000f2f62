"""The database's own hook: listeners hear of committed changes that queued messages, per database, and the
running bot's sender is woken by it whoever wrote the rows."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

from db import open_database
from db import outbox as outbox_db

ROOT = Path(__file__).resolve().parent.parent


def queue_one(conn: sqlite3.Connection, chat_id: int = 7) -> int:
    return outbox_db.add(conn, "2026-01-01 00:00:00", chat_id=chat_id, text="hi", purpose="test")


def pending_rows(path: str) -> int:
    with sqlite3.connect(path) as other:                       # another connection: sees only committed rows
        return int(other.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0])


async def test_listeners_hear_of_committed_messages_only(tmp_path: Path) -> None:
    path = str(tmp_path / "g.sqlite3")
    db = await open_database(path)
    heard: list[int] = []
    db.on_outbox(lambda: heard.append(pending_rows(path)))

    await db.write(queue_one)
    assert heard == [1]                                        # once, and the row was already committed

    def queue_then_fail(conn: sqlite3.Connection) -> None:
        queue_one(conn)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.write(queue_then_fail)
    await db.write(lambda conn: outbox_db.add_failed(conn, "2026-01-01 00:00:00", chat_id=-5, purpose="broadcast",
                                                     error="removed", ref="run:1:1"))
    await db.write(lambda conn: conn.execute("INSERT INTO audit_log (at, action) VALUES ('now', 'x')"))
    await db.read(outbox_db.pending, 10)
    assert heard == [1]                                        # rolled back, not pending, or no message: silence

    await db.write(lambda conn: [queue_one(conn, chat) for chat in (1, 2, 3)])
    await db.write_once(42, "2026-01-01 00:00:00", queue_one)
    await db.write_once(42, "2026-01-01 00:00:00", queue_one)  # redelivered update: nothing queued
    assert heard == [1, 4, 5]                                  # once per change, not per row
    await db.close()


async def test_each_database_has_its_own_listeners(tmp_path: Path) -> None:
    one = await open_database(str(tmp_path / "one.sqlite3"))
    two = await open_database(str(tmp_path / "two.sqlite3"))
    heard: list[str] = []

    def listener() -> None:
        heard.append("one")

    one.on_outbox(listener)
    two.on_outbox(lambda: heard.append("two"))
    await two.write(queue_one)
    assert heard == ["two"]
    one.off_outbox(listener)
    await one.write(queue_one)
    assert heard == ["two"]
    await one.close()
    await two.close()


async def test_rows_written_straight_through_the_database_are_sent(bot, driver) -> None:
    """Nothing but the database's hook wakes the idle sender here: not the runtime, not a tick."""
    resident = await driver.user("周一", user_id=880001)
    await resident.start()
    await driver.expect(resident.private)
    assert await bot.runtime.sender.drained()
    await driver.skip(resident.private)
    await bot.db.write(queue_one, resident.private)
    message = await driver.expect(resident.private)
    assert message.text == "hi"


def test_services_do_not_reach_the_sender() -> None:
    tree = ast.parse((ROOT / "bot" / "services" / "runtime.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(name.startswith(("bot.delivery", "telegram")) for name in imported)
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not used & {"sender", "wake"}                       # it keeps the attribute for others, never calls it
