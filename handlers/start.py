"""/start in private: welcome, invite links that link a Telegram account to staff, report deep links."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.services import intake
from bot.services.accounts import redeem_invite, remember, remembering
from bot.services.help import greeting_for
from bot.services.invite_links import INVITE_PREFIX
from handlers.common import Context, answer, once, runtime
from handlers.report import REPORT_PREFIX, show


async def start(update: Update, context: Context) -> None:
    user, rt = update.effective_user, runtime(context)
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), True)
    payload = context.args[0] if context.args else ""
    if payload.startswith(REPORT_PREFIX):
        view = await once(update, context, remembering, seen, intake.begin, rt.settings, user.id,
                          payload[len(REPORT_PREFIX):], rt.now())
        await show(update, context, view)
    elif payload.startswith(INVITE_PREFIX):
        outcome = await once(update, context, remembering, seen, redeem_invite, payload[len(INVITE_PREFIX):],
                             user.id, rt.stamp())
        await answer(update, context, f"start/invite_{outcome.status}", person=outcome.person, roles=outcome.roles)
    else:
        await once(update, context, remember, seen)
        await answer(update, context, "start/welcome", name=user.first_name, **await rt.db.read(greeting_for, user.id))


def handlers() -> list:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
