"""The Telegram-facing layer: one module per flow, each thin (parse, authorize, call a service, answer).

Every state change a handler makes goes through `handlers.common.once`: one transaction that also claims
the update id, so a redelivered update changes nothing and sends nothing twice, and that also queues the
messages answering it (`replies=`), so a committed change always has them (tests/test_replies_committed.py).
What a handler does after `once` is no message: a toast, an edit of the pressed message, the command menu."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, filters

from handlers import (area_tasks, attachments, binding, broadcast, casework, fallback, gatherings, groups, help, ledger,
                      pages, rating, report, start, stats, tips, whoami)
from handlers import tasks_arrival, tasks_campaigns, tasks_service
from handlers.common import Context, answer, reader_locale
from messages import render

PRIVATE_ONLY = ("start", "broadcast", "broadcasts", "tasks", "duty", "my", "cancel", "unlink", "remind", "reminders",
                "campaign", "rewards", "apply", *ledger.COMMANDS)
# Refusals that come from the people and chats, not from a bug: a line in the log, no traceback.
EXPECTED_REFUSALS = ("not found", "too old", "not modified", "blocked", "kicked", "deactivated", "rights",
                     "initiate conversation", "not a member")

log = logging.getLogger(__name__)


async def private_only(update: Update, context: Context) -> None:
    """A private command sent in a group: say where it works (and nothing personal)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    await answer(update, context, "groups/private_only", command=command, username=context.bot.username)


def is_transient(error: BaseException | None) -> bool:
    """The database was busy or full, or Telegram did not answer: the same update may well work later."""
    return isinstance(error, sqlite3.OperationalError) or (
        isinstance(error, NetworkError) and not isinstance(error, BadRequest))


def is_expected(error: BaseException | None) -> bool:
    """Telegram refused because of the person or chat (blocked, kicked, a stale button), not a bug."""
    if isinstance(error, (Forbidden, ChatMigrated, RetryAfter)):
        return True
    return isinstance(error, BadRequest) and any(words in error.message.lower() for words in EXPECTED_REFUSALS)


async def on_error(update: object, context: Context) -> None:
    """A handler failed. A busy database or an unanswered call: the update is handled again later (it is not
    confirmed to Telegram until then). After its last try, or for a bug, the person is told it did not work;
    a refusal that comes from the chat (blocked, kicked, a stale button) is one line in the log."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    if is_transient(error) and update_id is not None and context.bot_data.redelivery.again(update_id):
        log.warning("update %s (chat %s) will be handled again: %s", update_id, chat, error)
        return
    if is_expected(error):
        log.warning("update %s: chat %s refused: %s", update_id, chat, error)
        return
    if is_transient(error):
        log.warning("update %s (chat %s) failed, the person is told: %s", update_id, chat, error)
    else:
        log.error("error while handling update %s in chat %s", update_id, chat, exc_info=error)
    if isinstance(update, Update) and chat is not None:
        # Sent directly, not as an outbox row: the database may be the very thing that failed.
        try:
            await context.bot.send_message(chat, render("errors/failed", reader_locale(update, context)),
                                           parse_mode=ParseMode.HTML)
        except Exception as exc:
            log.warning("could not tell chat %s that update %s failed: %s", chat, update_id, exc)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # pages last: it refuses the page buttons of no list, after every list's own took theirs.
    for module in (start, binding, groups, whoami, report, casework, broadcast, tips, gatherings, attachments,
                   stats, ledger, area_tasks, rating, tasks_arrival, tasks_service, tasks_campaigns, pages):
        application.add_handlers(module.handlers())
    application.add_handler(CommandHandler(PRIVATE_ONLY, private_only, filters=filters.ChatType.GROUPS))
    application.add_handlers(help.handlers())
    application.add_handlers(fallback.handlers())              # last: only what nothing above took
    for group, handler in (*fallback.early_handlers(), *help.late_handlers()):
        application.add_handler(handler, group)
    application.add_error_handler(on_error)
