"""The Telegram-facing layer: one module per flow, each thin (parse, authorize, call a service, answer)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from db import updates as updates_db
from handlers import casework, groups, report, start, whoami
from handlers.common import Context, now_stamp, runtime

log = logging.getLogger(__name__)


async def drop_redelivered(update: Update, context: Context) -> None:
    """Telegram may deliver an update again; the second time it is ignored."""
    if not await runtime(context).db.write(updates_db.claim, update.update_id, now_stamp(context)):
        log.info("update %s delivered again; ignored", update.update_id)
        raise ApplicationHandlerStop


async def log_error(update: object, context: Context) -> None:
    log.error("error while handling %s", getattr(update, "update_id", update), exc_info=context.error)


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, drop_redelivered), group=-1)
    for module in (start, groups, whoami, report, casework):
        application.add_handlers(module.handlers())
    application.add_error_handler(log_error)
