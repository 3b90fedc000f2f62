"""One page of a long list on screen: sent for a command, edited in place when a ◀️ ▶️ button is pressed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services.paging import ListName, Page, page_data, parse_page_data
from handlers.common import Context, answer, reader_locale, send
from messages import label, render


def nav_rows(name: ListName, page: Page[Any], locale: str) -> list[list[InlineKeyboardButton]]:
    """The ◀️ ▶️ row of a page (no row when the list fits on one page)."""
    row = []
    if page.previous is not None:
        row.append(InlineKeyboardButton(label("buttons/prev", locale), callback_data=page_data(name, page.previous)))
    if page.next is not None:
        row.append(InlineKeyboardButton(label("buttons/next", locale), callback_data=page_data(name, page.next)))
    return [row] if row else []


def pressed(update: Update) -> tuple[ListName, int] | None:
    """The list and page a press asks for: only a page button, pressed in the presser's own private chat
    (the list shown is always the presser's own, so a forged number reveals nothing)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or query.message is None or query.message.chat.id != user.id:
        return None
    return parse_page_data(query.data)


async def refuse(update: Update, context: Context) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(render("report/toast_stale", reader_locale(update, context)),
                                           show_alert=True)


async def refuse_or_answer(update: Update, context: Context, name: str) -> None:
    """A list the reader may not see: a page button pressed is refused, a command answered with template `name`."""
    if update.callback_query is not None:
        await refuse(update, context)
    else:
        await answer(update, context, name)


def button(name: ListName, show_page: Callable[[Update, Context, int], Awaitable[None]], *,
           own_chat: bool = True) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """The handler of `pg|<name>|<n>`: `show_page` shows page n, recomputed from the database. `own_chat`: only
    in the presser's own private chat (see `pressed`); otherwise in any chat, for a list of the chat pressed in."""
    async def handle(update: Update, context: Context) -> None:
        query = update.callback_query
        wanted = pressed(update) if own_chat else parse_page_data(query.data if query else None)
        if wanted is None or wanted[0] != name:
            await refuse(update, context)
            return
        await show_page(update, context, wanted[1])

    return handle


async def show(update: Update, context: Context, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    """A new message for a command; the pressed message rewritten for a page button."""
    markup = InlineKeyboardMarkup(rows) if rows else None
    query = update.callback_query
    if query is None:
        if update.effective_chat is not None:
            await send(context, update.effective_chat.id, text, markup)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                      disable_web_page_preview=True)
    except BadRequest:
        pass                  # "message is not modified": the page pressed is the one shown


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """Registered after every list's own: a page button of no list we know (forged, or from an older version)."""
    return [CallbackQueryHandler(refuse, pattern=r"^pg\|")]
