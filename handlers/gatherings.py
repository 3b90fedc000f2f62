"""Gatherings: an application's card buttons and the check on site (`g|`), /apply in private, and /gatherings —
upcoming approved gatherings for staff in private, or for the grid in its group (never a phone number there)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import gatherings
from bot.services.accounts import remembering
from bot.services.groups import grid_of_chat
from bot.services.paging import page_of
from handlers import pages
from handlers.common import Context, is_private, once, reader_locale, runtime
from handlers.conversation import shown
from handlers.presses import screen_press
from messages import render


gathering_button = screen_press(gatherings.pressed)


async def apply_command(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), False)
    await once(update, context, remembering, seen, gatherings.begin_application, rt.settings, user.id, rt.now(),
               replies=shown(update, context))


async def gatherings_command(update: Update, context: Context) -> None:
    await _gatherings_page(update, context, 1)


async def _gatherings_page(update: Update, context: Context, number: int) -> None:
    rt, user, chat = runtime(context), update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    private = is_private(update)
    if private:
        listed = await rt.db.read(gatherings.for_staff, rt.settings, user.id, rt.now())
        if listed is None:
            await pages.refuse_or_answer(update, context, "gatherings/not_staff")
            return
    else:
        grid = await rt.db.read(grid_of_chat, chat.id)
        if grid is None:
            await pages.refuse_or_answer(update, context, "report/group_not_bound")
            return
        listed = await rt.db.read(gatherings.for_group, rt.settings, grid.id, rt.now())
    locale = reader_locale(update, context)
    page = page_of(listed.gatherings, number)
    text = render("gatherings/list", locale, listed=replace(listed, gatherings=list(page.items)), page=page,
                  private=private)
    await pages.show(update, context, text, pages.nav_rows("ga", page, locale))


# `pg|ga|<n>`: page n of the list of the chat it was pressed in (the presser's own in private, the grid's in its group).
gatherings_page = pages.button("ga", _gatherings_page, own_chat=False)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(gathering_button, pattern=r"^g\|"),
        CommandHandler("apply", apply_command, filters=filters.ChatType.PRIVATE),
        CommandHandler("gatherings", gatherings_command),
        CallbackQueryHandler(gatherings_page, pattern=r"^pg\|ga\|"),
    ]
