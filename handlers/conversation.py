"""The one renderer of conversation screens, and the input every declared flow shares: text typed in private and
the flows' buttons."""

from __future__ import annotations

import re
from typing import Any, Callable

from telegram import (InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup,
                      ReplyKeyboardRemove, Update)
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.services import intake
from bot.services.flows import registry
from bot.services.replies import Reply
from bot.services.views import Button, Message, Screen
from handlers.common import Context, once, reader_locale, reply, runtime
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
    """The text and the buttons of a screen."""
    text = _screen_text(screen, locale)
    rows = [[_button(b, locale) for b in row] for row in screen.buttons]
    return text, InlineKeyboardMarkup(rows) if rows else None


def _screen_text(screen: Screen, locale: str) -> str:
    """A screen's message, the reason a step is asked again first."""
    text = render_message(screen.message, locale)
    if screen.error is not None:
        text = f"{render_message(screen.error, locale)}\n\n{text}"
    return text


def _button(button: Button, locale: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(_label(button, locale), callback_data=button.data)


def _label(button: Button, locale: str) -> str:
    return label(button.label.template, locale, **button.label.context) if button.label else button.text


def screen_replies(chat_id: int, locale: str, screen: Screen) -> list[Reply]:
    """A screen as the messages that show it in a private chat (a preview first; the sender splits long ones)."""
    out = [Reply(chat_id, html) for html in screen.preamble]
    if screen.keyboard == "remove":                # the share-contact button of the step just left
        out.append(reply(chat_id, render("report/contact_done", locale), ReplyKeyboardRemove()))
    text = _screen_text(screen, locale)
    # The keyboard straight as Bot API JSON, as the outbox row keeps it (no ptb objects to build and take apart).
    rows = [[{"text": _label(b, locale), "callback_data": b.data} for b in row] for row in screen.buttons]
    out.append(Reply(chat_id, text, {"inline_keyboard": rows} if rows else None))
    if screen.keyboard == "contact":               # a message has one keyboard: the inline one is the question's
        button = KeyboardButton(label("buttons/share_contact", locale), request_contact=True)
        out.append(reply(chat_id, render("report/contact_offer", locale),
                         ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)))
    return out


def shown(update: Update, context: Context, *, press: bool = False) -> Callable[[Screen | None], list[Reply]]:
    """For `once(..., replies=...)`: the screen the change returns, queued in the change's own transaction, so
    that a committed step always has its next question. A press's toast is no message (answered directly)."""
    chat, locale = update.effective_chat, reader_locale(update, context)

    def replies(screen: Screen | None) -> list[Reply]:
        if chat is None or screen is None or (press and screen.toast):
            return []
        return screen_replies(chat.id, locale, screen)
    return replies


async def typed(update: Update, context: Context) -> None:
    rt, user, message = runtime(context), update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return
    await once(update, context, intake.typed, rt.settings, user.id, message.text, rt.now(),
               replies=shown(update, context), small=True)


async def contact(update: Update, context: Context) -> None:
    """A contact in private that no binding waited for: the answer to a step that offers the share-contact
    button, else what the fallback says of anything but text."""
    rt, user, message = runtime(context), update.effective_user, update.effective_message
    if user is None or message is None or message.contact is None:
        return
    shared = message.contact
    screen = await once(update, context, intake.contact_shared, rt.settings, user.id, shared.user_id,
                        shared.phone_number, rt.now(), replies=shown(update, context), small=True)
    if screen is None:
        from handlers import fallback        # imported here: fallback renders screens with this module

        await fallback.unsupported(update, context)


async def pressed(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    screen = await once(update, context, intake.pressed, rt.settings, user.id, query.data or "", rt.now(),
                        replies=shown(update, context, press=True), small=True)
    # A toast is no message (it answers the press and vanishes): sent directly, never queued.
    if screen.toast:
        await query.answer(render_message(screen.message, reader_locale(update, context))[:200])
        return
    await query.answer()
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
