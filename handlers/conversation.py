"""The one renderer of conversation screens, and the input every declared flow shares: text typed in private and
the flows' buttons."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove, Update)
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.core.telegram_html import split_html
from bot.services import intake
from bot.services.flows import registry
from bot.services.views import Button, Message, Screen
from handlers.common import Context, once, reader_locale, runtime, send
from messages import label, render


def render_message(message: Message, locale: str) -> str:
    """A Message in `locale`; values that are Messages (or tuples of them: the choices named) are rendered first."""
    context = {k: _rendered(v, locale) for k, v in message.context.items()}
    return render(message.template, locale, **context)


def _rendered(value: Any, locale: str) -> Any:
    if isinstance(value, Message):
        return render_message(value, locale)
    if isinstance(value, tuple):
        return tuple(_rendered(v, locale) for v in value)
    return value


def render_screen(screen: Screen, locale: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text (the reason a step is asked again first) and the buttons of a screen."""
    text = render_message(screen.message, locale)
    if screen.error is not None:
        text = f"{render_message(screen.error, locale)}\n\n{text}"
    rows = [[_button(b, locale) for b in row] for row in screen.buttons]
    return text, InlineKeyboardMarkup(rows) if rows else None


def _button(button: Button, locale: str) -> InlineKeyboardButton:
    text = label(button.label.template, locale, **button.label.context) if button.label else button.text
    return InlineKeyboardButton(text, callback_data=button.data)


async def show(update: Update, context: Context, screen: Screen) -> None:
    """Send a screen to the private chat the update came from (a preview first, split as Telegram needs)."""
    if update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    for html in screen.preamble:
        for part in split_html(html):
            await send(context, chat_id, part)
    locale = reader_locale(update, context)
    if screen.keyboard == "remove":                # the share-contact button of the step just left
        await send(context, chat_id, render("report/contact_done", locale), ReplyKeyboardRemove())
    text, markup = render_screen(screen, locale)
    await send(context, chat_id, text, markup)
    if screen.keyboard == "contact":               # a message has one keyboard: the inline one is the question's
        button = KeyboardButton(label("buttons/share_contact", locale), request_contact=True)
        await send(context, chat_id, render("report/contact_offer", locale),
                   ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True))


async def typed(update: Update, context: Context) -> None:
    rt, user, message = runtime(context), update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    screen = await once(update, context, intake.typed, rt.settings, user.id, message.text, rt.now())
    await show(update, context, screen)


async def contact(update: Update, context: Context) -> None:
    """A contact in private that no binding waited for: the answer to a step that offers the share-contact
    button, else what the fallback says of anything but text."""
    rt, user, message = runtime(context), update.effective_user, update.effective_message
    if user is None or message is None or message.contact is None:
        return
    shared = message.contact
    screen = await once(update, context, intake.contact_shared, rt.settings, user.id, shared.user_id,
                        shared.phone_number, rt.now())
    if screen is None:
        from handlers import fallback        # imported here: fallback renders screens with this module

        await fallback.unsupported(update, context)
        return
    await show(update, context, screen)


async def pressed(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    screen = await once(update, context, intake.pressed, rt.settings, user.id, query.data or "", rt.now())
    if screen.toast:
        await query.answer(render_message(screen.message, reader_locale(update, context))[:200])
        return
    await asyncio.gather(query.answer(), show(update, context, screen))
    if screen.tick:
        await rt.tick()


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """Typed text in private (not commands), and the buttons of every registered flow."""
    pattern = "^(" + "|".join(re.escape(p) for p in registry.prefixes()) + r")\|"
    return [
        CallbackQueryHandler(pressed, pattern=pattern),
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, typed),
        MessageHandler(filters.ChatType.PRIVATE & filters.CONTACT, contact),
    ]
