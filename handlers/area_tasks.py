"""/tasks for leaders and admins: their area's unresolved reports, oldest first, ten a page, each with a button
that brings the report's card; every press is recomputed for the presser."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services.ledger.tasks import AreaTasks, area_tasks, open_card
from handlers.common import Context, once, reader_locale, runtime, send
from messages import label, render


def markup(tasks: AreaTasks, locale: str) -> InlineKeyboardMarkup | None:
    cards = [InlineKeyboardButton(label("buttons/open_report", locale, number=item.number),
                                  callback_data=f"tk|o|{item.id}") for item in tasks.items]
    rows = [cards[i:i + 2] for i in range(0, len(cards), 2)]
    pages = []
    if tasks.page > 1:
        pages.append(InlineKeyboardButton(label("buttons/prev", locale), callback_data=f"tk|p|{tasks.page - 1}"))
    if tasks.page < tasks.pages:
        pages.append(InlineKeyboardButton(label("buttons/next", locale), callback_data=f"tk|p|{tasks.page + 1}"))
    if pages:
        rows.append(pages)
    return InlineKeyboardMarkup(rows) if rows else None


async def show_area_tasks(update: Update, context: Context) -> bool:
    """/tasks from a leader or admin: their area's list (True); anyone else keeps their own list (False)."""
    rt, user = runtime(context), update.effective_user
    if user is None:
        return False
    tasks = await rt.db.read(area_tasks, rt.settings, user.id, 1, rt.now())
    if tasks is None:
        return False
    locale = reader_locale(update, context)
    await send(context, user.id, render("ledger/tasks", locale, tasks=tasks), markup(tasks, locale))
    return True


async def tasks_press(update: Update, context: Context) -> None:
    """`tk|p|<page>` turns the page; `tk|o|<report id>` queues the report's card if the presser may act on it."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        action, number = parts[1], int(parts[2])
    except (IndexError, ValueError):
        action, number = "", 0
    if action == "o":
        outcome = await once(update, context, open_card, rt.settings, user.id, number, rt.now())
        await query.answer(render("ledger/card_outcome", locale, outcome=outcome), show_alert=outcome != "sent")
        return
    tasks = await rt.db.read(area_tasks, rt.settings, user.id, number, rt.now()) if action == "p" else None
    if tasks is None:
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_text(render("ledger/tasks", locale, tasks=tasks), parse_mode=ParseMode.HTML,
                                      reply_markup=markup(tasks, locale))
    except BadRequest:
        pass                                        # "message is not modified"


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CallbackQueryHandler(tasks_press, pattern=r"^tk\|")]
