"""/ledger (or /export) in private: an area's report ledger as a spreadsheet, sent to the asker's private chat.

The file is sent by this handler after the export is written and audited, not through the outbox: the outbox
carries text only, and a spreadsheet is made for the person who asked, when they ask."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services.ledger import commend, export, periods
from bot.services.ledger.assessment import Assessment
from bot.services.ledger.periods import BadPeriod, Period
from bot.services.ledger.screens import Refusal, target
from bot.services.ledger.scope import Scope
from handlers.conversation import shown
from handlers.common import Context, answer, once, reader_locale, runtime, send, unless_refused
from messages import label, render

COMMANDS = ("stats", "ledger", "export", "assessment")
MAX_UPLOAD = 50 * 1024 * 1024          # what a bot may send as a document
MENU_PERIODS: tuple[periods.Preset, ...] = ("month", "last_month", "year")


def menu(scope: Scope, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label("ledger/button/export", locale, preset=name, format=fmt),
                              callback_data=f"lg|{scope.area.id}|{name}|{fmt[0]}") for name in MENU_PERIODS]
        for fmt in export.FORMATS])


def _parse(args: list[str]) -> tuple[str | None, list[str], export.Format]:
    """`[CODE] [FROM TO] [csv|xlsx]`, in that order; the code is whatever is not a date or a format."""
    fmt: export.Format = "xlsx"
    if args and args[-1].lower() in export.FORMATS:
        fmt = "csv" if args.pop().lower() == "csv" else "xlsx"
    code = args.pop(0) if len(args) in (1, 3) else None
    return code, args, fmt


async def ledger(update: Update, context: Context) -> None:
    """/ledger [CODE] [FROM TO] [csv]: with dates, the export at once; without, a menu of periods."""
    rt, user = runtime(context), update.effective_user
    if user is None or update.effective_chat is None:
        return
    code, dates, fmt = _parse(list(context.args or []))
    try:
        period = periods.between(*dates) if len(dates) == 2 else None
    except BadPeriod as exc:
        await answer(update, context, "ledger/bad_period", key=exc.key, context=exc.context)
        return
    locale = reader_locale(update, context)
    # Without a period the menu answers (queued with the claim); with one, the file follows (see `_export`).
    menu_only = unless_refused(update, context, Scope, "ledger/export_menu",
                               lambda scope: {"area": scope.area, "personal": scope.personal},
                               lambda scope: menu(scope, locale))
    found = await once(update, context, partial(target, view="ledger", code=code, now=rt.now()), user.id,
                       replies=lambda scope: menu_only(scope) if period is None or isinstance(scope, Refusal) else [])
    if isinstance(found, Refusal) or period is None:
        return
    await _export(update, context, found, period, fmt)


async def ledger_press(update: Update, context: Context) -> None:
    """`lg|<area id>|<period>|<x or c>`: checked against the presser's charge like a typed command."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        area_id, period = int(parts[1]), periods.from_code(parts[2], rt.now(), rt.settings)
        if parts[3] not in ("x", "c"):
            raise ValueError(parts[3])
    except (IndexError, ValueError, BadPeriod):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    found = await once(update, context, partial(target, view="ledger", area_id=area_id, now=rt.now()), user.id)
    if isinstance(found, Refusal):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    await query.answer(render("ledger/exporting", locale))
    await _export(update, context, found, period, "csv" if parts[3] == "c" else "xlsx")


