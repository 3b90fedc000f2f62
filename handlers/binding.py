"""Proving who opened an invite link: their shared contact, the admins' approve/refuse card; /unlink."""

from __future__ import annotations

import logging
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.services import binding
from bot.services.invite_links import invite_link
from handlers.help import refresh_menu
from handlers.common import Context, answer, once, reader_locale, replying, runtime
from messages import label, render

log = logging.getLogger(__name__)
# Contacts are looked at before the default group: the conversation engine may want them for its forms, and
# gets every contact that no binding is waiting for.
CONTACT_GROUP = -1
CONTACT_ANSWERS = {"linked": "start/invite_linked", "awaiting_approval": "binding/pending",
                   "no_claim": "binding/no_claim"}


def contact_keyboard(locale: str) -> ReplyKeyboardMarkup:
    """Telegram's request-contact button: the contact it sends is the user's own, with their user id."""
    button = KeyboardButton(label("buttons/share_contact", locale), request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


async def contact(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.contact is None:
        return
    rt = runtime(context)
    if not await rt.db.read(binding.awaiting_contact, user.id):
        return
    shared = message.contact
    outcome = await once(update, context, binding.contact_shared, rt.settings, user.id, shared.user_id,
                         shared.phone_number, rt.now(),
                         replies=replying(update, context, _contact_answer, _contact_values,
                                          lambda _: ReplyKeyboardRemove()))
    if outcome.status == "linked":
        await refresh_menu(context, user.id)           # their roles' commands, in their own chat (issue 9.13)
    raise ApplicationHandlerStop


def _contact_answer(outcome: binding.Binding) -> str:
    return CONTACT_ANSWERS.get(outcome.status, f"start/invite_{outcome.status}")


def _contact_values(outcome: binding.Binding) -> dict[str, Any]:
    return {"person": outcome.person, "roles": outcome.roles, "count": outcome.count}


async def decision(update: Update, context: Context) -> None:
    """`bind|<claim id>|ok|no`: an admin approves or refuses a binding; checked against the database."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    rt, locale = runtime(context), reader_locale(update, context)
    parts = (query.data or "").split("|")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in ("ok", "no"):
        await query.answer(render("binding/decision/not_found", locale), show_alert=True)
        return
    outcome = await once(update, context, binding.decide, rt.settings, int(parts[1]), user.id, parts[2] == "ok",
                         rt.now())
    refused = outcome.status in ("forbidden", "not_found")
    await query.answer(render(f"binding/decision/{outcome.status}", locale, person=outcome.person)[:200],
                       show_alert=refused)
    if not refused and query.message is not None:
        try:
            await query.edit_message_reply_markup(None)
        except TelegramError as exc:
            log.info("approval card not edited: %s", exc)


async def unlink_command(update: Update, context: Context) -> None:
    user = update.effective_user
    who = " ".join(context.args or []).strip()
    if user is None or not who:
        await answer(update, context, "binding/unlink/usage")
        return
    rt = runtime(context)
    await once(update, context, binding.unlink, rt.settings, user.id, who, rt.now(),
               replies=replying(update, context, lambda done: f"binding/unlink/{done.status}",
                                lambda done: {"person": done.person, "count": done.count, "text": who,
                                              "link": invite_link(rt.bot_username, done.code) if done.code else ""}))


def handlers() -> dict[int, list[BaseHandler[Update, Context, None]]]:
    private = filters.ChatType.PRIVATE
    return {
        CONTACT_GROUP: [MessageHandler(private & filters.CONTACT, contact)],
        0: [CallbackQueryHandler(decision, pattern=r"^bind\|"),
            CommandHandler("unlink", unlink_command, filters=private)],
    }
