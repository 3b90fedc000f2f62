"""Helpers every handler uses: the runtime, the reader's locale, answering with a template."""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar, cast

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop

from bot.core.clock import stamp
from bot.services.runtime import Runtime
from handlers.context import GridContext
from messages import locale_for, render

Context = GridContext
T = TypeVar("T")
log = logging.getLogger(__name__)


def runtime(context: Context) -> Runtime:
    return context.runtime


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
    return cast(T, result)                 # a fresh claim ran `fn`: its result, whatever it is


async def send(context: Context, chat_id: int, text: str,
               reply_markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None) -> None:
    """A direct reply to someone who just acted. The bot's one limiter gives it a slot under the same limits as
    the outbox and retries it until it is delivered or refused for good: the state it answers is committed."""
    await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=reply_markup,
                                   disable_web_page_preview=True)


async def answer(update: Update, context: Context, name: str, /, **values: Any) -> None:
    """Reply in the chat the update came from with the template `name`."""
    if update.effective_chat is None:
        raise ValueError(f"update {update.update_id} has no chat to answer in")
    await send(context, update.effective_chat.id, render(name, reader_locale(update, context), **values))
