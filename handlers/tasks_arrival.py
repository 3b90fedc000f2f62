"""The service tasks an arrival card leads to: 🏠 a household from its address (`ha|<report>`), 🩺 home health
monitoring (`mo|<report>|panel|start|ext|end[|days]`), the resident's check-in answers (`ck|<check-in>|<answer>`,
then the temperature flow `tp|…`) and the worker's check of a missed one (`mx|<check-in>`, then `mk|…`). Every
press is checked against the database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.services import casework, monitoring
from bot.services.flows import checkin, household
from bot.services.replies import Reply
from bot.services.tasks_common import Done, Keyboard
from handlers.common import Context, once, reader_locale, runtime
from handlers import conversation
from handlers.conversation import shown
from handlers.presses import parse_press
from messages import render

log = logging.getLogger(__name__)
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
    form = shown(update, context)
    found = await once(update, context, household.begin, rt.settings, user.id, int(parts[1]), rt.now(),
                       replies=lambda begun: [] if isinstance(begun, casework.Outcome) else form(begun))
    if isinstance(found, casework.Outcome):
        await refuse(update, context, found.key if found.key in REFUSALS else "stale", report=found.report)
        return
    await query.answer()


def markup(buttons: Keyboard | None, context: Context) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(buttons, context.bot) if buttons else None


async def monitoring_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = parse(query.data, 4)
    if parts is None or len(parts) < 3 or (len(parts) == 4 and not parts[3].isdigit()):
        await refuse(update, context, "stale")
        return
    locale = reader_locale(update, context)
    # The panel is a new message, queued with the press; any other press rewrites the panel pressed (an edit).
    new_panel = parts[2] == "panel" or query.message is None
    chat_id = query.message.chat.id if query.message is not None else user.id

    def panel(done: Done) -> list[Reply]:
        if done.key in REFUSALS or not new_panel:
            return []
        return [Reply(chat_id, str(done.context["text"]), done.context["buttons"] or None)]
    done = await once(update, context, monitoring.press, rt.settings, parts[2], int(parts[1]), user.id,
                      int(parts[3]) if len(parts) == 4 else 0, rt.now(), locale, replies=panel)
    if done.key in REFUSALS:
        await refuse(update, context, done.key, report=None)
        return
    await query.answer(render(f"tasks/monitoring/outcome/{done.key}", locale)[:200])
    if not new_panel:
        await quietly(query.edit_message_text(str(done.context["text"]), parse_mode=ParseMode.HTML,
                                              reply_markup=markup(done.context["buttons"], context)))


async def checkin_button(update: Update, context: Context) -> None:
    """The resident's answer: recorded once (the buttons then go), and the temperature asked."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = parse_press(query.data)
    if pressed is None:
        await refuse(update, context, "stale")
        return
    temperature = shown(update, context)
    done, screen = await once(update, context, checkin.after_answer, rt.settings, user.id, pressed[0], pressed[1],
                              rt.now(), replies=lambda found: temperature(found[1]))
    locale = reader_locale(update, context)
    await query.answer(render(f"tasks/checkin/outcome/{done.key}", locale, **done.context)[:200],
                       show_alert=screen is None)
    if screen is not None:
        await quietly(query.edit_message_reply_markup(None))


async def check_button(update: Update, context: Context) -> None:
    """A missed check-in's button: the worker records the phone or doorstep check."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = parse(query.data, 2)
    if parts is None:
        await refuse(update, context, "stale")
        return
    check = shown(update, context)
    done, screen = await once(update, context, checkin.begin_check, rt.settings, user.id, int(parts[1]), rt.now(),
                              replies=lambda found: check(found[1]))
    if screen is None:
        if done.key in REFUSALS:
            await refuse(update, context, done.key, report=None)
        else:
            await query.answer(render("tasks/checkin/outcome/already", reader_locale(update, context))[:200],
                               show_alert=True)
        return
    await query.answer()


async def quietly(edit: Awaitable[object]) -> None:
    """An edit of the pressed message; one that cannot be made (already so, deleted) leaves it as it is."""
    try:
        await edit
    except TelegramError as exc:
        log.info("message not edited: %s", exc)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CallbackQueryHandler(household_button, pattern=r"^ha\|"),
            CallbackQueryHandler(monitoring_button, pattern=r"^mo\|"),
            CallbackQueryHandler(checkin_button, pattern=r"^ck\|"),
            CallbackQueryHandler(check_button, pattern=r"^mx\|"),
            # The temperature's skip button: a flow without back and cancel, so not among the usual prefixes.
            CallbackQueryHandler(conversation.pressed, pattern=r"^tp\|")]
