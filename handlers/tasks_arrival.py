"""The service tasks an arrival card leads to: 🏠 a household from its address (`ha|<report>`), and 🩺 home health
monitoring (`mo|<report>|panel|start|ext|end[|days]`); every press checked against the database."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services import casework
from bot.services.flows import household
from handlers.common import Context, once, reader_locale, runtime
from handlers.conversation import show
from messages import render

REFUSALS = ("forbidden", "not_found", "stale", "bad_target")


def parse(data: str | None, size: int) -> list[str] | None:
    """The parts of `<prefix>|<id>|…` with a numeric id, `size` of them at most; None when forged."""
    parts = (data or "").split("|")
    if not 2 <= len(parts) <= size or not parts[1].isdigit():
        return None
    return parts


async def refuse(update: Update, context: Context, key: str, **values: Any) -> None:
    """A press that does nothing: an alert with the reason."""
    query = update.callback_query
    if query is not None:
        await query.answer(render(f"casework/outcome/{key}", reader_locale(update, context), **values)[:200],
                           show_alert=True)


async def household_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = parse(query.data, 2)
    if parts is None:
        await refuse(update, context, "stale")
        return
    found = await once(update, context, household.begin, rt.settings, user.id, int(parts[1]), rt.now())
    if isinstance(found, casework.Outcome):
        await refuse(update, context, found.key if found.key in REFUSALS else "stale", report=found.report)
        return
    await query.answer()
    await show(update, context, found)


def markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    """Inline buttons from (label, callback data) rows."""
    built = [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows if row]
    return InlineKeyboardMarkup(built) if built else None


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(household_button, pattern=r"^ha\|")]
