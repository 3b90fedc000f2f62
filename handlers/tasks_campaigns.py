"""Door-knocking campaigns in private: /campaign (progress, and a launch button `cl|new`), and the households'
buttons on a worker's list (`kh|<door>|v|n|i|s`), the list's buttons edited in place after each press."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import campaigns
from bot.services.flows import campaign as campaign_flows
from handlers.common import Context, answer, once, reader_locale, runtime, send
from handlers.conversation import shown
from handlers.presses import parse_press
from handlers.tasks_arrival import markup, quietly, refuse
from messages import label, render


async def campaign_command(update: Update, context: Context) -> None:
    rt, user, chat = runtime(context), update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    found = await rt.db.read(campaigns.overview, rt.settings, user.id)
    if found is None:
        await answer(update, context, "casework/not_staff")
        return
    locale = reader_locale(update, context)
    button = InlineKeyboardMarkup([[InlineKeyboardButton(label("tasks/campaign/new", locale), callback_data="cl|new")]])
    await send(context, chat.id, render("tasks/campaign/overview", locale, **found),
               button if found["may_launch"] else None)


async def launch_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    await once(update, context, campaign_flows.begin_launch, rt.settings, user.id, rt.now(),
               replies=shown(update, context))
    await query.answer()


def _shown(update: Update) -> tuple[int, ...]:
    """The doors a pressed list shows, from its buttons (to edit them all in one go)."""
    message = update.callback_query.message if update.callback_query else None
    rows = message.reply_markup.inline_keyboard if isinstance(message, Message) and message.reply_markup else ()
    ids = [str(b.callback_data).split("|")[1] for row in rows for b in row if str(b.callback_data).startswith("kh|")]
    return tuple(dict.fromkeys(int(i) for i in ids if i.isdigit()))


async def door_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = parse_press(query.data)
    if pressed is None:
        await refuse(update, context, "stale")
        return
    locale = reader_locale(update, context)
    if pressed[1] == "i":
        issue = shown(update, context)
        done, screen = await once(update, context, campaign_flows.begin_issue, rt.settings, user.id, pressed[0],
                                  rt.now(), replies=lambda found: issue(found[1]))
        if screen is None:
            await query.answer(render(f"tasks/campaign/outcome/{done.key}", locale)[:200], show_alert=True)
            return
        await query.answer()
        return
    done = await once(update, context, campaigns.knock, rt.settings, user.id, pressed[0], pressed[1], rt.now(),
                      _shown(update), locale)
    refused = done.key in ("forbidden", "stale")
    await query.answer(render(f"tasks/campaign/outcome/{done.key}", locale, **done.context)[:200],
                       show_alert=refused)
    if not refused and done.key in ("visited", "nobody") and query.message is not None:
        await quietly(query.edit_message_reply_markup(markup(done.context.get("buttons"), context)))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [CommandHandler("campaign", campaign_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(launch_button, pattern=r"^cl\|new$"),
            CallbackQueryHandler(door_button, pattern=r"^kh\|")]
