"""The bots under test, one per process: `bare` (python-telegram-bot answering each update once), `gridbot`
(on a freshly imported city) and `year` (gridbot on a generated year of data).

Usage: bots.py MODE BASE_URL WORKDIR [GRIDS] [SETTINGS_JSON] [ASSIGNMENTS]; mode `year` takes the path of an
existing database instead of WORKDIR. Prints 'polling' when ready; on SIGTERM prints its figures as JSON.
"""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bench.common import city_csv, peak_rss_mb
from sandbox.server import DEFAULT_TOKEN


async def bare(url: str, stop: asyncio.Event) -> dict:
    """The baseline: gridbot's transport and update processor, one message for every update and, for a button
    press, its answer too; nothing else."""
    from bot.core.config import Settings
    from bot.delivery.transport import AiohttpRequest
    from bot.delivery.update_order import PerUserUpdateProcessor

    async def reply(update: Update, context) -> None:
        await context.bot.send_message(update.effective_chat.id, "ok")

    async def press(update: Update, context) -> None:
        await asyncio.gather(update.callback_query.answer(),
                             context.bot.send_message(update.effective_chat.id, "ok"))

    settings = Settings()                       # the same pool and concurrency as gridbot's wiring
    application = (Application.builder().token(DEFAULT_TOKEN).base_url(url + "/bot")
                   .request(AiohttpRequest(connection_pool_size=settings.concurrent_updates + settings.send_concurrency,
                                           read_timeout=settings.request_timeout))
                   .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=40))
                   .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates))
                   .build())
    application.add_handler(MessageHandler(filters.ALL, reply))
    application.add_handler(CallbackQueryHandler(press))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=30,
                                                allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY,
                                                                 Update.MY_CHAT_MEMBER])
        print("polling", flush=True)
        await stop.wait()
        figures = {"cpu_seconds": CPU.spent(), "gc_seconds": CPU.collecting()}
        await application.updater.stop()
        await application.stop()
    return figures


class _Cpu:
    """This process's CPU time from a mark (SIGUSR2, sent when the crowd starts) or from start-up, and the part
    of it the garbage collector took (gc.callbacks around each collection)."""

    def __init__(self) -> None:
        self.mark = time.process_time()
        self.in_gc = 0.0
        self._started = 0.0
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.in_gc += time.process_time() - self._started

    def reset(self) -> None:
        self.mark, self.in_gc = time.process_time(), 0.0

    def spent(self) -> float:
        return round(time.process_time() - self.mark, 4)

    def collecting(self) -> float:
        return round(self.in_gc, 4)


CPU = _Cpu()


async def gridbot(url: str, workdir: Path, grids: int, stop: asyncio.Event, settings_extra: dict,
                  assignments: int = 0) -> dict:
    from bot.core.clock import SystemClock
    from bot.core.config import Settings
    from bot.app.collector import tune_collector
    from bot.app.wiring import build_application, start_polling, stop_polling
    from bot.services.runtime import Runtime
    from bot.services.org_import import import_org
    from db import chats as chats_db
    from db import open_database

    settings = Settings(database=str(workdir / "bench.sqlite3"), **settings_extra)
    db = await open_database(settings.database)
    areas, staff, grid_groups, staff_ids = city_csv(workdir, grids)
    clock = SystemClock()
    await db.write(import_org, areas, staff, clock.now(), timedelta(days=14))

    def bind_all(conn, now):
        for code, chat_id in grid_groups:
            chats_db.touch(conn, chat_id, f"网格群{code}", "group", now)
            area = conn.execute("SELECT id FROM areas WHERE code = ?", (code,)).fetchone()[0]
            chats_db.bind(conn, chat_id, area, 0, now)
        conn.execute("UPDATE people SET started_at = ?", (now,))

    await db.write(bind_all, clock.now().isoformat())
    runtime = Runtime(settings.with_overrides(token=DEFAULT_TOKEN, base_url=url), db, clock)
    application = build_application(runtime)
    await start_polling(application)
    tune_collector()                       # as `gridbot run` does once it is up
    print("polling", flush=True)
    submitted: dict[str, float] = {}
    go = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, go.set)
    assigner = asyncio.create_task(_assign_while_broadcasting(runtime, grid_groups, staff_ids, go, submitted,
                                                              assignments))
    await stop.wait()
    assigner.cancel()
    await runtime.sender.drained(timeout=30)
    stats = runtime.sender.stats
    figures = {"sent_by_outbox": stats.sent, "flood_waits": stats.flood_waits, "retried": stats.retried,
               "submitted": submitted, "cpu_seconds": CPU.spent(), "gc_seconds": CPU.collecting()}
    await stop_polling(application)
    await db.close()
    return figures


