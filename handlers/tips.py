"""Tips at work: a tip card's own buttons (`t|`), questions relayed to and from a reporter (`q|`), reward
decisions and payments (`rw|`), and /rewards."""

from __future__ import annotations

from typing import Any, Sequence

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import relay, rewards, tips
from bot.services.paging import page_of
from bot.services.views import STALE
from handlers import pages
from handlers.common import Context, once, reader_locale, runtime
from handlers.presses import answer_press, parse_press, screen_press
from messages import render

tip_button = screen_press(tips.pressed)
relay_button = screen_press(relay.pressed)


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
    """/rewards: the reward ledger of the leader's or admin's area, ten at a time, with buttons for what is theirs
    to do on the page shown."""
    await _rewards_page(update, context, 1)


async def _rewards_page(update: Update, context: Context, number: int) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None or update.effective_chat is None:
        return
    found = await rt.db.read(rewards.ledger_of, user.id)
    if found is None:
        await pages.refuse_or_answer(update, context, "rewards/not_allowed")
        return
    locale = reader_locale(update, context)
    page = page_of(found, number)
    text = render("rewards/ledger", locale, rewards=page.items, page=page)
    await pages.show(update, context, text, _ledger_buttons(page.items, locale) + pages.nav_rows("rw", page, locale))


def _ledger_buttons(listed: Sequence[Any], locale: str) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    for reward in listed:
        actions = ("ok", "no") if reward.status == "proposed" else ("paid",) if reward.status == "approved" else ()
        rows += [[InlineKeyboardButton(render(f"buttons/reward_{a}_of", locale, number=reward.number, claim_code=reward.claim_code),
                                       callback_data=f"rw|{reward.id}|{a}") for a in actions]] if actions else []
    return rows


rewards_page = pages.button("rw", _rewards_page)          # `pg|rw|<n>`: page n of the presser's own ledger


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        CallbackQueryHandler(tip_button, pattern=r"^t\|"),
        CallbackQueryHandler(relay_button, pattern=r"^q\|"),
        CallbackQueryHandler(reward_button, pattern=r"^rw\|"),
        CommandHandler("rewards", rewards_command, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(rewards_page, pattern=r"^pg\|rw\|"),
    ]
