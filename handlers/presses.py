"""Answering a button press with a screen: a toast (an alert when refused), or the screen sent to the chat."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.services.views import Screen
from handlers.common import Context, reader_locale
from handlers.conversation import render_message, show


async def answer_press(update: Update, context: Context, screen: Screen, *, queued: bool = False) -> None:
    """The toast (sent directly: a toast is no message), or the screen; `queued`: the screen was written with
    the change already (`once(..., replies=shown(update, context, press=True))`)."""
    query = update.callback_query
    if query is None:
        return
    if screen.toast:
        text = render_message(screen.message, reader_locale(update, context))
        await query.answer(text[:200], show_alert=screen.kind == "stale")
        return
    if queued:
        await query.answer()
        return
    await asyncio.gather(query.answer(), show(update, context, screen))


def parse_press(data: str | None) -> tuple[int, str] | None:
    """`<prefix>|<id>|<action>` → (id, action); None when it is not that shape."""
    parts = (data or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]
