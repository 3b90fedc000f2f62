"""Crash bench: kill -9 a real `python -m bot run` while residents file reports and a notice goes out.

`python -m bot sandbox` and gridbot each run in a process of their own. A city of `--grids` grids, one group
chat each, staff who pressed Start. Each round: a notice to every group (from the command line) and
`--residents` residents filling in the report form at once; at a random moment in the first seconds the bot
is killed with SIGKILL and started again; then the round waits for everything to settle. Per kill it prints:
reports lost (submitted, never stored), reports stored twice, messages the outbox owed that never arrived or
arrived twice (replies included), and residents left without a direct reply (the next question or the receipt).
An update whose transaction committed just before the kill is not handled again; its reply is an outbox row
written in that transaction (bot.services.replies), so the restarted bot still sends it.

    .venv/bin/python bench/crash.py [--kills 5] [--grids 100] [--residents 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import city_csv  # noqa: E402
from bot.app.cli import main as cli  # noqa: E402
from bot.app.harness import BotProcess, sandbox_process  # noqa: E402
from sandbox.driver import Person, SandboxDriver  # noqa: E402
from tests.scenario import DISPUTE, fill  # noqa: E402

SETTINGS = {"send_per_second": 30.0, "tick_seconds": 0.5}
RESIDENT_BASE = 8_000_000


def bind_groups(database: Path, grid_groups: list[list[object]], now: str) -> None:
    from db import areas as areas_db
    from db import chats as chats_db

    with sqlite3.connect(database, isolation_level=None) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN")
        for code, chat_id in grid_groups:
            chats_db.touch(conn, int(chat_id), f"网格群{code}", "group", now)
            area = areas_db.by_code(conn, str(code))
            assert area is not None
            chats_db.bind(conn, int(chat_id), area.id, 0, now)
        conn.execute("COMMIT")


async def resident(driver: SandboxDriver, person: Person, grid: str, outcome: dict[int, str]) -> None:
    """One resident files a dispute from the deep link; `outcome` says how far they got."""
    try:
        await person.start(f"r_{grid}")
        confirm = await fill(driver, person, await driver.expect(person.private), DISPUTE)
        await person.press(confirm, "确认提交")
        outcome[person.id] = "submitted"
        await driver.expect(person.private)
        outcome[person.id] = "receipt"
    except AssertionError:
        outcome.setdefault(person.id, "stuck")


def stored_reports(database: Path, residents: list[int]) -> Counter[int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        marks = ",".join("?" * len(residents))
        rows = conn.execute(f"SELECT reporter_user FROM reports WHERE reporter_user IN ({marks})", residents)
        return Counter(r[0] for r in rows)


def owed(database: Path, after_id: int) -> list[tuple[int, int, str]]:
    """(outbox id, chat, text) of every message queued since `after_id` (split texts are not used here)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return list(conn.execute("SELECT id, chat_id, text FROM outbox WHERE id > ? AND text != ''", (after_id,)))


def last_outbox_id(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]


async def round_(k: int, bot: BotProcess, driver: SandboxDriver, grids: list[str], residents: int,
                 group_ids: set[int]) -> dict[str, int]:
    notice = f"第{k}号通知：今晚停水，请提前储水。"
    first_outbox = last_outbox_id(bot.database)
    people = [await driver.user(f"居民{k}-{i}", user_id=RESIDENT_BASE + k * 1000 + i) for i in range(residents)]
    assert await asyncio.to_thread(cli, ["broadcast", "--audience", "C", "--text", notice, "--db", str(bot.database)]) == 0
    outcome: dict[int, str] = {}
    tasks = [asyncio.create_task(resident(driver, p, grids[i % len(grids)], outcome)) for i, p in enumerate(people)]
    await asyncio.sleep(random.uniform(0.5, 2.5))
    await asyncio.to_thread(bot.kill)
    await asyncio.to_thread(bot.start)
    await asyncio.gather(*tasks)
    deadline = time.monotonic() + 120                     # let the outbox drain: every owed message, or time
    while time.monotonic() < deadline:
        events = await driver.events(kinds=["send"])
        got = {e.chat_id for e in events if e.text == notice}
        if got >= group_ids and await driver.idle(timeout=2):
            break
        await asyncio.sleep(0.5)
    events = await driver.events(kinds=["send"])
    arrived = Counter((e.chat_id, e.data.get("html")) for e in events)
    rows = owed(bot.database, first_outbox)
    wanted = Counter((chat, text) for _, chat, text in rows)
    missing = sum(max(0, n - arrived[key]) for key, n in wanted.items())
    duplicated = sum(max(0, arrived[key] - n) for key, n in wanted.items())
    submitted = [pid for pid, state in outcome.items() if state in ("submitted", "receipt")]
    stored = stored_reports(bot.database, [p.id for p in people])
    return {"residents": residents, "submitted": len(submitted),
            "reports_lost": sum(1 for pid in submitted if stored[pid] == 0),
            "reports_twice": sum(1 for n in stored.values() if n > 1),
            "owed": len(rows), "missing": missing, "duplicated": duplicated,
            "replies_missing": sum(1 for state in outcome.values() if state != "receipt")}


async def run(kills: int, grid_count: int, residents: int) -> list[dict[str, int]]:
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as tmp, sandbox_process() as url:
        folder = Path(tmp)
        areas, staff, grid_groups, staff_ids = city_csv(folder, grid_count)
        bot = BotProcess(url, folder, SETTINGS)
        assert await asyncio.to_thread(cli, ["import", str(areas), str(staff), "--db", str(bot.database),
                                             "--bot-username", "b"]) == 0
        bind_groups(bot.database, grid_groups, time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
        driver = SandboxDriver(url, timeout=20)
        staff_people = [await driver.user(f"员工{sid}", user_id=sid) for sid in staff_ids]
        for (code, chat_id), leader in zip(grid_groups, staff_ids[::3]):
            await driver.call("group", title=f"网格群{code}", members=[leader], by_user=leader, chat_id=chat_id)
        await asyncio.to_thread(bot.start)
        try:
            for person in staff_people:                    # staff pressed Start: the bot may write to them
                await person.start()
            assert await driver.idle(timeout=60)
            figures = []
            for k in range(1, kills + 1):
                figures.append(await round_(k, bot, driver, [str(c) for c, _ in grid_groups], residents,
                                            {int(g) for _, g in grid_groups}))
                f = figures[-1]
                print(f"kill {k}: reports lost {f['reports_lost']} of {f['submitted']} submitted"
                      f" (stored twice {f['reports_twice']}); messages owed {f['owed']}: missing {f['missing']},"
                      f" duplicated {f['duplicated']}; residents left without a reply {f['replies_missing']}"
                      f" of {f['residents']}", flush=True)
            bot.stop()
        finally:
            bot.kill()
            await driver.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--grids", type=int, default=100)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    figures = asyncio.run(run(args.kills, args.grids, args.residents))
    total = {key: sum(f[key] for f in figures) for key in figures[0]}
    print(f"crash: kills={len(figures)} reports_lost={total['reports_lost']} reports_twice={total['reports_twice']}"
          f" messages_missing={total['missing']} messages_duplicated={total['duplicated']}"
          f" (of {total['owed']} owed) replies_missing={total['replies_missing']}")


if __name__ == "__main__":
    main()
