"""Wiring: the python-telegram-bot Application, what runs beside its handlers, and starting and stopping it."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from typing import Any, Callable

from telegram import (BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeAllGroupChats,
                      BotCommandScopeAllPrivateChats, Update)
from telegram.ext import Application, ApplicationBuilder, Defaults

import handlers
from bot.app import ledger_jobs
from bot.app.metrics import BotMetrics, MeasuredUpdateProcessor
from bot.delivery.limiter import GridRateLimiter
from bot.delivery.polling import UpdatePoller
from bot.delivery.proxy import choose_proxy
from bot.delivery.ratelimit import ChatLimits
from bot.delivery.sender import OutboxSender
from bot.delivery.tasks import cancel_and_wait
from bot.delivery.transport import AiohttpRequest
from bot.services import handover
from bot.services.broadcasting import failure_reason
from bot.services.groups import follow_migration
from bot.services.help import GROUP, GROUP_ADMINS, private_commands
from bot.services.retention import BODIES_BATCH, housekeeping_cuts
from bot.services.runtime import Runtime
from db import chats as chats_db
from db import outbox as outbox_db
from db import reports as reports_db
from db import updates as updates_db
from db.outbox import Outgoing
from handlers.context import CONTEXT_TYPES, BotData
from messages import LOCALES, render, warm

log = logging.getLogger(__name__)
# Edited messages are fetched only to be answered (handlers.fallback): an edit is never taken as input.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
HOUSEKEEPING_SECONDS = 24 * 3600.0


class GridApplication(Application[Any, Any, Any, Any, BotData, Any]):
    """ptb's Application, plus what runs beside the handlers: the update poller and the timer tick."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.poller: UpdatePoller | None = None
        self.updates_request: AiohttpRequest | None = None
        self.ticker: asyncio.Task[None] | None = None
        self.housekeeper: asyncio.Task[None] | None = None

    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime


def build_application(rt: Runtime) -> GridApplication:
    """An Application talking to `rt.settings.base_url`, with every gridbot handler registered."""
    settings = rt.settings
    proxy = choose_proxy(settings.base_url, settings.proxy, os.environ)
    updates_request = AiohttpRequest(connection_pool_size=1, read_timeout=40, proxy=proxy)
    limiter = GridRateLimiter(ChatLimits(settings.send_per_second, settings.send_per_group_minute,
                                         settings.send_per_chat_second))
    application = (
        ApplicationBuilder()
        .application_class(GridApplication)
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_url.removesuffix("/bot") + "/file/bot")
        .defaults(Defaults(tzinfo=settings.tz))
        .request(AiohttpRequest(connection_pool_size=settings.concurrent_updates + settings.send_concurrency,
                                read_timeout=settings.request_timeout, proxy=proxy))
        .get_updates_request(updates_request)
        .concurrent_updates(MeasuredUpdateProcessor(settings.concurrent_updates, BotMetrics(rt)))
        .rate_limiter(limiter)
        .context_types(CONTEXT_TYPES)
        .updater(None)
        .build()
    )
    assert isinstance(application, GridApplication)
    application.updates_request = updates_request
    application.bot_data.runtime = rt
    handlers.register(application)
    return application


async def set_commands(application: GridApplication) -> None:
    """The command menus, in every locale (zh_CN also as the default for other languages): a resident's in
    private chats; in groups /report and /help, with /bind and /unbind shown to the groups' administrators only.
    Staff get the menu of their roles in their own private chat when they link or ask for /help
    (handlers.help.refresh_menu)."""
    bot = application.bot
    for scope, names in ((BotCommandScopeAllPrivateChats(), private_commands(())),
                         (BotCommandScopeAllGroupChats(), GROUP),
                         (BotCommandScopeAllChatAdministrators(), GROUP_ADMINS)):
        for locale in LOCALES:
            commands = [BotCommand(name, render(f"commands/{name}", locale)) for name in names]
            language = None if locale == "zh_CN" else locale[:2]
            await bot.set_my_commands(commands, scope=scope, language_code=language)


def make_sender(application: GridApplication) -> OutboxSender:
    rt = application.runtime

    async def failed(message: Outgoing, reason: str) -> None:
        await rt.change(handover.undeliverable, rt.settings, message, reason, rt.now())
        if message.chat_id < 0 and failure_reason(reason) in ("removed", "not_found"):
            await rt.db.write(chats_db.set_bot_status, message.chat_id, "removed", rt.stamp())

    async def migrated(old: int, new: int) -> None:
        await rt.db.write(follow_migration, old, new, rt.stamp())

    return OutboxSender(application.bot, rt.db, rt.settings, rt.stamp, failed, migrated)