async def _export(update: Update, context: Context, scope: Scope, period: Period, fmt: export.Format) -> None:
    """Write, audit, and send the file to the asker's private chat (never where the command was typed)."""
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    locale = reader_locale(update, context)
    request = export.for_period(scope, period, rt.settings, fmt, locale)
    name = label("ledger/file_name", locale, code=scope.area.code, first=period.day_from, last=period.day_to)
    with tempfile.TemporaryDirectory(prefix="gridbot-ledger-") as folder:
        path = Path(folder) / f"{name}.{fmt}"
        result = await export.export(rt.db, rt.settings, user.id, request, path, rt.now(), channel="telegram")
        if path.stat().st_size > MAX_UPLOAD:
            await send(context, user.id, render("ledger/too_large", locale, count=result.rows))
            return
        caption = render("ledger/exported", locale, area=scope.area, period=period, count=result.rows,
                         sheets=result.sheets, masked=not scope.personal)
        # Sent directly, not as an outbox row: the file lives in a temporary folder only as long as this call
        # (an outbox row would have to keep it on disk until sent); the limiter retries it until delivered, and
        # what a crash loses the person gets again by pressing once more (the export changes no state).
        with path.open("rb") as document:
            await context.bot.send_document(user.id, document, filename=path.name, caption=caption,
                                            parse_mode=ParseMode.HTML)


def assessment_markup(found: Assessment, locale: str, now: Period) -> InlineKeyboardMarkup:
    area, shown = found.area.id, found.period
    last = periods.month((shown.first - timedelta(days=1)).strftime("%Y-%m"))
    following = periods.month((shown.last + timedelta(days=1)).strftime("%Y-%m"))
    months = [last, shown] + ([following] if following.first <= now.last else [])
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(render("ledger/button/month", locale, month_start=m.first, current=m == shown),
                              callback_data=f"as|{area}|{m.code}") for m in months],
        [InlineKeyboardButton(label("ledger/button/commend", locale), callback_data=f"cm|{area}|{shown.code}")]])


async def assessment(update: Update, context: Context) -> None:
    """/assessment [CODE] [YYYY-MM]: last month by default."""
    rt, user = runtime(context), update.effective_user
    if user is None:
        return
    args = list(context.args or [])
    month_text = args.pop() if args and args[-1][:1].isdigit() else None
    today = periods.preset("today", rt.now(), rt.settings)
    try:
        period = periods.month(month_text) if month_text else periods.month(
            (today.first.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"))
    except BadPeriod as exc:
        await answer(update, context, "ledger/bad_period", key=exc.key, context=exc.context)
        return
    code = args[0] if args else None
    locale = reader_locale(update, context)
    await once(update, context, partial(commend.assessment_for, code=code), rt.settings, user.id, period, rt.now(),
               replies=unless_refused(update, context, Assessment, "ledger/assessment", lambda found: {"a": found},
                                      lambda found: assessment_markup(found, locale, today)))


async def assessment_press(update: Update, context: Context) -> None:
    """`as|<area id>|<month>` shows another month; `cm|<area id>|<month>` drafts the commendation."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        area_id, period = int(parts[1]), periods.from_code(parts[2], rt.now(), rt.settings)
    except (IndexError, ValueError, BadPeriod):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    if parts[0] == "cm":
        draft = shown(update, context)
        view = await once(update, context, commend.begin, rt.settings, user.id, area_id, period, rt.now(),
                          replies=lambda begun: [] if isinstance(begun, Refusal) else draft(begun))
        if isinstance(view, Refusal):
            await query.answer(render(f"ledger/{view.key}", locale, **view.context), show_alert=True)
            return
        await query.answer()
        return
    found = await once(update, context, partial(commend.assessment_for, area_id=area_id), rt.settings, user.id,
                       period, rt.now())
    if isinstance(found, Refusal):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    await query.answer()
    today = periods.preset("today", rt.now(), rt.settings)
    try:
        await query.edit_message_text(render("ledger/assessment", locale, a=found), parse_mode=ParseMode.HTML,
                                      reply_markup=assessment_markup(found, locale, today))
    except BadRequest:
        pass                                        # "message is not modified"


def handlers() -> list[BaseHandler[Update, Context, None]]:
    private = filters.ChatType.PRIVATE
    return [CommandHandler(["ledger", "export"], ledger, filters=private),
            CommandHandler("assessment", assessment, filters=private),
            CallbackQueryHandler(ledger_press, pattern=r"^lg\|"),
            CallbackQueryHandler(assessment_press, pattern=r"^(as|cm)\|")]
