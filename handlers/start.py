"""/start in private: welcome, invite links that begin binding a Telegram account to staff, report deep links."""

from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.services import binding, intake
from bot.services.accounts import remembering
from bot.services.help import greeting_for
from bot.services.invite_links import INVITE_PREFIX
from handlers.binding import contact_keyboard
from handlers.common import Context, once, reader_locale, replying, runtime
from handlers.conversation import shown
from handlers.report import REPORT_PREFIX


async def start(update: Update, context: Context) -> None:
    user, chat, rt = update.effective_user, update.effective_chat, runtime(context)
    if user is None or chat is None:
        return
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), True)
    payload = context.args[0] if context.args else ""
    if payload.startswith(REPORT_PREFIX):
        await once(update, context, remembering, seen, partial(intake.begin, telegram_name=user.full_name),
                   rt.settings, user.id, payload[len(REPORT_PREFIX):], rt.now(), replies=shown(update, context),
                   small=True)
    elif payload.startswith(INVITE_PREFIX):
        locale = reader_locale(update, context)
        # The link alone proves nothing: "share_contact" asks for their contact, with the button that shares it.
        await once(update, context, remembering, seen, binding.redeem_invite, payload[len(INVITE_PREFIX):], user.id,
                   rt.stamp(),
                   replies=replying(update, context, lambda done: f"start/invite_{done.status}",
                                    lambda done: {"person": done.person, "roles": done.roles},
                                    lambda done: contact_keyboard(locale) if done.status == "share_contact" else None))
    else:
        await once(update, context, remembering, seen, greeting_for, user.id,
                   replies=replying(update, context, lambda _: "start/welcome",
                                    lambda greeting: {"name": user.first_name, **greeting}), small=True)


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("start", start, filters=filters.ChatType.PRIVATE)]
