"""Benchmark: the daily check-in of 20,000 residents under home monitoring in 2,000 grids, all due at the same
minute, through the outbox under Telegram's limits (30 msg/s overall, 1 msg/s per private chat), while reports are
filed and must still reach their workers quickly.

The sandbox runs in its own process and so does gridbot (this file with --bot). The bot seeds the monitorings and
their check-in timers (due together), then runs; every --every seconds from the due time on it files an urgent
report. Printed: check-ins delivered and lost, the time to drain them, the rate as a fraction of 30, 429s, and p50/p99
from filing a report to its worker's card (target p99 <= 2 s).

    .venv/bin/python bench/checkins.py [--residents 20000] [--grids 2000] [--assignments 40] [--every 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, city_csv, crowd_process, peak_rss_mb, percentile, post  # noqa: E402

RESIDENT_BASE = 9_000_000
CHECKIN = "每日健康打卡"
LEAD = 15.0                     # seconds from the bot being ready to the check-ins' due time


# ----- the bot under test (its own process) ----------------------------------------------------------------------
def seed(conn: Any, residents: int, grid_ids: list[int], due: str, now: str) -> None:
    """An arrival and an active monitoring per resident, and its check-in timer, all due at `due`."""
    details = json.dumps({"name": "居民", "phone": "13900000000", "address": "1号楼101"}, ensure_ascii=False)
    reports = [(i + 1, f"B-{i:06d}", grid_ids[i % len(grid_ids)], RESIDENT_BASE + i, details, now, now, now)
               for i in range(residents)]
    conn.executemany("INSERT INTO reports (id, number, grid_id, kind, priority, status, reporter_user, details,"
                     " created_at, accept_due_at, resolve_due_at) VALUES (?, ?, ?, 'arrival', 'normal', 'resolved',"
                     " ?, ?, unixepoch(?), unixepoch(?), unixepoch(?))", reports)
    conn.executemany("INSERT INTO monitorings (id, report_id, grid_id, resident_user, days, started_at, ends_at)"
                     " VALUES (?, ?, ?, ?, 7, ?, '2099-01-01T00:00:00+00:00')",
                     [(i + 1, i + 1, grid_ids[i % len(grid_ids)], RESIDENT_BASE + i, now) for i in range(residents)])
    conn.executemany("INSERT INTO timers (kind, task_id, due_at) VALUES ('checkin', ?, ?)",
                     [(i + 1, due) for i in range(residents)])


async def bot(url: str, workdir: Path, grids: int, residents: int, assignments: int, every: float) -> dict[str, Any]:
    from bot.app.wiring import build_application, start_polling, stop_polling
    from bot.core.clock import SystemClock, stamp
    from bot.core.config import Settings
    from bot.services import casework
    from bot.services.forms import new_form
    from bot.services.org_import import import_org
    from bot.services.runtime import Runtime
    from db import chats as chats_db
    from db import open_database

    logging.getLogger("apscheduler").setLevel(logging.ERROR)       # a tick still busy when the next is due: skipped
    settings = Settings(database=str(workdir / "bench.sqlite3"), tick_seconds=0.5, checkin_grace_minutes=600.0,
                        accept_minutes_high=600.0)
    db = await open_database(settings.database)
    areas, staff, grid_groups, staff_ids = city_csv(workdir, grids)
    clock = SystemClock()
    await db.write(import_org, areas, staff, clock.now(), timedelta(days=14))

    def bind_all(conn: Any, now: str) -> list[int]:
        ids = []
        for code, chat_id in grid_groups:
            chats_db.touch(conn, chat_id, f"网格群{code}", "group", now)
            area = conn.execute("SELECT id FROM areas WHERE code = ?", (code,)).fetchone()[0]
            chats_db.bind(conn, chat_id, area, 0, now)
            ids.append(area)
        conn.execute("UPDATE people SET started_at = ?", (now,))
        return ids

    grid_ids = await db.write(bind_all, clock.now().isoformat())
    due_at = (clock.now() + timedelta(seconds=LEAD)).replace(microsecond=0)     # timers keep whole seconds
    await db.write(seed, residents, grid_ids, stamp(due_at), stamp(clock.now()))
    runtime = Runtime(settings.with_overrides(token=os.environ["BENCH_TOKEN"], base_url=url), db, clock)
    application = build_application(runtime)
    await start_polling(application)
    print(json.dumps({"polling": True, "due": due_at.timestamp()}), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    submitted: dict[str, float] = {}

    async def assign() -> None:
        await asyncio.sleep(max(0.0, due_at.timestamp() - time.time()))
        for i in range(assignments):
            token = f"居民{i:05d}"
            code = grid_groups[(i * 97) % len(grid_groups)][0]
            form = {**new_form(code), "answers": {"kind": "dispute", "behalf": "self", "category": "neighbours",
                                                  "parties": token, "place": "楼道", "description": "争吵",
                                                  "urgency": "urgent"}}
            submitted[token] = time.time()
            await runtime.change(casework.submit, runtime.settings, staff_ids[-1 - i], form, runtime.now())
            await asyncio.sleep(every)

    assigner = asyncio.create_task(assign())
    await stop.wait()
    assigner.cancel()
    stats = runtime.sender.stats
    figures = {"sent_by_outbox": stats.sent, "flood_waits": stats.flood_waits, "retried": stats.retried,
               "submitted": submitted, "staff": staff_ids, "peak_rss_mb": round(peak_rss_mb(), 1)}
    await stop_polling(application)
    await db.close()
    return figures


# ----- the bench -------------------------------------------------------------------------------------------------
def run(residents: int, grids: int, assignments: int, every: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-checkins-") as tmp, crowd_process() as url:
        _, _, grid_groups, staff_ids = city_csv(Path(tmp), grids)
        people = [RESIDENT_BASE + i for i in range(residents)]
        post(url, "/crowd/setup", {"staff": staff_ids + people, "groups": [g for _, g in grid_groups]})
        post(url, "/sandbox/limits", {"overall_per_sec": 30, "group_per_min": 20, "chat_per_sec": 1})
        from sandbox.server import DEFAULT_TOKEN

        proc = subprocess.Popen([sys.executable, __file__, "--bot", url + "/bot", tmp, str(grids), str(residents),
                                 str(assignments), str(every)], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                env=os.environ | {"PYTHONPATH": str(ROOT), "BENCH_TOKEN": DEFAULT_TOKEN})
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        due = float(ready["due"])
        resident_ids = set(people)
        checkins: list[float] = []
        cards: list[dict[str, Any]] = []
        after, deadline = 0, due + residents / 30 * 1.6 + 120
        while time.time() < deadline and len(checkins) < residents:
            time.sleep(1.0)                # the watcher shares the 2 cores: a look a second, not a busy loop
            events = post(url, "/sandbox/events", {"after": after, "kinds": ["send"]})["result"]
            if events:
                after = events[-1]["seq"]
            for e in events:
                if e["chat_id"] in resident_ids and CHECKIN in (e["text"] or ""):
                    checkins.append(e["at"])
                elif "分派给您" in (e["text"] or ""):
                    cards.append(e)
        time.sleep(max(0.0, due + assignments * every + 3 - time.time()))
        cards += [e for e in post(url, "/sandbox/events", {"after": after, "kinds": ["send"]})["result"]
                  if "分派给您" in (e["text"] or "")]
        stats = post(url, "/sandbox/stats", {})["result"]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
        figures = json.loads(out.strip().splitlines()[-1])
    latencies = []
    for token, filed in figures["submitted"].items():
        arrived = [e["at"] for e in cards if token in (e["text"] or "")]
        if arrived:
            latencies.append(min(arrived) - filed)
    return {"delivered": len(checkins), "first": min(checkins) - due if checkins else float("nan"),
            "drain": max(checkins) - due if checkins else float("nan"),
            "span": max(checkins) - min(checkins) if len(checkins) > 1 else float("nan"),
            "refused_429": stats["refused_429"], "flood_waits": figures["flood_waits"], "latencies": latencies,
            "assignments": len(figures["submitted"]), "peak_rss_mb": figures["peak_rss_mb"]}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--bot":
        url, workdir, grids, residents, assignments, every = sys.argv[2:8]
        figures = asyncio.run(bot(url, Path(workdir), int(grids), int(residents), int(assignments), float(every)))
        print(json.dumps(figures), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20000)
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--assignments", type=int, default=40)
    parser.add_argument("--every", type=float, default=10.0, help="seconds between reports filed during the drain")
    args = parser.parse_args()
    started = datetime.now(timezone.utc)
    r = run(args.residents, args.grids, args.assignments, args.every)
    lost = args.residents - r["delivered"]
    rate = (r["delivered"] - 1) / r["span"] if r["span"] == r["span"] and r["span"] > 0 else float("nan")
    print(f"residents under monitoring: {args.residents} in {args.grids} grids, check-ins due at the same minute"
          f" (run started {started:%Y-%m-%d %H:%M} UTC)")
    print(f"check-ins delivered: {r['delivered']} of {args.residents} (lost {lost}, target 0); first"
          f" {r['first']:.1f}s after the due time, time to drain {r['drain']:.1f}s = {r['drain'] / 60:.1f} min"
          f" (at 30 msg/s the floor is {args.residents / 30:.0f}s = {args.residents / 30 / 60:.1f} min)")
    print(f"rate while draining: {rate:.2f} msg/s = {rate / 30:.3f} of 30; 429s {r['refused_429']}"
          f" ({r['flood_waits']} flood waits in the bot)")
    lat = r["latencies"]
    print(f"assignments filed during the drain: {len(lat)} of {r['assignments']} delivered;"
          f" p50 {percentile(lat, 50):.2f}s, p99 {percentile(lat, 99):.2f}s (target p99 <= 2s)")
    print(f"peak RSS of gridbot: {r['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
