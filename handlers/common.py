"""Helpers every handler uses: the runtime, the reader's locale, answering with a template."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable, TypeVar

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.constants import ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.core.clock import stamp
from bot.delivery.sender import retry_seconds
from bot.services.runtime import Runtime
from messages import locale_for, render

Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")
log = logging.getLogger(__name__)


def runtime(context: Context) -> Runtime:
    return context.application.bot_data["runtime"]


def now_stamp(context: Context) -> str:
    return stamp(runtime(context).clock.now())


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def reader_locale(update: Update, context: Context) -> str:
    """Private chats follow the user's Telegram language; groups use the configured default."""
    default = runtime(context).settings.locale
    if is_private(update) and update.effective_user is not None:
        return locale_for(update.effective_user.language_code, default)
    return default


async def once(update: Update, context: Context, fn: Callable[..., T], *args: Any) -> T:
    """Run a state change for this update in one transaction, at most once per update id; a redelivered
    update stops here."""
    fresh, result = await runtime(context).handle(update.update_id, fn, *args)
    if not fresh:
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    return result


async def send(context: Context, chat_id: int, text: str,
               reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
               attempts: int = 4) -> None:
    """A direct reply to someone who just acted: waits out flood control and retries a failed connection
    a few times (what a state change owes people goes through the outbox instead)."""
    sender = runtime(context).sender
    limits = sender.limits if sender is not None else None
    for attempt in range(attempts):
        try:
            await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=reply_markup,
                                           disable_web_page_preview=True)
            if limits is not None:
                limits.count(chat_id, time.monotonic())
            return
        except RetryAfter as exc:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(retry_seconds(exc))
        except (TimedOut, NetworkError):
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5 * 2 ** attempt)


async def answer(update: Update, context: Context, name: str, /, **values: Any) -> None:
    """Reply in the chat the update came from with the template `name`."""
    await send(context, update.effective_chat.id, render(name, reader_locale(update, context), **values))
