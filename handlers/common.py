"""Helpers every handler uses: the runtime, the reader's locale, answering with a template."""

from __future__ import annotations

import logging
from typing import Any, Callable, Sequence, TypeVar, cast

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core.clock import stamp
from bot.services.ledger.screens import Refusal
from bot.services.replies import Reply
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


async def once(update: Update, context: Context, fn: Callable[..., T], *args: Any,
               replies: Callable[[T], Sequence[Reply]] | None = None, small: bool = False) -> T:
    """Run a state change for this update in one transaction, at most once per update id; a redelivered
    update stops here. `replies(result)`: what answers it, queued in that same transaction (see `replying`).
    `small`: the change touches a few rows by an index, whatever the data (see `Runtime.handle`)."""
    fresh, result = await runtime(context).handle(update.update_id, fn, *args, replies=replies, small=small)
    if not fresh:
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop
    return cast(T, result)                 # a fresh claim ran `fn`: its result, whatever it is


Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def reply(chat_id: int, text: str, reply_markup: Markup | None = None) -> Reply:
    return Reply(chat_id, text, reply_markup.to_dict() if reply_markup is not None else None)


def replying(update: Update, context: Context, name: Callable[[T], str | None],
             values: Callable[[T], dict[str, Any]] = lambda _: {},
             markup: Callable[[T], Markup | None] = lambda _: None) -> Callable[[T], list[Reply]]:
    """For `once(..., replies=...)`: the template `name(result)` (None: no reply) with `values(result)` and the
    keyboard `markup(result)`, in the update's chat. Called inside the change's transaction, after `fn`: an
    error here rolls the change back with it."""
    chat, locale = update.effective_chat, reader_locale(update, context)

    def replies(result: T) -> list[Reply]:
        template = name(result)
        if chat is None or template is None:
            return []
        return [reply(chat.id, render(template, locale, **values(result)), markup(result))]
    return replies


def unless_refused(update: Update, context: Context, kind: type[T], name: str, values: Callable[[T], dict[str, Any]],
                   buttons: Callable[[T], InlineKeyboardMarkup | None]) -> Callable[[T | Refusal], list[Reply]]:
    """For `once(..., replies=...)` of a ledger view: a `kind` found is shown as template `name` with
    `values(view)` and `buttons(view)`; a refusal as its own template (`ledger/<key>`)."""
    def name_of(found: T | Refusal) -> str:
        return f"ledger/{found.key}" if isinstance(found, Refusal) else name

    def values_of(found: T | Refusal) -> dict[str, Any]:
        if isinstance(found, kind):
            return values(found)
        return dict(found.context) if isinstance(found, Refusal) else {}

    def buttons_of(found: T | Refusal) -> InlineKeyboardMarkup | None:
        return buttons(found) if isinstance(found, kind) else None
    return replying(update, context, name_of, values_of, buttons_of)


async def send(context: Context, chat_id: int, text: str, reply_markup: Markup | None = None) -> None:
    """A reply that answers no state change (a list, a usage hint, a refusal checked before any change), as an
    outbox row of its own (bot.services.replies). A reply to a change goes in the change's transaction instead
    (`once(..., replies=replying(...))`): sent after it, a crash in between would leave the change unanswered."""
    await runtime(context).reply([reply(chat_id, text, reply_markup)])


async def answer(update: Update, context: Context, name: str, /, **values: Any) -> None:
    """Reply in the chat the update came from with the template `name`."""
    if update.effective_chat is None:
        raise ValueError(f"update {update.update_id} has no chat to answer in")
    await send(context, update.effective_chat.id, render(name, reader_locale(update, context), **values))
