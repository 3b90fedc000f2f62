"""Reminders, visits and satisfaction: /remind (a flow) and /reminders, the resident's reminder buttons
(`rd|<reminder>|done|cannot`), follow-up visits (`vi|<visit>|…`) and satisfaction (`sa|<ask>|…`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import reminders, visits
from bot.services.flows import remind
from handlers.common import Context, answer, once, reader_locale, runtime
from handlers.conversation import shown
from handlers.presses import parse_press
from handlers.tasks_arrival import parse, quietly, refuse
from messages import render


async def remind_command(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    await once(update, context, remind.begin, rt.settings, user.id, rt.now(), replies=shown(update, context))


async def reminders_command(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    lists = await rt.db.read(reminders.lists_of, rt.settings, user.id)
    if lists is None:
        await answer(update, context, "casework/not_staff")
        return
    await answer(update, context, "tasks/remind/lists", lists=lists)


async def reminder_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = parse_press(query.data)
    if pressed is None:
        await refuse(update, context, "stale")
        return
    done = await once(update, context, reminders.answer, rt.settings, user.id, pressed[0], pressed[1], rt.now())
    await query.answer(render(f"tasks/remind/outcome/{done.key}", reader_locale(update, context))[:200],
                       show_alert=done.key not in reminders.ANSWERS)
    if done.key in reminders.ANSWERS:
        await quietly(query.edit_message_reply_markup(None))


async def visit_button(update: Update, context: Context) -> None:
    """`vi|<visit>|d|<days>`, `vi|<visit>|x`, `vi|<visit>|ok`, `vi|<visit>|no`."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = parse(query.data, 4)
    if parts is None or len(parts) < 3 or (len(parts) == 4 and not parts[3].isdigit()):
        await refuse(update, context, "stale")
        return
    done = await once(update, context, visits.press, rt.settings, user.id, int(parts[1]), parts[2],
                      int(parts[3]) if len(parts) == 4 else 0, rt.now())
    refused = done.key in ("forbidden", "stale", "already")
    await query.answer(render(f"tasks/visit/outcome/{done.key}", reader_locale(update, context), **done.context)[:200],
                       show_alert=refused)
    if not refused and done.key != "rescheduled":
        await quietly(query.edit_message_reply_markup(None))


async def satisfaction_button(update: Update, context: Context) -> None:
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = parse_press(query.data)
    if pressed is None:
        await refuse(update, context, "stale")
        return
    done = await once(update, context, visits.satisfaction, rt.settings, user.id, pressed[0], pressed[1], rt.now())
    answered = done.key in visits.SATISFACTION
    await query.answer(render(f"tasks/satisfaction/outcome/{done.key}", reader_locale(update, context))[:200],
                       show_alert=not answered)
    if answered:
        await quietly(query.edit_message_reply_markup(None))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [CommandHandler("remind", remind_command, filters=private),
            CommandHandler("reminders", reminders_command, filters=private),
            CallbackQueryHandler(reminder_button, pattern=r"^rd\|"),
            CallbackQueryHandler(visit_button, pattern=r"^vi\|"),
            CallbackQueryHandler(satisfaction_button, pattern=r"^sa\|")]
