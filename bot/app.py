"""Wiring: the python-telegram-bot Application, and running it in polling mode."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Callable

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import Application, ApplicationBuilder, Defaults

import handlers
from bot.clock import stamp
from bot.runtime import Runtime
from db import updates as updates_db
from messages import LOCALES, render

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
PRIVATE_COMMANDS = ("start", "whoami")
GROUP_COMMANDS = ("bind", "unbind")


def build_application(rt: Runtime) -> Application:
    """An Application talking to `rt.settings.base_url`, with every gridbot handler registered."""
    settings = rt.settings
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_url.removesuffix("/bot") + "/file/bot")
        .defaults(Defaults(tzinfo=settings.tz))
        .connect_timeout(10)
        .read_timeout(15)
        .get_updates_read_timeout(40)
        .build()
    )
    application.bot_data["runtime"] = rt
    handlers.register(application)
    return application


async def set_commands(application: Application) -> None:
    """The command menus, in every locale (zh_CN also as the default for other languages)."""
    bot = application.bot
    for scope, names in ((BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
                         (BotCommandScopeAllGroupChats(), GROUP_COMMANDS)):
        for locale in LOCALES:
            commands = [BotCommand(name, render(f"commands/{name}", locale)) for name in names]
            language = None if locale == "zh_CN" else locale[:2]
            await bot.set_my_commands(commands, scope=scope, language_code=language)


async def start_polling(application: Application) -> None:
    """Initialize (getMe), set the commands, start handling updates. Raises ptb's errors as they come."""
    rt: Runtime = application.bot_data["runtime"]
    await application.initialize()
    rt.bot_username = application.bot.username
    await rt.db.write(updates_db.forget_before, stamp(rt.clock.now() - timedelta(days=2)))
    await set_commands(application)
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=30, allowed_updates=ALLOWED_UPDATES)


async def stop_polling(application: Application) -> None:
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


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
