"""Staff at work: the buttons on a report card, /tasks, /duty, and the reporter's /my (both paged)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, Protocol, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services import cards, casework, intake, listing
from bot.services.cards import CardEdit
from bot.services.help import duty_state
from bot.services.notify import local_time
from handlers import pages
from handlers.area_tasks import show_area_tasks
from handlers.common import Context, answer, once, reader_locale, replying, runtime
from messages import render

log = logging.getLogger(__name__)


async def card_button(update: Update, context: Context) -> None:
    """`r|<report id>|<action>[|<person id>]`: checked against the database on every press."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        report_id, action = int(parts[1]), parts[2]
        target = int(parts[3]) if action == "to" else None
    except (IndexError, ValueError):
        await query.answer(render("casework/outcome/stale", locale), show_alert=True)
        return
    user_id, now, settings = user.id, rt.now(), rt.settings
    edits: list[CardEdit] = []
    outcome: casework.Outcome
    if action in ("acc", "esc", "to"):
        # Its toast and the card edits are no messages (see `refresh`): the reporter's news is queued by the change.
        card = query.message if action != "to" else None       # "to" is pressed on the list of workers
        outcome, edits = await once(update, context, cards.press, settings, action, report_id, user_id, now, target,
                                    (card.chat.id, card.message_id) if card is not None else None, small=True)
    elif action in ("note", "res"):
        outcome = await once(update, context, intake.ask_worker_text, settings, user_id,
                             "note" if action == "note" else "resolve", report_id, now,
                             replies=replying(update, context, _asking, lambda done: {"report": done.report}))
    elif action == "xfer":
        outcome, _ = await once(update, context, casework.transfer_choices, report_id, user_id, now,
                                replies=replying(update, context, _choosing, _choices, _choice_buttons))
    else:
        outcome = casework.Outcome("stale")
    toast = render(f"casework/outcome/{outcome.key}", locale, report=outcome.report, **(outcome.extra or {}))
    refused = outcome.key in ("forbidden", "not_found", "stale", "bad_target")
    await query.answer(toast[:200], show_alert=refused)
    if refused:
        return
    if action == "to" and query.message is not None:
        await _quietly(query.edit_message_reply_markup(None))          # the list of workers has done its job
    await refresh(context, edits)


class Worker(Protocol):
    """A staff member a report may be handed to (`casework.transfer_choices`)."""

    @property
    def name(self) -> str: ...

    @property
    def person_id(self) -> int: ...


Choices = tuple[casework.Outcome, Sequence[Worker]]


def _asking(outcome: casework.Outcome) -> str | None:
    """The question a Note or Resolve press asks (`casework/ask_note`, `ask_resolve`); a refusal is a toast."""
    return f"casework/{outcome.key}" if outcome.key.startswith("ask_") else None


def _choosing(found: Choices) -> str | None:
    return "casework/choose_worker" if found[0].key == "choose_worker" else None


def _choices(found: Choices) -> dict[str, Any]:
    return {"report": found[0].report, "count": len(found[1])}


def _choice_buttons(found: Choices) -> InlineKeyboardMarkup | None:
    """The transfer list: one button per worker, `r|<report id>|to|<person id>`."""
    outcome, workers = found
    if outcome.report is None or not workers:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(w.name, callback_data=f"r|{outcome.report.id}|to|{w.person_id}")]
                                 for w in workers])


async def refresh(context: Context, edits: list[CardEdit]) -> None:
    """Edit report cards in place (after the change that caused them is committed). A card that cannot be
    edited — deleted, its chat blocked, already the same — stays as it is: the next change edits it again.
    Edits stay direct calls, not outbox rows: an edit adds no message (nothing is owed if it is lost; the
    card's state is in the database and the next edit shows it), and a stale edit replayed late would undo a
    newer one. The cards are different messages: they are edited at once, not one after the other (the
    update is finished, and the next one fetched, only when the last edit is answered)."""
    await asyncio.gather(*(_quietly(_edit(context, edit)) for edit in edits))


def _edit(context: Context, edit: CardEdit) -> Awaitable[object]:
    markup = InlineKeyboardMarkup.de_json(edit.reply_markup, context.bot) if edit.reply_markup else None
    if edit.text is None:
        return context.bot.edit_message_reply_markup(edit.chat_id, edit.message_id, reply_markup=markup)
    return context.bot.edit_message_text(edit.text, edit.chat_id, edit.message_id, parse_mode=ParseMode.HTML,
                                         reply_markup=markup, disable_web_page_preview=True)


async def _quietly(edit: Awaitable[object]) -> None:
    try:
        await edit
    except (BadRequest, Forbidden) as exc:
        log.info("card not edited: %s", exc.message)
    except TelegramError:
        log.warning("card not edited", exc_info=True)


async def tasks(update: Update, context: Context) -> None:
    if await show_area_tasks(update, context):          # leaders and admins: their whole area's open work
        return
    await _tasks_page(update, context, 1)


async def _tasks_page(update: Update, context: Context, number: int) -> None:
    rt, user = runtime(context), update.effective_user
    page = await rt.db.read(listing.tasks, user.id, number) if user is not None else None
    if page is None:
        await pages.refuse_or_answer(update, context, "casework/not_staff")
        return
    locale = reader_locale(update, context)
    due = {r.id: local_time(r.accept_due_at if r.status == "open" else r.resolve_due_at, rt.settings)
           for r in page.items}
    text = render("casework/tasks", locale, page=page, reports=page.items, due=due)
    await pages.show(update, context, text, pages.nav_rows("tasks", page, locale))


async def duty(update: Update, context: Context) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    arg = (context.args or [""])[0].lower()
    if arg not in ("on", "off"):
        state = await rt.db.read(duty_state, user.id)
        if state in ("not_staff", "not_worker"):
            name = "casework/not_staff" if state == "not_staff" else "casework/duty_not_worker"
        else:
            name = "casework/duty_usage" if context.args else "casework/duty_state"
        await answer(update, context, name, on=state == "on")
        return
    await once(update, context, casework.set_duty, user.id, arg == "on",
               replies=replying(update, context, _duty_answer, lambda _: {"on": arg == "on"}))


def _duty_answer(result: str) -> str:
    return "casework/not_staff" if result == "not_staff" else f"casework/duty_{result}"


async def my_reports(update: Update, context: Context) -> None:
    await _my_page(update, context, 1)


async def _my_page(update: Update, context: Context, number: int) -> None:
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    page = await rt.db.read(listing.reports_of, user.id, number)
    locale = reader_locale(update, context)
    text = render("report/my", locale, page=page, reports=page.items,
                  created={r.id: local_time(r.created_at, rt.settings) for r in page.items})
    await pages.show(update, context, text, pages.nav_rows("my", page, locale))


tasks_button = pages.button("tasks", _tasks_page)        # `pg|tasks|<n>`: page n of the presser's own list
my_button = pages.button("my", _my_page)                 # `pg|my|<n>`


def handlers() -> list[BaseHandler[Update, Context, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CallbackQueryHandler(card_button, pattern=r"^r\|"),
        CallbackQueryHandler(tasks_button, pattern=r"^pg\|tasks\|"),
        CallbackQueryHandler(my_button, pattern=r"^pg\|my\|"),
        CommandHandler("tasks", tasks, filters=private),
        CommandHandler("duty", duty, filters=private),
        CommandHandler("my", my_reports, filters=private),
    ]
