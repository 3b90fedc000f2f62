"""Residents report: /report in the grid group hands them a deep link; the form is filled in private."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.services import intake
from bot.services.accounts import remembering
from bot.services.groups import grid_of_chat
from bot.services.views import View
from handlers import broadcast
from handlers.common import Context, answer, is_private, once, reader_locale, runtime, send
from messages import label, render

REPORT_PREFIX = "r_"


async def report_command(update: Update, context: Context) -> None:
    rt = runtime(context)
    if not is_private(update):
        grid = await rt.db.read(grid_of_chat, update.effective_chat.id)
        if grid is None:
            await answer(update, context, "report/group_not_bound")
            return
        locale = reader_locale(update, context)
        link = f"https://t.me/{rt.bot_username}?start={REPORT_PREFIX}{grid.code}"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label("buttons/open_private", locale), url=link)]])
        await send(context, update.effective_chat.id, render("report/group_intake", locale, grid=grid), markup)
        return
    user = update.effective_user
    seen = (user.id, user.first_name, user.username, user.language_code, rt.stamp(), False)
    view = await once(update, context, remembering, seen, intake.begin, rt.settings, user.id, None, rt.now())
    await show(update, context, view)


async def typed(update: Update, context: Context) -> None:
    rt = runtime(context)
    view = await once(update, context, intake.typed, rt.settings, update.effective_user.id,
                      update.effective_message.text, rt.now())
    await show(update, context, view)


async def form_button(update: Update, context: Context) -> None:
    rt = runtime(context)
    query = update.callback_query
    data = (query.data or "").split("|")[1:]
    view = await once(update, context, intake.pressed, rt.settings, update.effective_user.id, data, rt.now())
    locale = reader_locale(update, context)
    if view.kind in ("stale", "submitted"):
        await query.answer(render(f"report/toast_{view.kind}", locale))
        return
    await asyncio.gather(query.answer(), show(update, context, view))


async def cancel(update: Update, context: Context) -> None:
    existed = await once(update, context, intake.cancel, update.effective_user.id)
    await answer(update, context, "report/cancelled" if existed else "report/nothing_to_cancel")


async def show(update: Update, context: Context, view: View) -> None:
    """Render a View of the conversation into the private chat."""
    if view.kind.startswith("bc_"):
        await broadcast.show(update, context, view)
        return
    locale = reader_locale(update, context)
    text, markup = render_view(view, locale)
    await send(context, update.effective_chat.id, text, markup)


def render_view(view: View, locale: str) -> tuple[str, InlineKeyboardMarkup | None]:
    if view.kind in ("invalid", "unknown_grid") and "then" in view.data:
        text, markup = render_view(view.data["then"], locale)
        key = view.data.get("key", "unknown_grid")
        error = render(f"report/invalid/{key}", locale, **view.data.get("context", {}), code=view.data.get("code"))
        return f"{error}\n\n{text}", markup
    if view.kind == "ask":
        step = view.data["step"]
        buttons = [[_button(label("report/option", locale, key=step.key, value=v), f"f|{step.key}|{v}")]
                   for v in step.options]
        form = view.data["form"]
        can_go_back = form["trail"] or form.get("community")         # to the grid list, if it was chosen there
        nav = [_button(label("buttons/back", locale), f"f|back|{step.key}")] if can_go_back else []
        rows = _pairs(buttons) + [nav + [_button(label("buttons/cancel", locale), "f|cancel")]]
        text = render("report/ask", locale, step=step.key, grid=view.data["grid"], kind=step.kind,
                      answers=view.data["form"]["answers"])
        return text, InlineKeyboardMarkup(rows)
    if view.kind == "ask_community":
        rows = _pairs([[_button(c.name, f"f|com|{c.code}")] for c in view.data["communities"]])
        rows.append([_button(label("buttons/cancel", locale), "f|cancel")])
        return render("report/ask_community", locale, example=view.data.get("example")), InlineKeyboardMarkup(rows)
    if view.kind == "ask_grid":
        rows = _pairs([[_button(g.name, f"f|grid|{g.code}")] for g in view.data["grids"]])
        rows.append([_button(label("buttons/back", locale), "f|back|grid"),
                     _button(label("buttons/cancel", locale), "f|cancel")])
        return render("report/ask_grid", locale, community=view.data["community"]), InlineKeyboardMarkup(rows)
    if view.kind == "confirm":
        rows = [[_button(label("buttons/submit", locale), "f|submit")],
                [_button(label("buttons/back", locale), "f|back|confirm"),
                 _button(label("buttons/cancel", locale), "f|cancel")]]
        return render("report/confirm", locale, rows=view.data["rows"], grid=view.data["grid"]), InlineKeyboardMarkup(rows)
    if view.kind == "worker_input":
        return render(f"casework/ask_{view.data['flow']}", locale), None
    if view.kind == "worker_done":
        outcome = view.data["outcome"]
        return render(f"casework/outcome/{outcome.key}", locale, report=outcome.report, **(outcome.extra or {})), None
    return render(f"report/{view.kind}", locale, **view.data), None


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _pairs(rows: list[list[InlineKeyboardButton]]) -> list[list[InlineKeyboardButton]]:
    """Two buttons a row, for short lists of choices."""
    flat = [b for row in rows for b in row]
    return [flat[i:i + 2] for i in range(0, len(flat), 2)]


def handlers() -> list:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("report", report_command),
        CommandHandler("cancel", cancel, filters=private),
        CallbackQueryHandler(form_button, pattern=r"^f\|"),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, typed),
    ]
