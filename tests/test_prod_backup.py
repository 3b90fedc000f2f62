"""Backups taken while the bot writes are whole and consistent; restore is refused while a bot runs, and
otherwise brings back exactly what was backed up; the bot keeps the last N daily copies."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app.backup import backup_name, scheduled_backup, verify
from bot.app.cli import main
from bot.app.instance_lock import InstanceLock
from db import open_database
from tests.prod_helpers import serving
from tests.scenario import names_in


def rows(path: str, table: str) -> tuple[int, int]:
    """(count, max id) of a table."""
    with sqlite3.connect(path) as conn:
        count, top = conn.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}").fetchone()
    return count, top


async def test_backup_under_write_load_then_restore(tmp_path, capsys):
    path = str(tmp_path / "gridbot.sqlite3")
    out = str(tmp_path / "copies" / "nightly.sqlite3")
    db = await open_database(path)
    committed = 0
    stop = asyncio.Event()

    def write_pair(conn: sqlite3.Connection, n: int) -> None:
        # Two tables in one transaction: a consistent copy has as many rows in one as in the other.
        conn.execute("INSERT INTO audit_log (at, action, subject) VALUES ('2026-04-09T01:00:00+00:00', 'load', ?)",
                     (str(n),))
        conn.execute("INSERT INTO processed_updates (update_id, at) VALUES (?, '2026-04-09T01:00:00+00:00')", (n,))

    async def writer() -> None:
        nonlocal committed
        while not stop.is_set():
            await db.write(write_pair, committed + 1)
            committed += 1

    load = asyncio.create_task(writer())
    while committed < 200:
        await asyncio.sleep(0.01)
    before = committed
    code = await asyncio.to_thread(main, ["backup", "--out", out, "--db", path])
    during = committed
    stop.set()
    await load
    await db.close()
    assert code == 0
    assert committed > during > before                         # the writer went on while the copy was made

    copied, top = rows(out, "audit_log")
    assert copied >= before and top == copied                  # nothing lost, nothing torn
    assert verify(out).counts["processed_updates"] == copied    # one snapshot
    printed = capsys.readouterr().out
    assert out in printed and "audit_log" in printed and str(copied) in printed
    assert verify(out).counts["audit_log"] == copied

    # A bot runs on the database: restore refuses, one line, nothing touched.
    with InstanceLock(path):
        assert await asyncio.to_thread(main, ["restore", out, "--db", path]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cli/instance_running" in names_in(err), names_in(err)
    assert rows(path, "audit_log")[0] == committed

    assert await asyncio.to_thread(main, ["restore", out, "--db", path]) == 0
    assert rows(path, "audit_log") == (copied, copied)
    assert "before-restore" in capsys.readouterr().out
    [previous] = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name and not p.name.endswith("-wal")]
    assert rows(str(previous), "audit_log")[0] == committed    # the contents it replaced are kept aside
    db = await open_database(path)                              # and the bot can open it
    await db.close()


async def test_restore_over_a_damaged_database_and_into_a_new_path(tmp_path, capsys):
    path = str(tmp_path / "g.sqlite3")
    db = await open_database(path)
    await db.write(lambda c: c.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'x')"))
    await db.close()
    out = str(tmp_path / "b.sqlite3")
    assert main(["backup", "--out", out, "--db", path]) == 0
    Path(path).write_bytes(b"this is not a database" * 100)
    assert main(["restore", out, "--db", path]) == 0
    assert rows(path, "audit_log")[0] == 1
    fresh = str(tmp_path / "new" / "g.sqlite3")
    Path(fresh).parent.mkdir()
    assert main(["restore", out, "--db", fresh]) == 0
    assert rows(fresh, "audit_log")[0] == 1
    Path(tmp_path / "junk").write_bytes(b"junk")
    assert main(["restore", str(tmp_path / "junk"), "--db", fresh]) == 2
    assert "junk" in capsys.readouterr().err


def test_the_daily_copies_keep_the_newest_n(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
    folder = tmp_path / "backups"
    start = datetime(2026, 4, 9, 3, 30)
    for day in range(5):
        checked, removed = scheduled_backup(path, str(folder), 3, start + timedelta(days=day))
    assert sorted(p.name for p in folder.iterdir()) == [backup_name(start + timedelta(days=d)) for d in (2, 3, 4)]
    assert removed == [backup_name(start + timedelta(days=1))]


async def test_backup_cron_makes_the_running_bot_write_copies(settings, clock, db, city, sandbox, tmp_path):
    folder = tmp_path / "nightly"
    cron = settings.with_overrides(backup_cron="30 3 * * *", backup_dir=str(folder), backup_keep=2)
    async with serving(cron, clock, sandbox, db) as bot:
        [job] = bot.application.job_queue.get_jobs_by_name("backup")
        assert [j.name for j in bot.application.job_queue.get_jobs_by_name("purge")] == ["purge"]
        await job.run(bot.application)
    [copy] = list(folder.iterdir())
    assert verify(str(copy)).counts["areas"] > 0
