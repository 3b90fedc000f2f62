"""The Telegram-facing layer: one module per flow, each thin (parse, authorize, call a service, answer).

Every state change a handler makes goes through `handlers.common.once`: one transaction that also claims
the update id, so a redelivered update changes nothing and sends nothing twice."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from handlers import (attachments, binding, broadcast, casework, fallback, gatherings, groups, help, report, start,
                      tips, whoami)
from handlers.common import Context, answer

PRIVATE_ONLY = ("start", "broadcast", "broadcasts", "tasks", "duty", "my", "cancel", "unlink", "rewards", "apply")


async def private_only(update: Update, context: Context) -> None:
    """A private command sent in a group: say where it works (and nothing personal)."""
    command = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    await answer(update, context, "groups/private_only", command=command, username=context.bot.username)

log = logging.getLogger(__name__)


async def log_error(update: object, context: Context) -> None:
    chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    log.error("error while handling update %s in chat %s", getattr(update, "update_id", "?"), chat,
              exc_info=context.error)


def register(application: Application) -> None:
    for module in (start, binding, groups, whoami, report, casework, broadcast, tips, gatherings, attachments):
        application.add_handlers(module.handlers())
    application.add_handler(CommandHandler(PRIVATE_ONLY, private_only, filters=filters.ChatType.GROUPS))
    application.add_handlers(help.handlers())
    application.add_handlers(fallback.handlers())              # last: only what nothing above took
    for group, handler in (*fallback.early_handlers(), *help.late_handlers()):
        application.add_handler(handler, group)
    application.add_error_handler(log_error)
