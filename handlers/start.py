"""/start in private: welcome, invite links that begin binding a Telegram account to staff, report deep links."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.services import binding, intake
from bot.services.accounts import remember, remembering
from bot.services.help import greeting_for
from bot.services.invite_links import INVITE_PREFIX
from handlers.binding import contact_keyboard
from handlers.common import Context, answer, once, reader_locale, runtime, send
from handlers.conversation import shown
from handlers.report import REPORT_PREFIX
from messages import render


async def start(update: Update, context: Context) -> None:
    user, chat, rt = update.effective_user, update.effective_chat, runtime(context)
    if user is None or chat is None:
        return
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), True)
    payload = context.args[0] if context.args else ""
    if payload.startswith(REPORT_PREFIX):
        await once(update, context, remembering, seen, partial(intake.begin, telegram_name=user.full_name),
                   rt.settings, user.id, payload[len(REPORT_PREFIX):], rt.now(), replies=shown(update, context))
    elif payload.startswith(INVITE_PREFIX):
        outcome = await once(update, context, remembering, seen, binding.redeem_invite, payload[len(INVITE_PREFIX):],
                             user.id, rt.stamp())
        if outcome.status == "share_contact":             # the link alone proves nothing: ask for their contact
            locale = reader_locale(update, context)
            await send(context, chat.id, render("start/invite_share_contact", locale), contact_keyboard(locale))
        else:
            await answer(update, context, f"start/invite_{outcome.status}", person=outcome.person, roles=outcome.roles)
    else:
        await once(update, context, remember, seen)
        await answer(update, context, "start/welcome", name=user.first_name, **await rt.db.read(greeting_for, user.id))


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