async def housekeeping(rt: Runtime) -> None:
    """At start-up and daily: forget old update ids and report-number counters; clear the bodies of messages sent
    before outbox_keep_days, a batch per transaction so that updates never wait behind a year's worth at once."""
    cuts = housekeeping_cuts(rt.settings, rt.clock.now())
    await rt.db.write(updates_db.forget_before, cuts.updates_before)
    await rt.db.write(reports_db.forget_counters, cuts.counters_before)
    while await rt.db.write(outbox_db.clear_bodies, cuts.bodies_before, BODIES_BATCH) == BODIES_BATCH:
        pass


async def every(interval: float, job: Callable[[], Any], name: str) -> None:
    """Run `job` every `interval` seconds of monotonic time. A jump of the wall clock (NTP, a restored VM)
    neither stops nor bunches the runs; each run compares due times with the clock as it reads then."""
    loop = asyncio.get_running_loop()
    next_at = loop.time() + interval
    while True:
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        try:
            await job()
        except sqlite3.OperationalError as exc:
            log.warning("%s skipped: %s", name, exc)
        except Exception:
            log.exception("%s failed", name)
        next_at = max(next_at + interval, loop.time())


async def tick_every(rt: Runtime, interval: float) -> None:
    """Fire what is due every `interval` seconds of monotonic time (see `every`)."""
    await every(interval, lambda: rt.tick(), "timer tick")       # looked up at each run: tests wrap it


async def start_bot(application: GridApplication) -> None:
    """Initialize (getMe), set the commands, start the sender and the timers: all but receiving updates.
    Raises ptb's errors as they come."""
    rt = application.runtime
    await rt.db.checkpoint_aside()
    # Templates and catalogs load lazily, which made the first press after start-up wait 100-260 ms. Compiling
    # them all costs ≈1.5 s of CPU: a thread does it while start-up waits on the network, finished before polling.
    warming = asyncio.ensure_future(asyncio.to_thread(warm))
    try:
        await application.initialize()
        rt.bot_username = application.bot.username
        await housekeeping(rt)
        await set_commands(application)
    finally:
        log.debug("%d templates ready", await warming)
    await ledger_jobs.start(application)
    rt.sender = make_sender(application)
    rt.db.on_outbox(rt.sender.wake)         # a committed change that queued messages wakes the sender
    rt.replies_ready = rt.sender.push       # replies it is handed as they are committed
    rt.sender.start()
    await application.start()
    await rt.tick()
    application.ticker = asyncio.create_task(tick_every(rt, rt.settings.tick_seconds), name="timers")
    application.housekeeper = asyncio.create_task(
        every(HOUSEKEEPING_SECONDS, lambda: housekeeping(rt), "housekeeping"), name="housekeeping")


async def receive_by_polling(application: GridApplication) -> None:
    """Fetch updates by long polling; each is confirmed to the server only once it was handled."""
    assert application.updates_request is not None
    application.poller = UpdatePoller(application, application.updates_request, allowed_updates=ALLOWED_UPDATES)
    application.bot_data.redelivery = application.poller
    await application.poller.start()


async def start_polling(application: GridApplication) -> None:
    """`start_bot`, then handle updates fetched by long polling."""
    await start_bot(application)
    await receive_by_polling(application)


async def stop_polling(application: GridApplication) -> None:
    rt = application.runtime
    if application.poller is not None:
        await application.poller.stop()
        application.poller = None
    for task in (application.ticker, application.housekeeper):
        if task is not None:
            await cancel_and_wait(task)
    application.ticker = application.housekeeper = None
    if application.running:
        await application.stop()
    if rt.sender is not None:
        rt.db.off_outbox(rt.sender.wake)
        rt.replies_ready = None
        await rt.sender.stop()
    await application.shutdown()
    await application.bot.shutdown()            # closes the HTTP sessions also when getMe failed at start


async def run_until(application: GridApplication, stop: asyncio.Event,
                    on_started: Callable[[], None] | None = None) -> None:
    """Poll until `stop` is set; always shut down cleanly, also when start-up fails."""
    try:
        await start_polling(application)
        if on_started:
            on_started()
        stopped = asyncio.create_task(stop.wait())
        polling = application.poller.task if application.poller else None
        await asyncio.wait([t for t in (stopped, polling) if t is not None], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if polling is not None and polling.done() and not polling.cancelled() and polling.exception():
            raise polling.exception()  # type: ignore[misc]
    finally:
        await stop_polling(application)
