"""Answering a button press with a screen: a toast (an alert when refused), or the screen queued with the change."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.services.views import STALE, Screen
from handlers.common import Context, once, reader_locale, runtime
from handlers.conversation import render_message, shown


async def answer_press(update: Update, context: Context, screen: Screen) -> None:
    """The toast (sent directly: a toast is no message); any other screen was written with the change already
    (`once(..., replies=shown(update, context, press=True))`), so the press is only answered."""
    query = update.callback_query
    if query is None:
        return
    if screen.toast:
        text = render_message(screen.message, reader_locale(update, context))
        await query.answer(text[:200], show_alert=screen.kind == "stale")
        return
    await query.answer()


def parse_press(data: str | None) -> tuple[int, str] | None:
    """`<prefix>|<id>|<action>` → (id, action); None when it is not that shape."""
    parts = (data or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2]


def screen_press(service: Callable[..., Screen]) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    """The handler of `<prefix>|<id>|<action>` presses that `service(conn, settings, user_id, id, action, now)`
    answers with a screen, written as replies in the press's own transaction."""
    async def handle(update: Update, context: Context) -> None:
        rt, query, user = runtime(context), update.callback_query, update.effective_user
        pressed = parse_press(query.data if query else None)
        if user is None or pressed is None:
            await answer_press(update, context, STALE)
            return
        screen = await once(update, context, service, rt.settings, user.id, *pressed, rt.now(),
                            replies=shown(update, context, press=True), small=True)
        await answer_press(update, context, screen)

    return handle
