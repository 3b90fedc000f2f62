"""/stats in private: an area's figures, with buttons to drill down town → community → grid, back up, and
change the period; each press is checked against the presser's own charge."""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.services.ledger import periods
from bot.services.ledger.periods import BadPeriod
from bot.services.ledger.screens import Refusal, StatsScreen, stats_screen
from handlers.common import Context, answer, once, reader_locale, runtime, unless_refused
from messages import label, render

DEFAULT_PERIOD: periods.Preset = "month"


def markup(screen: StatsScreen, locale: str) -> InlineKeyboardMarkup:
    fig = screen.figures
    code = fig.period.code
    rows: list[list[InlineKeyboardButton]] = []
    children = [InlineKeyboardButton(label("ledger/button/child", locale, name=c.area.name, count=str(c.created)),
                                     callback_data=f"st|{c.area.id}|{code}") for c in fig.children]
    rows += [children[i:i + 2] for i in range(0, len(children), 2)]
    presets = [InlineKeyboardButton(label("ledger/button/period", locale, preset=name, current=str(name == code)),
                                    callback_data=f"st|{fig.area.id}|{name}") for name in periods.PRESETS]
    rows += [presets[:3], presets[3:]]
    if screen.parent is not None:
        rows.append([InlineKeyboardButton(label("buttons/up", locale, name=screen.parent.name),
                                          callback_data=f"st|{screen.parent.id}|{code}")])
    return InlineKeyboardMarkup(rows)


async def stats(update: Update, context: Context) -> None:
    """/stats [CODE] [FROM TO]"""
    rt, user = runtime(context), update.effective_user
    if user is None or update.effective_chat is None:
        return
    args = list(context.args or [])
    code = args.pop(0) if len(args) in (1, 3) else None
    try:
        period = periods.between(*args) if len(args) == 2 else periods.preset(DEFAULT_PERIOD, rt.now(), rt.settings)
    except BadPeriod as exc:
        await answer(update, context, "ledger/bad_period", key=exc.key, context=exc.context)
        return
    locale = reader_locale(update, context)
    await once(update, context, partial(stats_screen, code=code), rt.settings, user.id, period, rt.now(),
               replies=unless_refused(update, context, StatsScreen, "ledger/stats",
                                      lambda screen: {"fig": screen.figures}, lambda screen: markup(screen, locale)))


async def stats_press(update: Update, context: Context) -> None:
    """`st|<area id>|<period>`: the screen is recomputed for the presser, who must have the area in charge."""
    rt, query, user = runtime(context), update.callback_query, update.effective_user
    if query is None or user is None:
        return
    locale = reader_locale(update, context)
    parts = (query.data or "").split("|")
    try:
        area_id = int(parts[1])
        period = periods.from_code(parts[2], rt.now(), rt.settings)
    except (IndexError, ValueError, BadPeriod):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    screen = await once(update, context, partial(stats_screen, area_id=area_id), rt.settings, user.id, period,
                        rt.now())
    if isinstance(screen, Refusal):
        await query.answer(render("ledger/refused", locale), show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_text(render("ledger/stats", locale, fig=screen.figures), parse_mode=ParseMode.HTML,
                                      reply_markup=markup(screen, locale))
    except BadRequest:
        pass                                        # "message is not modified": the same screen pressed again


def handlers() -> list[BaseHandler[Update, Context, None]]:
    return [CommandHandler("stats", stats, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(stats_press, pattern=r"^st\|")]
