"""Wiring: the python-telegram-bot Application, and running it in polling mode."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import timedelta
from typing import Any, Callable

from telegram import (BotCommand, BotCommandScopeAllChatAdministrators, BotCommandScopeAllGroupChats,
                      BotCommandScopeAllPrivateChats, Update)
from telegram.ext import Application, ApplicationBuilder, CallbackContext, Defaults

import handlers
from bot.app import ledger_jobs
from bot.services import handover
from bot.services.broadcasting import failure_reason
from bot.core.clock import stamp
from bot.services.groups import follow_migration
from bot.services.help import GROUP, GROUP_ADMINS, private_commands
from bot.delivery.sender import OutboxSender
from bot.delivery.transport import AiohttpRequest
from bot.app.metrics import BotMetrics, MeasuredUpdateProcessor
from bot.delivery.proxy import choose_proxy
from bot.services.runtime import Runtime
from db import chats as chats_db
from db import outbox as outbox_db
from db import updates as updates_db
from db.outbox import Outgoing
from messages import LOCALES, render

log = logging.getLogger(__name__)
# Edited messages are fetched only to be answered (handlers.fallback): an edit is never taken as input.
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def build_application(rt: Runtime) -> Application:
    """An Application talking to `rt.settings.base_url`, with every gridbot handler registered."""
    settings = rt.settings
    proxy = choose_proxy(settings.base_url, settings.proxy, os.environ)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_url.removesuffix("/bot") + "/file/bot")
        .defaults(Defaults(tzinfo=settings.tz))
        .request(AiohttpRequest(connection_pool_size=settings.concurrent_updates + settings.send_concurrency,
                                read_timeout=settings.request_timeout, proxy=proxy))
        .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=40, proxy=proxy))
        .concurrent_updates(MeasuredUpdateProcessor(settings.concurrent_updates, BotMetrics(rt)))
        .build()
    )
    application.bot_data["runtime"] = rt
    handlers.register(application)
    return application


async def set_commands(application: Application) -> None:
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


def make_sender(application: Application) -> OutboxSender:
    rt: Runtime = application.bot_data["runtime"]

    async def failed(message: Outgoing, reason: str) -> None:
        await rt.change(handover.undeliverable, rt.settings, message, reason, rt.now())
        if message.chat_id < 0 and failure_reason(reason) in ("removed", "not_found"):
            await rt.db.write(chats_db.set_bot_status, message.chat_id, "removed", rt.stamp())

    async def migrated(old: int, new: int) -> None:
        await rt.db.write(follow_migration, old, new, rt.stamp())

    return OutboxSender(application.bot, rt.db, rt.settings, rt.stamp, failed, migrated)


async def housekeeping(rt: Runtime) -> None:
    """At start-up and daily: forget old update ids; clear the bodies of messages sent before outbox_keep_days,
    a batch per transaction so that updates never wait behind a year's worth at once."""
    now = rt.clock.now()
    await rt.db.write(updates_db.forget_before, stamp(now - timedelta(days=2)))
    before, batch = stamp(now - timedelta(days=rt.settings.outbox_keep_days)), 1000
    while await rt.db.write(outbox_db.clear_bodies, before, batch) == batch:
        pass


async def _housekeeping(context: CallbackContext[Any, Any, Any, Any]) -> None:
    try:
        await housekeeping(context.application.bot_data["runtime"])
    except Exception:
        log.exception("housekeeping failed")


async def _tick(context: CallbackContext) -> None:
    rt: Runtime = context.application.bot_data["runtime"]
    try:
        await rt.tick()
    except Exception:
        log.exception("timer tick failed")


async def start_bot(application: Application) -> None:
    """Initialize (getMe), set the commands, start the sender and the timers: all but receiving updates.
    Raises ptb's errors as they come."""
    rt: Runtime = application.bot_data["runtime"]
    await application.initialize()
    rt.bot_username = application.bot.username
    await housekeeping(rt)
    await set_commands(application)
    await ledger_jobs.start(application)
    rt.sender = make_sender(application)
    rt.db.on_outbox(rt.sender.wake)         # a committed change that queued messages wakes the sender
    rt.sender.start()
    await application.start()
    await rt.tick()
    application.job_queue.run_repeating(_tick, interval=rt.settings.tick_seconds, first=rt.settings.tick_seconds,
                                        name="timers")
    application.job_queue.run_repeating(_housekeeping, interval=timedelta(days=1), first=timedelta(days=1),
                                        name="housekeeping")


async def receive_by_polling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    if application.updater is None:
        raise RuntimeError("built without an updater")
    await application.updater.start_polling(poll_interval=0.0, timeout=30, allowed_updates=ALLOWED_UPDATES)


async def start_polling(application: Application) -> None:
    """`start_bot`, then handle updates fetched by long polling."""
    await start_bot(application)
    await receive_by_polling(application)


async def stop_polling(application: Application) -> None:
    rt: Runtime = application.bot_data["runtime"]
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if rt.sender is not None:
        rt.db.off_outbox(rt.sender.wake)
        await rt.sender.stop()
    await application.shutdown()
    await application.bot.shutdown()            # closes the HTTP sessions also when getMe failed at start


async def run_until(application: Application, stop: asyncio.Event,
                    on_started: Callable[[], None] | None = None) -> None:
    """Poll until `stop` is set; always shut down cleanly, also when start-up fails."""
    try:
        await start_polling(application)
        if on_started:
            on_started()
        await stop.wait()
    finally:
        await stop_polling(application)
