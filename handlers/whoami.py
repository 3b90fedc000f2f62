"""/whoami: the roles linked to your Telegram account (in private only: roles are personal)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.services.accounts import roles_of_user
from handlers.common import Context, answer, is_private, runtime


async def whoami(update: Update, context: Context) -> None:
    user = update.effective_user
    if not is_private(update) or user is None:
        await answer(update, context, "whoami/private_only")
        return
    person, roles = await runtime(context).db.read(roles_of_user, user.id)
    await answer(update, context, "whoami/roles", person=person, roles=roles)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("whoami", whoami)]
