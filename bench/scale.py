"""Benchmark: gridbot on a city's year of data (bench/yeargen.py) at 10k / 100k / 1M reports.

At each size, on a copy of the generated database, with the sandbox in a process of its own and gridbot in another:
- run 1, sandbox and gridbot at 1,000 msg/s (20/min per group): a notice to every group (the sender's msg/s),
  then presses of "accept" on open reports' cards, one at a time (press → the bot's answer: p50, p99);
- run 2, sandbox and gridbot at 30 msg/s: a notice to every group, and while it drains, workers send /tasks
  one every half second (→ the reply: p50, p99; replies that never arrived);
- start-up time (process start → polling; in brackets: opening the database → polling), peak RSS, file size.
The generated years are cached (bench/yeargen.py `cache_dir()`), keyed by size, generator and migrations.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--accepts 200] [--tasks 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bot_process, crowd_process, percentile, post, stop_and_read  # noqa: E402
from bench.yeargen import Year, cached_year, iter_sizes  # noqa: E402
from sandbox.driver import SandboxDriver  # noqa: E402

NOTICE = "防控提示：请各位居民近期减少聚集，出现发热等症状请及时报告网格员。"
ACCEPT_LABEL = "✅ 接单"


def pick(database: Path, accepts: int, askers: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[int]]:
    """Open reports to accept (by their assignees), and workers with unresolved reports to ask /tasks."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = conn.execute("SELECT r.id, r.number, r.reporter_user, r.status, p.telegram_user_id FROM reports r "
                        "JOIN people p ON p.id = r.assignee_id WHERE r.status != 'resolved'").fetchall()
    conn.close()
    rng = random.Random(seed)
    unaccepted = [r for r in rows if r[3] == "open"]
    cards = [{"report": r[0], "reporter": r[2], "user_id": r[4], "text": f"编号：<b>{r[1]}</b>",
              "reply_markup": {"inline_keyboard": [[{"text": ACCEPT_LABEL, "callback_data": f"r|{r[0]}|acc"}]]}}
             for r in rng.sample(unaccepted, min(accepts, len(unaccepted)))]
    workers = sorted({r[4] for r in rows})
    return cards, rng.sample(workers, min(askers, len(workers)))


def record_cards(database: Path, cards: list[dict[str, Any]], message_ids: list[int]) -> None:
    """The year's outbox says where each card went, under message ids this fresh sandbox never had: give them
    the ids of the cards just put there. Otherwise every press edits two cards, the one pressed and the one
    recorded (refused by the sandbox), where a real press edits the one card it is on."""
    conn = sqlite3.connect(database)
    with conn:
        conn.executemany("UPDATE outbox SET message_id = ? WHERE report_id = ? AND chat_id = ? AND status = 'sent'"
                         " AND purpose IN ('assign', 'escalate', 'remind')",
                         [(m, c["report"], c["user_id"]) for c, m in zip(cards, message_ids)])
    conn.close()


def broadcast_now(database: Path) -> None:
    subprocess.run([sys.executable, "-m", "bot", "broadcast", "--audience", "C", "--text", NOTICE,
                    "--db", str(database)], check=True, cwd=ROOT, capture_output=True,
                   env=os.environ | {"PYTHONPATH": str(ROOT)})


