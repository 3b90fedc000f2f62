"""/broadcast (compose a notice for your area's group chats) and /broadcasts (paged; pause, resume, cancel)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import broadcasting, compose, listing
from bot.services.notify import local_time
from handlers import pages
from handlers.common import Context, once, reader_locale, runtime
from handlers.conversation import shown
from messages import render


async def broadcast_command(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    await once(update, context, compose.begin, rt.settings, user.id, rt.now(), replies=shown(update, context))


async def list_command(update: Update, context: Context) -> None:
    await _list_page(update, context, 1)


async def _list_page(update: Update, context: Context, number: int) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    page = await rt.db.read(listing.broadcasts, user.id, number)
    locale = reader_locale(update, context)
    rows = []
    for b in page.items:
        if b.status == "active":
            rows.append([InlineKeyboardButton(f"⏸ #{b.id}", callback_data=f"bl|{b.id}|pause"),
                         InlineKeyboardButton(f"✖ #{b.id}", callback_data=f"bl|{b.id}|cancel")])
        else:
            rows.append([InlineKeyboardButton(f"▶ #{b.id}", callback_data=f"bl|{b.id}|resume"),
                         InlineKeyboardButton(f"✖ #{b.id}", callback_data=f"bl|{b.id}|cancel")])
    text = render("broadcast/list", locale, page=page, items=page.items,
                  next={b.id: local_time(b.next_run_at, rt.settings) for b in page.items})
    await pages.show(update, context, text, rows + pages.nav_rows("bc", page, locale))


page_button = pages.button("bc", _list_page)            # `pg|bc|<n>`: page n of the broadcasts the presser may manage


async def list_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    try:
        _, number, action = (query.data or "").split("|")
        broadcast_id = int(number)
    except ValueError:
        await query.answer(render("report/toast_stale", reader_locale(update, context)), show_alert=True)
        return
    outcome = await once(update, context, broadcasting.change_status, rt.settings, user.id, broadcast_id, action,
                         rt.now())
    await query.answer(render(f"broadcast/status/{outcome}", reader_locale(update, context), id=broadcast_id),
                       show_alert=outcome in ("forbidden", "not_found"))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("broadcast", broadcast_command, filters=private),
        CommandHandler("broadcasts", list_command, filters=private),
        CallbackQueryHandler(list_button, pattern=r"^bl\|"),
        CallbackQueryHandler(page_button, pattern=r"^pg\|bc\|"),
    ]
