"""/start in private: welcome, and invite links that link a Telegram account to the staff list."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.accounts import redeem_invite
from db import people as people_db
from handlers.report import REPORT_PREFIX, start_from_group
from handlers.common import Context, answer, now_stamp, runtime

from bot.invite_links import INVITE_PREFIX


async def start(update: Update, context: Context) -> None:
    user = update.effective_user
    rt, now = runtime(context), now_stamp(context)
    await rt.db.write(people_db.remember_user, user.id, user.first_name, user.username, user.language_code, now, True)
    payload = context.args[0] if context.args else ""
    if payload.startswith(REPORT_PREFIX):
        await start_from_group(update, context, payload[len(REPORT_PREFIX):])
        return
    if payload.startswith(INVITE_PREFIX):
        outcome = await rt.db.write(redeem_invite, payload[len(INVITE_PREFIX):], user.id, now)
        await answer(update, context, f"start/invite_{outcome.status}", person=outcome.person, roles=outcome.roles)
        return
    await answer(update, context, "start/welcome", name=user.first_name)


def handlers() -> list:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
