"""Reply latency bench: residents fill in the report form while a notice goes out to 2,000 groups.

A real `python -m bot run` (a process of its own, Telegram's limits at their defaults: 30 msg/s, 20 per group a
minute) against a sandbox enforcing the same limits; the 2,000 groups are made in the sandbox directly (no
introductions first). Once the notice is going out, `--residents` residents file a dispute each from the deep
link, `--rounds` times over; each reads a question for `--think` seconds before answering it (as a person
does: Telegram's one message a second in a private chat, which the sandbox enforces, is then not what is
measured), and each answer is timed until the next question (at the end, the receipt) arrives.
Prints p50/p99/max of that time, how many notices went out meanwhile (the forms were filled in during the
broadcast, not after), and last, for scripts, exactly: `replies: p99_ms=<ms> lost=<answers never answered>`.

    .venv/bin/python bench/replies.py [--groups 2000] [--residents 20] [--rounds 2] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import city_csv, percentile  # noqa: E402
from bench.crash import bind_groups  # noqa: E402
from bot.app.cli import main as cli  # noqa: E402
from bot.app.harness import BotProcess  # noqa: E402
from sandbox import Sandbox, SandboxDriver  # noqa: E402
from sandbox.driver import Person  # noqa: E402
from sandbox.models import Chat  # noqa: E402
from tests.scenario import CHOICES, DISPUTE, next_screen, press_data  # noqa: E402

SETTINGS = {"tick_seconds": 0.5}
NOTICE = "今晚22点起停水检修，请提前储水。"
RESIDENT_BASE = 8_000_000


async def resident(driver: SandboxDriver, person: Person, grid: str, latencies: list[float], think: float) -> int:
    """File one dispute, timing each answer until the next screen; the number of answers left unanswered."""
    began = time.perf_counter()
    await person.start(f"r_{grid}")
    try:
        screen = await next_screen(driver, person.private)
        latencies.append(time.perf_counter() - began)
        for key, value in [*DISPUTE.items(), ("submit", "")]:
            await asyncio.sleep(think)
            began = time.perf_counter()
            if key == "submit":
                await press_data(person, screen, "f|submit")
            elif key in CHOICES:
                await press_data(person, screen, f"f|{key}|{value}")
            else:
                await person.says(person.private, value)
            screen = await next_screen(driver, person.private)
            latencies.append(time.perf_counter() - began)
    except AssertionError:                        # the driver waited `timeout` seconds for a screen in vain
        return 1
    return 0


async def run(groups: int, residents: int, rounds: int, think: float) -> None:
    async with Sandbox() as sandbox:
        sandbox.limits.configure(30, 20, 1)
        world = sandbox.world
        with tempfile.TemporaryDirectory(prefix="bench-replies-") as tmp:
            folder = Path(tmp)
            areas, staff, grid_groups, staff_ids = city_csv(folder, groups)
            bot = BotProcess(sandbox.url, folder, SETTINGS)
            assert await asyncio.to_thread(cli, ["import", str(areas), str(staff), "--db", str(bot.database),
                                                 "--bot-username", "b"]) == 0
            await asyncio.to_thread(bind_groups, bot.database, grid_groups,
                                    time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()))
            for user_id in staff_ids:
                world.user(user_id, f"员工{user_id}", language_code="zh-hans").started = True
            for code, chat_id in grid_groups:
                world.chats[int(chat_id)] = Chat(int(chat_id), "group", f"网格群{code}", {staff_ids[0]})
            driver = SandboxDriver(sandbox.url, timeout=60)
            await asyncio.to_thread(bot.start)
            latencies: list[float] = []
            lost = 0
            try:
                assert await asyncio.to_thread(cli, ["broadcast", "--audience", "C", "--text", NOTICE,
                                                     "--db", str(bot.database)]) == 0
                while not any(e.text == NOTICE for e in world.events):
                    await asyncio.sleep(0.05)
                began = time.perf_counter()
                for k in range(rounds):
                    people = [await driver.user(f"居民{k}-{i}", user_id=RESIDENT_BASE + k * 1000 + i)
                              for i in range(residents)]
                    lost += sum(await asyncio.gather(*(resident(driver, p, str(grid_groups[i % groups][0]), latencies,
                                                                think)
                                                       for i, p in enumerate(people))))
                seconds = time.perf_counter() - began
                notices = sum(1 for e in world.events if e.kind == "send" and e.text == NOTICE)
                await asyncio.to_thread(bot.stop)
            finally:
                await asyncio.to_thread(bot.kill)
                await driver.close()
    refused = sandbox.limits.refused
    print(f"{residents * rounds} residents, {len(latencies)} answers in {seconds:.1f}s while the notice went out"
          f" to {notices} of {groups} groups ({refused} refused by flood control)")
    print(f"answer -> next question: p50 {percentile(latencies, 50) * 1000:.0f} ms,"
          f" p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms")
    print(f"replies: p99_ms={percentile(latencies, 99) * 1000:.0f} lost={lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="seconds a resident reads before answering")
    args = parser.parse_args()
    asyncio.run(run(args.groups, args.residents, args.rounds, args.think))


if __name__ == "__main__":
    main()
