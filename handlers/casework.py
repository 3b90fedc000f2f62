"""Staff at work: the buttons on a report card, /tasks, /duty, and the reporter's /my."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services import casework, intake
from bot.services.help import duty_state
from bot.services.notify import local_time, staff_buttons
from handlers.area_tasks import show_area_tasks
from handlers.common import Context, answer, once, reader_locale, runtime, send
from messages import render


async def card_button(update: Update, context: Context) -> None:
    """`r|<report id>|<action>[|<person id>]`: checked against the database on every press."""
    rt, query = runtime(context), update.callback_query
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        report_id, action = int(parts[1]), parts[2]
        target = int(parts[3]) if action == "to" else None
    except (IndexError, ValueError):
        await query.answer(render("casework/outcome/stale", locale), show_alert=True)
        return
    user_id, now, settings = update.effective_user.id, rt.now(), rt.settings
    extra: dict = {}
    if action == "acc":
        outcome = await once(update, context, casework.accept, settings, report_id, user_id, now)
    elif action == "esc":
        outcome = await once(update, context, casework.escalate, settings, report_id, user_id, now)
    elif action in ("note", "res"):
        outcome = await once(update, context, intake.ask_worker_text, settings, user_id,
                             "note" if action == "note" else "resolve", report_id, now)
    elif action == "xfer":
        outcome, workers = await rt.db.write(casework.transfer_choices, report_id, user_id, now)
        extra["workers"] = workers
    elif action == "to":
        outcome = await once(update, context, casework.transfer, settings, report_id, user_id, target, now)
    else:
        outcome = casework.Outcome("stale")
    toast = render(f"casework/outcome/{outcome.key}", locale, report=outcome.report, **(outcome.extra or {}))
    refused = outcome.key in ("forbidden", "not_found", "stale", "bad_target")
    await query.answer(toast[:200], show_alert=refused)
    if refused:
        return
    chat_id = update.effective_chat.id
    if outcome.key == "choose_worker":
        rows = [[InlineKeyboardButton(w.name, callback_data=f"r|{report_id}|to|{w.person_id}")]
                for w in extra["workers"]]
        await send(context, chat_id, render("casework/choose_worker", locale, report=outcome.report, count=len(rows)),
                   InlineKeyboardMarkup(rows) if rows else None)
    elif outcome.key.startswith("ask_"):
        await send(context, chat_id, render(f"casework/{outcome.key}", locale, report=outcome.report))
    elif outcome.report is not None and query.message is not None and action in ("acc", "to", "esc"):
        markup = staff_buttons(outcome.report, locale) if action == "acc" else None
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None)
        except BadRequest:
            pass


async def tasks(update: Update, context: Context) -> None:
    if await show_area_tasks(update, context):          # leaders and admins: their whole area's open work
        return
    rt = runtime(context)
    reports = await rt.db.read(casework.open_tasks, update.effective_user.id)
    if reports is None:
        await answer(update, context, "casework/not_staff")
        return
    await answer(update, context, "casework/tasks", reports=reports,
                 due={r.id: local_time(r.accept_due_at if r.status == "open" else r.resolve_due_at, rt.settings)
                      for r in reports})


async def duty(update: Update, context: Context) -> None:
    rt = runtime(context)
    arg = (context.args or [""])[0].lower()
    if arg not in ("on", "off"):
        state = await rt.db.read(duty_state, update.effective_user.id)
        if state in ("not_staff", "not_worker"):
            name = "casework/not_staff" if state == "not_staff" else "casework/duty_not_worker"
        else:
            name = "casework/duty_usage" if context.args else "casework/duty_state"
        await answer(update, context, name, on=state == "on")
        return
    result = await once(update, context, casework.set_duty, update.effective_user.id, arg == "on")
    await answer(update, context, "casework/not_staff" if result == "not_staff" else f"casework/duty_{result}",
                 on=arg == "on")


async def my_reports(update: Update, context: Context) -> None:
    rt = runtime(context)
    reports = await rt.db.read(casework.reports_of, update.effective_user.id)
    await answer(update, context, "report/my", reports=reports,
                 created={r.id: local_time(r.created_at, rt.settings) for r in reports})


def handlers() -> list:
    private = filters.ChatType.PRIVATE
    return [
        CallbackQueryHandler(card_button, pattern=r"^r\|"),
        CommandHandler("tasks", tasks, filters=private),
        CommandHandler("duty", duty, filters=private),
        CommandHandler("my", my_reports, filters=private),
    ]
