"""/broadcast (compose a notice for your area's group chats) and /broadcasts (paged; pause, resume, cancel)."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services import broadcasting, compose, listing
from bot.core.clock import stamp
from bot.services.notify import local_time
from bot.core.telegram_html import split_html
from bot.services.views import View
from handlers import pages
from handlers.common import Context, once, reader_locale, runtime, send
from messages import render


async def broadcast_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    view = await once(update, context, compose.begin, rt.settings, update.effective_user.id, rt.now())
    await show(update, context, view)


async def compose_button(update: Update, context: Context) -> None:
    rt, query = runtime(context), update.callback_query
    data = (query.data or "").split("|")[1:]
    view = await once(update, context, compose.pressed, rt.settings, update.effective_user.id, data, rt.now())
    if view.kind == "stale":
        await query.answer(render("report/toast_stale", reader_locale(update, context)))
        return
    await asyncio.gather(query.answer(), show(update, context, view))
    if view.kind == "bc_created":
        await rt.tick()


async def show(update: Update, context: Context, view: View) -> None:
    locale = reader_locale(update, context)
    chat_id = update.effective_chat.id
    if view.kind == "bc_preview":
        for part in split_html(view.data["body"]):
            await send(context, chat_id, part)
    text, markup = render_view(view, locale, runtime(context).settings)
    await send(context, chat_id, text, markup)


def render_view(view: View, locale: str, settings) -> tuple[str, InlineKeyboardMarkup | None]:
    cancel = [InlineKeyboardButton(render("buttons/cancel", locale), callback_data="b|cancel")]
    kind, data = view.kind, view.data
    if kind == "bc_invalid":
        text, markup = render_view(data["then"], locale, settings)
        error = render(f"broadcast/error/{data['key']}", locale, **data["context"])
        return f"{error}\n\n{text}", markup
    if kind == "bc_ask_template":
        rows = [[InlineKeyboardButton(render("broadcast/notice_name", locale, notice=n), callback_data=f"b|tpl|{n}")]
                for n in (*data["templates"], "free")]
        return render("broadcast/ask_template", locale), InlineKeyboardMarkup(rows + [cancel])
    if kind == "bc_ask_audience":
        rows = [[InlineKeyboardButton(a.name, callback_data=f"b|aud|{a.code}")] for a in data["areas"]]
        return render("broadcast/ask_audience", locale), InlineKeyboardMarkup(rows + [cancel])
    if kind == "bc_ask_when":
        rows = [[InlineKeyboardButton(render("broadcast/when_name", locale, schedule=k), callback_data=f"b|when|{k}")]
                for k in data["kinds"]]
        return render("broadcast/ask_when", locale), InlineKeyboardMarkup(rows + [cancel])
    if kind == "bc_ask_pin":
        rows = [[InlineKeyboardButton(render("broadcast/pin_yes", locale), callback_data="b|pin|1"),
                 InlineKeyboardButton(render("broadcast/pin_no", locale), callback_data="b|pin|0")]]
        return render("broadcast/ask_pin", locale), InlineKeyboardMarkup(rows + [cancel])
    if kind == "bc_preview":
        rows = [[InlineKeyboardButton(render("buttons/submit", locale), callback_data="b|ok")], cancel]
        return render("broadcast/preview", locale, **data), InlineKeyboardMarkup(rows)
    if kind == "bc_ask_when_value":
        return render("broadcast/ask_when_value", locale, schedule=data["kind"]), InlineKeyboardMarkup([cancel])
    if kind in ("bc_ask_field", "bc_ask_text"):
        return render(f"broadcast/{kind[3:]}", locale, **data), InlineKeyboardMarkup([cancel])
    if kind == "bc_created":
        first = local_time(stamp(data["first"]), settings)
        return render("broadcast/created", locale, **{**data, "first": first}), None
    if kind == "bc_refused":
        return render("broadcast/refused", locale,
                      reason=render(f"broadcast/error/{data['key']}", locale, **data["context"])), None
    return render(f"broadcast/{kind[3:]}", locale), None


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


async def page_button(update: Update, context: Context) -> None:
    """`pg|bc|<n>`: page n of the broadcasts the presser may manage, recomputed from the database."""
    wanted = pages.pressed(update)
    if wanted is None or wanted[0] != "bc":
        await pages.refuse(update, context)
        return
    await _list_page(update, context, wanted[1])


async def list_button(update: Update, context: Context) -> None:
    rt, query = runtime(context), update.callback_query
    try:
        _, broadcast_id, action = (query.data or "").split("|")
        broadcast_id = int(broadcast_id)
    except ValueError:
        await query.answer(render("report/toast_stale", reader_locale(update, context)), show_alert=True)
        return
    outcome = await once(update, context, broadcasting.change_status, rt.settings, update.effective_user.id,
                         broadcast_id, action, rt.now())
    await query.answer(render(f"broadcast/status/{outcome}", reader_locale(update, context), id=broadcast_id),
                       show_alert=outcome in ("forbidden", "not_found"))


def handlers() -> list:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("broadcast", broadcast_command, filters=private),
        CommandHandler("broadcasts", list_command, filters=private),
        CallbackQueryHandler(compose_button, pattern=r"^b\|"),
        CallbackQueryHandler(list_button, pattern=r"^bl\|"),
        CallbackQueryHandler(page_button, pattern=r"^pg\|bc\|"),
    ]
