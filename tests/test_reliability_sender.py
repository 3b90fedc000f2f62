"""The outbox sender under a locked database and a kill -9: every message delivered, none stuck, and a crash
repeats only the messages that were in flight."""

from __future__ import annotations

import sqlite3
import time

import httpx

from bot.app.harness import BotProcess, sandbox_process
from bot.core.clock import SystemClock
from db import broadcasts as broadcasts_db
from db import outbox as outbox_db
from tests.scenario import eventually
from tests.test_reliability_limits import many_groups, notice_to_jh02

NOTICE = "明日上午9点起社区核酸检测，请携带身份证。"


async def notices(driver) -> list:
    return [m for m in await driver.sent() if m.kind == "send" and m.text == NOTICE]


async def test_a_locked_database_holds_up_the_record_and_loses_nothing(bot, driver, clock, tmp_path, caplog):
    await driver.limits(overall_per_sec=20, group_per_min=20)          # stricter than the bot thinks
    groups = await many_groups(bot, driver, clock, tmp_path, 62)
    bot.db.busy_wait = 0.05                                   # fail fast instead of waiting 10 s
    broadcast_id = await notice_to_jh02(bot, clock, NOTICE)
    assert await eventually(lambda: _more_than(driver, 5), timeout=20)

    other = sqlite3.connect(bot.runtime.settings.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                                      # another process takes the write lock
    try:
        assert await eventually(lambda: _more_than(driver, 30), timeout=20)  # sending goes on meanwhile
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert await bot.runtime.sender.drained(timeout=30)
    assert sorted(m.chat_id for m in await notices(driver)) == sorted(groups[2:])   # each group exactly once
    assert await bot.db.read(outbox_db.pending, 10) == []                         # nothing stuck
    await bot.runtime.tick()
    [run] = await bot.db.read(broadcasts_db.runs_of, broadcast_id)
    assert (run.status, run.delivered) == ("done", 60)
    assert "never retrieved" not in caplog.text


async def _more_than(driver, count: int) -> bool:
    return len(await notices(driver)) > count


def test_a_crash_repeats_only_the_messages_in_flight(tmp_path):
    """kill -9 in the middle of a broadcast to 100 groups, start again: every group has the notice, and the
    ones it got twice are at most those in flight at the kill."""
    from bot.app.cli import main
    from bot.app.demo import sample_city

    concurrency = 4
    with sandbox_process() as url, httpx.Client(base_url=url, timeout=30) as control:
        bot = BotProcess(url, tmp_path, {"send_per_second": 25.0, "send_concurrency": concurrency})
        areas, staff = sample_city()
        assert main(["import", str(areas), str(staff), "--db", str(bot.database), "--bot-username", "b"]) == 0
        groups = _bound_groups(control, bot.database, 100)
        bot.start()
        try:
            assert main(["broadcast", "--audience", "JH02", "--text", NOTICE, "--db", str(bot.database)]) == 0
            deadline = time.monotonic() + 30
            while len(_notices(control)) < 40:
                assert time.monotonic() < deadline, bot.log()
                time.sleep(0.02)
            bot.kill()
            bot.start()
            deadline = time.monotonic() + 60
            while {e["chat_id"] for e in _notices(control)} != set(groups):
                assert time.monotonic() < deadline, bot.log()
                time.sleep(0.2)
            assert bot.stop() == 0
        finally:
            bot.kill()
        sent = [e["chat_id"] for e in _notices(control)]
    duplicated = len(sent) - len(set(sent))
    assert duplicated <= 2 * concurrency, f"{duplicated} groups got the notice twice"


def _notices(control: httpx.Client) -> list[dict]:
    events = control.post("/sandbox/events", json={"kinds": ["send"]}).json()["result"]
    return [e for e in events if e["text"] == NOTICE]


def _bound_groups(control: httpx.Client, database, count: int) -> list[int]:
    """`count` groups in the sandbox, each bound (in the database) to a grid of its own under JH02."""
    from db import areas as areas_db
    from db import chats as chats_db

    control.post("/sandbox/user", json={"id": 900002, "first_name": "钱文华"})
    now = SystemClock().now().isoformat()
    groups = []
    with sqlite3.connect(database, isolation_level=None) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN")
        for i in range(count):
            chat = control.post("/sandbox/group", json={"title": f"第{i}群", "members": [900002],
                                                         "by_user": 900002}).json()["result"]
            groups.append(chat["id"])
            areas_db.upsert(conn, f"X{i:03d}", name=f"第{i}网格", level="grid", parent_code="JH02", now=now)
            chats_db.touch(conn, chat["id"], chat["title"], "group", now)
            chats_db.bind(conn, chat["id"], areas_db.by_code(conn, f"X{i:03d}").id, 900002, now)
        conn.execute("COMMIT")
    return groups
