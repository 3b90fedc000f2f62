"""The ⭐ rating buttons of messages sent before satisfaction had one question (`sat|<report id>|<score>`): a
press answers the report's 满意 / 不满意 question (bot.services.ledger.satisfaction)."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services.ledger.satisfaction import rate
from handlers.common import Context, once, reader_locale, runtime
from messages import render


async def rating_press(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = (query.data or "").split("|")
    try:
        report_id, score = int(parts[1]), int(parts[2])
    except (IndexError, ValueError):
        report_id, score = 0, 0
    outcome = await once(update, context, rate, rt.settings, user.id, report_id, score, rt.now(), small=True)
    await query.answer(render("ledger/rated", reader_locale(update, context), result=outcome),
                       show_alert=outcome not in ("rated", "already"))
    if outcome in ("rated", "already") and query.message is not None:
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest:
            pass                                    # the buttons were removed already


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CallbackQueryHandler(rating_press, pattern=r"^sat\|")]