def deliveries(url: str, groups: set[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every message the bot sent, the notice's deliveries to groups)."""
    events = post(url, "/sandbox/events", {"kinds": ["send"]})["result"]
    return events, [e for e in events if e["chat_id"] in groups and NOTICE in (e["text"] or "")]


def sender_rate(url: str, groups: set[int], timeout: float) -> dict[str, Any]:
    """Wait for the notice to reach every group; msg/s over its span, counting all the bot sent meanwhile.
    The sandbox is asked only for the events after the last one seen: asking for all of them every half second
    had the one-threaded sandbox serialise thousands of events while the bot's sends waited."""
    deadline = time.monotonic() + timeout
    events: list[dict[str, Any]] = []
    delivered: list[dict[str, Any]] = []
    while True:
        after = events[-1]["seq"] if events else 0
        new = post(url, "/sandbox/events", {"kinds": ["send"], "after": after})["result"]
        events += new
        delivered += [e for e in new if e["chat_id"] in groups and NOTICE in (e["text"] or "")]
        if len(delivered) >= len(groups) or time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    times = sorted(e["at"] for e in delivered)
    if len(times) < 2:
        return {"rate": float("nan"), "delivered": len(times)}
    during = [e for e in events if times[0] <= e["at"] <= times[-1]]
    gaps = [b - a for a, b in zip(times, times[1:])]
    return {"rate": (len(during) - 1) / (times[-1] - times[0]), "delivered": len({e["chat_id"] for e in delivered}),
            "longest_gap": max(gaps)}


async def press_accepts(url: str, cards: list[dict[str, Any]], message_ids: list[int]) -> dict[str, Any]:
    """Press accept on each card in turn; the time from the press to the bot's answer (the toast)."""
    latencies, refused, lost = [], 0, 0
    async with SandboxDriver(url) as driver:
        after = (await driver.call("stats"))["events"]
        for card, message_id in zip(cards, message_ids):
            pressed = time.time()
            query = await driver.call("press", user_id=card["user_id"], chat_id=card["user_id"],
                                      message_id=message_id, data=card["reply_markup"]["inline_keyboard"][0][0]
                                      ["callback_data"])
            answer = None
            while answer is None:
                found = await driver.call("events", after=after, kinds=["answer"], timeout=10.0)
                if not found:
                    break
                after = found[-1]["seq"]
                answer = next((e for e in found if e["data"].get("query_id") == query), None)
            if answer is None:
                lost += 1
                continue
            latencies.append(answer["at"] - pressed)
            refused += bool(answer["data"].get("show_alert"))
    return {"latencies": latencies, "refused": refused, "unanswered": lost}


async def ask_tasks(url: str, askers: list[int], spacing: float, patience: float) -> dict[str, Any]:
    """Each worker sends /tasks, one every `spacing` seconds; the time to their reply, or lost after `patience`."""
    async with SandboxDriver(url) as driver:
        async def ask(user: int, delay: float) -> float | None:
            await asyncio.sleep(delay)
            asked = time.time()
            await driver.call("say", user_id=user, chat_id=user, text="/tasks")
            found = await driver.call("events", after=0, chat_id=user, kinds=["send"], timeout=patience)
            return found[0]["at"] - asked if found else None

        results = await asyncio.gather(*(ask(user, i * spacing) for i, user in enumerate(askers)))
    return {"latencies": [r for r in results if r is not None], "lost": sum(r is None for r in results)}


def started_bot(url: str, database: Path, settings: dict[str, Any]) -> Any:
    """gridbot on the year; its log beside the database (the 429s of run 2 are expected, not worth a screenful)."""
    return bot_process("year", url, database, "0", json.dumps(settings), log=database.with_suffix(".log"))


def run_fast(year: Year, database: Path, cards: list[dict[str, Any]]) -> dict[str, Any]:
    groups = {g for _, g in year.groups}
    with crowd_process() as url:
        post(url, "/crowd/setup", {"staff": year.staff_ids, "groups": sorted(groups)})
        post(url, "/sandbox/limits", {"overall_per_sec": 1000, "group_per_min": 20})
        message_ids = post(url, "/crowd/cards", {"cards": cards})["message_ids"]
        record_cards(database, cards, message_ids)
        began = time.perf_counter()
        with started_bot(url, database, {"send_per_second": 1000.0, "tick_seconds": 0.5}) as bot:
            startup = time.perf_counter() - began
            broadcast_now(database)
            sender = sender_rate(url, groups, timeout=180)
            accepts = asyncio.run(press_accepts(url, cards, message_ids))
            figures = stop_and_read(bot)
    return {"startup": startup, "sender": sender, "accepts": accepts, **figures}


def run_slow(year: Year, database: Path, askers: list[int], spacing: float) -> dict[str, Any]:
    groups = {g for _, g in year.groups}
    with crowd_process() as url:
        post(url, "/crowd/setup", {"staff": year.staff_ids, "groups": sorted(groups)})
        post(url, "/sandbox/limits", {"overall_per_sec": 30, "group_per_min": 20})
        began = time.perf_counter()
        with started_bot(url, database, {"send_per_second": 30.0, "tick_seconds": 0.5}) as bot:
            startup = time.perf_counter() - began
            broadcast_now(database)
            deadline = time.monotonic() + 60
            while not deliveries(url, groups)[1] and time.monotonic() < deadline:
                time.sleep(0.2)
            tasks = asyncio.run(ask_tasks(url, askers, spacing, patience=30.0))
            figures = stop_and_read(bot)
        refused = post(url, "/sandbox/stats", {})["result"]["refused_429"]
    return {"startup": startup, "tasks": tasks, "refused_429": refused, **figures}


def storage(path: Path, top: int = 12) -> str:
    """The file's largest tables and indexes (SQLite's dbstat), MB, and its free pages."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        free = conn.execute("PRAGMA freelist_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.OperationalError as exc:             # an SQLite built without dbstat
        return f"(no dbstat: {exc})"
    finally:
        conn.close()
    return ", ".join(f"{name} {size / 1e6:.1f}" for name, size in rows[:top]) + f"; free pages {free / 1e6:.1f}"


def measure(size: int, accepts: int, askers: int, spacing: float) -> dict[str, Any]:
    year = cached_year(size, log=lambda line: print(line, flush=True))
    print(f"{size:,} reports: file {year.size_bytes / 1e6:.0f} MB, largest MB: {storage(year.path)}", flush=True)
    load = os.getloadavg()[0]                 # the machine is shared: a slow figure says under what load it came
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        database = Path(tmp) / "year.sqlite3"
        shutil.copyfile(year.path, database)
        # The copy's gigabytes are still being written back: the bot's first fsync (its first checkpoint) would
        # wait for all of them, which a running bot never meets. Flush them before measuring.
        os.sync()
        cards, workers = pick(database, accepts, askers)
        fast = run_fast(year, database, cards)
        slow = run_slow(year, database, workers, spacing)
    acc, tasks = fast["accepts"]["latencies"], slow["tasks"]["latencies"]
    return {"size": size, "generated": None if year.cached else year.build_seconds, "mb": year.size_bytes / 1e6,
            "startup": max(fast["startup"], slow["startup"]),
            "ready": max(fast["ready_seconds"], slow["ready_seconds"]),
            "rss": max(fast["peak_rss_mb"], slow["peak_rss_mb"]), "sender": fast["sender"]["rate"], "load": load,
            "gap": fast["sender"].get("longest_gap", float("nan")) * 1000,
            "send_retries": fast["retried"] + fast["flood_waits"],
            "delivered": fast["sender"]["delivered"], "groups": len(year.groups),
            "accept_p50": percentile(acc, 50) * 1000, "accept_p99": percentile(acc, 99) * 1000,
            "accepts": len(acc), "accept_refused": fast["accepts"]["refused"] + fast["accepts"]["unanswered"],
            "tasks_p50": percentile(tasks, 50) * 1000, "tasks_p99": percentile(tasks, 99) * 1000,
            "tasks_max": max(tasks, default=float("nan")) * 1000, "asked": len(workers),
            "lost": slow["tasks"]["lost"], "refused_429": slow["refused_429"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="reports in the year, comma-separated")
    parser.add_argument("--accepts", type=int, default=200, help="accept presses at each size")
    parser.add_argument("--tasks", type=int, default=20, help="/tasks requests during the broadcast at each size")
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between two /tasks requests")
    args = parser.parse_args()

    rows = []
    for size in iter_sizes(args.sizes):
        rows.append(measure(size, args.accepts, args.tasks, args.spacing))
        row = rows[-1]
        generated = f"generated in {row['generated']:.0f}s" if row["generated"] else "cached"
        print(f"{size:,} reports ({generated}, load {row['load']:.1f}): sender {row['sender']:.0f} msg/s to"
              f" {row['delivered']} of {row['groups']} groups (longest pause {row['gap']:.0f} ms,"
              f" {row['send_retries']} retried or 429); accept p50 {row['accept_p50']:.1f} ms, p99 {row['accept_p99']:.1f} ms"
              f" ({row['accepts']} presses, {row['accept_refused']} refused or unanswered); /tasks during a"
              f" 30 msg/s notice p50 {row['tasks_p50']:.0f} ms, p99 {row['tasks_p99']:.0f} ms, max"
              f" {row['tasks_max']:.0f} ms, {row['lost']} of {row['asked']} never arrived"
              f" ({row['refused_429']} × 429)", flush=True)
    print()
    print("| reports | sender msg/s (limit 1000) | accept p50 / p99 ms | /tasks p50 / p99 ms during 30 msg/s |"
          " replies lost | start-up s | peak RSS MB | file MB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']:,} | {r['sender']:.0f} | {r['accept_p50']:.1f} / {r['accept_p99']:.1f} |"
              f" {r['tasks_p50']:.0f} / {r['tasks_p99']:.0f} | {r['lost']} of {r['asked']} |"
              f" {r['startup']:.2f} ({r['ready']:.2f}) | {r['rss']:.0f} | {r['mb']:.0f} |")
    million = next((r["mb"] for r in rows if r["size"] == 1_000_000), float("nan"))
    print(f"scale: sender_min={min(r['sender'] for r in rows):.0f}"
          f" accept_p99={max(r['accept_p99'] for r in rows):.1f}"
          f" tasks_p99={max(r['tasks_p99'] for r in rows):.0f}"
          f" replies_lost={sum(r['lost'] for r in rows)} size_1m={million:.0f}")


if __name__ == "__main__":
    main()
