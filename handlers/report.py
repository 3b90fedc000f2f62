"""Residents report: /report in the grid group hands them a deep link; the form is filled in private (declared
in `bot.services.flows`, run through `handlers.conversation`)."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.services import intake
from bot.services.accounts import remembering
from bot.services.groups import grid_of_chat
from handlers import conversation
from handlers.common import Context, answer, is_private, once, reader_locale, replying, runtime, send
from messages import label, render

REPORT_PREFIX = "r_"


async def report_command(update: Update, context: Context) -> None:
    rt, chat, user = runtime(context), update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if not is_private(update):
        grid = await rt.db.read_now(grid_of_chat, chat.id)
        if grid is None:
            await answer(update, context, "report/group_not_bound")
            return
        locale = reader_locale(update, context)
        link = f"https://t.me/{rt.bot_username}?start={REPORT_PREFIX}{grid.code}"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label("buttons/open_private", locale), url=link)]])
        await send(context, chat.id, render("report/group_intake", locale, grid=grid), markup)
        return
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), False)
    await once(update, context, remembering, seen, partial(intake.begin, telegram_name=user.full_name),
               rt.settings, user.id, None, rt.now(), replies=conversation.shown(update, context), small=True)


async def cancel(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    await once(update, context, intake.cancel, rt.settings, user.id, rt.now(),
               replies=replying(update, context, lambda existed: "report/cancelled" if existed else "report/nothing_to_cancel"))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CommandHandler("report", report_command),
        CommandHandler("cancel", cancel, filters=filters.ChatType.PRIVATE),
        *conversation.handlers(),
    ]
