"""Wiring: the python-telegram-bot Application, and running it in polling mode."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import timedelta
from typing import Any, Callable

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import Application, ApplicationBuilder, Defaults

import handlers
from bot.services import casework
from bot.services.broadcasting import failure_reason
from bot.core.clock import stamp
from bot.services.groups import follow_migration
from bot.delivery.limiter import GridRateLimiter
from bot.delivery.polling import UpdatePoller
from bot.delivery.ratelimit import ChatLimits
from bot.delivery.sender import OutboxSender
from bot.delivery.tasks import cancel_and_wait
from bot.delivery.transport import AiohttpRequest
from bot.delivery.update_order import PerUserUpdateProcessor
from bot.services.runtime import Runtime
from db import chats as chats_db
from db import updates as updates_db
from db.outbox import Outgoing
from handlers.context import CONTEXT_TYPES, BotData
from messages import LOCALES, render

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
PRIVATE_COMMANDS = ("report", "my", "tasks", "duty", "broadcast", "broadcasts", "whoami", "cancel")
GROUP_COMMANDS = ("report", "bind", "unbind")


class GridApplication(Application[Any, Any, Any, Any, BotData, Any]):
    """ptb's Application, plus what runs beside the handlers: the update poller and the timer tick."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.poller: UpdatePoller | None = None
        self.updates_request: AiohttpRequest | None = None
        self.ticker: asyncio.Task[None] | None = None

    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime


def build_application(rt: Runtime) -> GridApplication:
    """An Application talking to `rt.settings.base_url`, with every gridbot handler registered."""
    settings = rt.settings
    updates_request = AiohttpRequest(connection_pool_size=1, read_timeout=40)
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
                                read_timeout=settings.request_timeout))
        .get_updates_request(updates_request)
        .concurrent_updates(PerUserUpdateProcessor(settings.concurrent_updates))
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
    """The command menus, in every locale (zh_CN also as the default for other languages)."""
    bot = application.bot
    for scope, names in ((BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
                         (BotCommandScopeAllGroupChats(), GROUP_COMMANDS)):
        for locale in LOCALES:
            commands = [BotCommand(name, render(f"commands/{name}", locale)) for name in names]
            language = None if locale == "zh_CN" else locale[:2]
            await bot.set_my_commands(commands, scope=scope, language_code=language)


def make_sender(application: GridApplication) -> OutboxSender:
    rt = application.runtime

    async def failed(message: Outgoing, reason: str) -> None:
        await rt.change(casework.undeliverable, rt.settings, message, reason, rt.now())
        if message.chat_id < 0 and failure_reason(reason) in ("removed", "not_found"):
            await rt.db.write(chats_db.set_bot_status, message.chat_id, "removed", rt.stamp())

    async def migrated(old: int, new: int) -> None:
        await rt.db.write(follow_migration, old, new, rt.stamp())

    return OutboxSender(application.bot, rt.db, rt.settings, rt.stamp, failed, migrated)


async def tick_every(rt: Runtime, interval: float) -> None:
    """Fire what is due every `interval` seconds of monotonic time. A jump of the wall clock (NTP, a restored
    VM) neither stops nor bunches the ticks; each tick compares due times with the clock as it reads then."""
    loop = asyncio.get_running_loop()
    next_at = loop.time() + interval
    while True:
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        try:
            await rt.tick()
        except sqlite3.OperationalError as exc:
            log.warning("timer tick skipped: %s", exc)
        except Exception:
            log.exception("timer tick failed")
        next_at = max(next_at + interval, loop.time())


async def start_polling(application: GridApplication) -> None:
    """Initialize (getMe), set the commands, start the sender and the timers, then handle updates.
    Raises ptb's errors as they come."""
    rt = application.runtime
    await application.initialize()
    rt.bot_username = application.bot.username
    await rt.db.write(updates_db.forget_before, stamp(rt.clock.now() - timedelta(days=2)))
    await set_commands(application)
    rt.sender = make_sender(application)
    rt.sender.start()
    await application.start()
    await rt.tick()
    application.ticker = asyncio.create_task(tick_every(rt, rt.settings.tick_seconds), name="timers")
    assert application.updates_request is not None
    application.poller = UpdatePoller(application, application.updates_request, allowed_updates=ALLOWED_UPDATES)
    application.bot_data.redelivery = application.poller
    await application.poller.start()


async def stop_polling(application: GridApplication) -> None:
    rt = application.runtime
    if application.poller is not None:
        await application.poller.stop()
        application.poller = None
    if application.ticker is not None:
        await cancel_and_wait(application.ticker)
        application.ticker = None
    if application.running:
        await application.stop()
    if rt.sender is not None:
        await rt.sender.stop()
    await application.shutdown()


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