async def year(url: str, database: str, stop: asyncio.Event, settings_extra: dict) -> dict:
    """gridbot on a database that is already there (bench/yeargen.py's year): open, poll, nothing else."""
    from bot.app.collector import tune_collector
    from bot.app.wiring import build_application, start_polling, stop_polling
    from bot.core.clock import SystemClock
    from bot.core.config import Settings
    from bot.services.runtime import Runtime
    from db import open_database

    began = time.perf_counter()
    settings = Settings(database=database, **settings_extra)
    db = await open_database(settings.database)
    runtime = Runtime(settings.with_overrides(token=DEFAULT_TOKEN, base_url=url), db, SystemClock())
    application = build_application(runtime)
    await start_polling(application)
    tune_collector()
    ready = time.perf_counter() - began
    print("polling", flush=True)
    await stop.wait()
    stats = runtime.sender.stats
    figures = {"ready_seconds": round(ready, 3), "sent_by_outbox": stats.sent, "flood_waits": stats.flood_waits,
               "retried": stats.retried}
    await stop_polling(application)
    await db.close()
    return figures


async def _assign_while_broadcasting(runtime, grid_groups, staff_ids: list[int], go: asyncio.Event,
                                     submitted: dict[str, float], count: int) -> None:
    """On SIGUSR1, file `count` reports, one every half second, as residents would; note when each went in."""
    from bot.services import casework
    from bot.services.forms import new_form

    if not count:
        return
    await go.wait()
    for i in range(count):
        token = f"居民{i:05d}"
        code = grid_groups[(i * 97) % len(grid_groups)][0]
        form = {**new_form(code), "answers": {"kind": "dispute", "behalf": "self", "category": "neighbours",
                                              "parties": token, "place": "楼道", "description": "争吵",
                                              "urgency": "urgent"}}
        submitted[token] = time.time()
        reporter = staff_ids[-1 - i]                 # someone the sandbox knows, to receive the receipt
        await runtime.change(casework.submit, runtime.settings, reporter, form, runtime.now())
        await asyncio.sleep(0.5)


async def main() -> None:
    mode, url, workdir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    grids = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    settings_extra = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    assignments = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, CPU.reset)
    if mode == "bare":
        figures = await bare(url, stop)
    elif mode == "year":
        figures = await year(url, str(workdir), stop, settings_extra)
    else:
        figures = await gridbot(url, workdir, grids, stop, settings_extra, assignments)
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(figures), flush=True)


def profiled(target: str) -> None:
    """Run under cProfile: the event loop's thread to `target`, every other thread (aiosqlite's, where the SQL
    runs) to `target.thread<N>`."""
    import cProfile
    import threading

    others: list[cProfile.Profile] = []

    def profile_this_thread(*_: object) -> None:
        profile = cProfile.Profile()
        others.append(profile)
        profile.enable()                   # replaces this hook for the rest of the thread's life

    threading.setprofile(profile_this_thread)
    main_thread = cProfile.Profile()
    main_thread.enable()
    try:
        asyncio.run(main())
    finally:
        main_thread.disable()
        main_thread.dump_stats(target)
        for index, profile in enumerate(others):
            profile.dump_stats(f"{target}.thread{index}")


if __name__ == "__main__":
    import os

    if os.environ.get("BENCH_PROFILE"):
        profiled(os.environ["BENCH_PROFILE"])
    else:
        asyncio.run(main())
