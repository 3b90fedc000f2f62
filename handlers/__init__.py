"""The Telegram-facing layer: one module per flow, each thin (parse, authorize, call a service, answer).

Every state change a handler makes goes through `handlers.common.once`: one transaction that also claims
the update id, so a redelivered update changes nothing and sends nothing twice."""

from __future__ import annotations

import logging

from telegram.ext import Application

from handlers import broadcast, casework, groups, report, start, whoami
from handlers.common import Context

log = logging.getLogger(__name__)


async def log_error(update: object, context: Context) -> None:
    log.error("error while handling %s", getattr(update, "update_id", update), exc_info=context.error)


def register(application: Application) -> None:
    for module in (start, groups, whoami, report, casework, broadcast):
        application.add_handlers(module.handlers())
    application.add_error_handler(log_error)
