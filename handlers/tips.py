"""Tips at work: a tip card's own buttons (`t|`), questions relayed to and from a reporter (`q|`), reward
decisions and payments (`rw|`), and /rewards."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import relay, rewards, tips
from bot.services.views import STALE
from handlers.common import Context, answer, once, reader_locale, runtime, send
from handlers.conversation import shown
from handlers.presses import answer_press, parse_press
from messages import render

LISTED = 20


async def tip_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    pressed = parse_press(query.data if query else None)
    if user is None or pressed is None:
        await answer_press(update, context, STALE)
        return
    screen = await once(update, context, tips.pressed, rt.settings, user.id, *pressed, rt.now(),
                        replies=shown(update, context, press=True))
    await answer_press(update, context, screen, queued=True)


async def relay_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    pressed = parse_press(query.data if query else None)
    if user is None or pressed is None:
        await answer_press(update, context, STALE)
        return
    screen = await once(update, context, relay.pressed, rt.settings, user.id, *pressed, rt.now(),
                        replies=shown(update, context, press=True))
    await answer_press(update, context, screen, queued=True)


async def reward_button(update: Update, context: Context) -> None:
    """`rw|<id>|ok`, `no` (a proposal) or `paid` (the ledger): the toast says what happened."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    pressed = parse_press(query.data if query else None)
    if query is None or user is None or pressed is None or pressed[1] not in ("ok", "no", "paid"):
        await answer_press(update, context, STALE)
        return
    reward_id, action = pressed
    if action == "paid":
        outcome = await once(update, context, rewards.pay_by_id, rt.settings, reward_id, user.id, rt.now())
    else:
        outcome = await once(update, context, rewards.decide, rt.settings, reward_id, user.id, action, rt.now())
    locale = reader_locale(update, context)
    text = render(f"rewards/outcome/{outcome.key}", locale, reward=outcome.reward)
    await query.answer(text[:200], show_alert=outcome.key in ("forbidden", "not_found"))
    if outcome.key in ("approved", "refused", "paid") and query.message is not None and action != "paid":
        await query.edit_message_reply_markup(None)


async def rewards_command(update: Update, context: Context) -> None:
    """/rewards: the reward ledger of the leader's or admin's area, with buttons for what is theirs to do."""
    rt, user = runtime(context), update.effective_user
    if user is None or update.effective_chat is None:
        return
    found = await rt.db.read(rewards.ledger_of, user.id)
    if found is None:
        await answer(update, context, "rewards/not_allowed")
        return
    locale = reader_locale(update, context)
    shown = found[:LISTED]
    text = render("rewards/ledger", locale, rewards=shown, more=len(found) - len(shown))
    await send(context, update.effective_chat.id, text, _ledger_buttons(shown, locale))


def _ledger_buttons(listed: list[Any], locale: str) -> InlineKeyboardMarkup | None:
    rows = []
    for reward in listed:
        actions = ("ok", "no") if reward.status == "proposed" else ("paid",) if reward.status == "approved" else ()
        rows += [[InlineKeyboardButton(render(f"buttons/reward_{a}_of", locale, number=reward.number, claim_code=reward.claim_code),
                                       callback_data=f"rw|{reward.id}|{a}") for a in actions]] if actions else []
    return InlineKeyboardMarkup(rows) if rows else None


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(tip_button, pattern=r"^t\|"),
        CallbackQueryHandler(relay_button, pattern=r"^q\|"),
        CallbackQueryHandler(reward_button, pattern=r"^rw\|"),
        CommandHandler("rewards", rewards_command, filters=filters.ChatType.PRIVATE),
    ]
