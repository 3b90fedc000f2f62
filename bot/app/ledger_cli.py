"""`gridbot export`, `stats`, `assessment` and `commend`: the ledger from the command line (as the operator,
who sees everything; every export is audited like one made in Telegram)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import unicodedata
from pathlib import Path
from typing import Any, Callable

from bot.app.cli_common import UserError, open_db
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.services.ledger import commend, export, periods
from bot.services.ledger.assessment import Assessment, assess
from bot.services.ledger import stats as stats_service
from bot.services.ledger.columns import kinds
from bot.services.ledger.periods import BadPeriod, Period
from db import Database
from db.areas import Area
from messages import render

Command = Callable[[argparse.Namespace, Settings], int]
STATUSES = ("open", "accepted", "resolved")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> dict[str, Command]:
    """Add the ledger's subcommands to the `gridbot` parser; return their functions by name."""
    exp = sub.add_parser("export", parents=[common], help="export an area's report ledger (xlsx or csv)")
    exp.add_argument("--area", required=True, metavar="CODE")
    exp.add_argument("--kind", choices=kinds())
    exp.add_argument("--status", choices=STATUSES)
    _period_options(exp)
    exp.add_argument("--format", choices=export.FORMATS, help="xlsx (default) or csv (UTF-8 with BOM)")
    exp.add_argument("--out", required=True, type=Path, metavar="FILE")
    exp.add_argument("--masked", action="store_true", help="mask phone and ID numbers, as staff other than "
                                                           "leaders and admins get them")
    st = sub.add_parser("stats", parents=[common], help="an area's figures for a period, as a table")
    st.add_argument("--area", required=True, metavar="CODE")
    _period_options(st)
    ass = sub.add_parser("assessment", parents=[common], help="a month's assessment of an area's staff and grids")
    ass.add_argument("--area", required=True, metavar="CODE")
    ass.add_argument("--month", required=True, metavar="YYYY-MM")
    com = sub.add_parser("commend", parents=[common],
                         help="draft a commendation notice from the top of a month's assessment, as a broadcast")
    com.add_argument("--area", required=True, metavar="CODE")
    com.add_argument("--month", required=True, metavar="YYYY-MM")
    com.add_argument("--top", type=int, default=commend.DEFAULT_TOP, metavar="N")
    com.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="schedule it (default: as soon as the bot runs)")
    com.add_argument("--send", action="store_true", help="schedule the broadcast (without it: only the preview)")
    return {"export": _export, "stats": _stats, "assessment": _assessment, "commend": _commend}


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="since", metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="until", metavar="YYYY-MM-DD")


def _period(args: argparse.Namespace, settings: Settings, default: periods.Preset) -> Period:
    try:
        return periods.options(args.since, args.until, SystemClock().now(), settings, default)
    except BadPeriod as exc:
        raise UserError("bad_period", key=exc.key, context=exc.context) from None


async def _open(settings: Settings) -> Database:
    db = await open_db(settings)
    await db.write(stats_service.prepare, settings)
    return db


async def _area(db: Database, code: str) -> Area:
    from bot.services.areas import find_area

    area = await db.read(find_area, code)
    if area is None:
        raise UserError("unknown_area", code=code)
    return area


def _export(args: argparse.Namespace, settings: Settings) -> int:
    whole = args.since is None and args.until is None
    period = None if whole else _period(args, settings, "year")
    fmt: export.Format = "csv" if (args.format or args.out.suffix.lstrip(".").lower()) == "csv" else "xlsx"

    async def go() -> tuple[export.Request, export.Result]:
        db = await _open(settings)
        try:
            area = await _area(db, args.area)
            filters = export.Filters(args.kind, args.status, period.since(settings) if period else None,
                                     period.until(settings) if period else None)
            request = export.Request(area, filters, fmt, not args.masked, settings.locale)
            try:
                result = await export.export(db, settings, None, request, args.out, SystemClock().now(),
                                             channel="command_line")
            except OSError as exc:
                raise UserError("cannot_write", path=str(args.out), reason=exc.strerror or str(exc)) from None
            return request, result
        finally:
            await db.close()

    request, result = asyncio.run(go())
    print(render("cli/export_done", settings.locale, count=result.rows, path=str(args.out), sheets=result.sheets,
                 masked=not request.personal))
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    period = _period(args, settings, "month")

    async def go() -> stats_service.AreaFigures:
        db = await _open(settings)
        try:
            area = await _area(db, args.area)
            return await db.read(stats_service.figures, area, period, SystemClock().now())
        finally:
            await db.close()

    print(render("cli/stats", settings.locale, fig=asyncio.run(go()), pad=pad))
    return 0


def width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(value: object, columns: int, right: bool = False) -> str:
    text = str(value)
    fill = " " * max(columns - width(text), 1 if right else 0)
    return fill + text if right else text + fill


def _month(text: str) -> Period:
    try:
        return periods.month(text)
    except BadPeriod as exc:
        raise UserError("bad_period", key=exc.key, context=exc.context) from None


async def _assessed(settings: Settings, code: str, period: Period) -> Assessment:
    db = await _open(settings)
    try:
        area = await _area(db, code)
        return await db.read(assess, settings, area, period, SystemClock().now())
    finally:
        await db.close()


def _assessment(args: argparse.Namespace, settings: Settings) -> int:
    found = asyncio.run(_assessed(settings, args.area, _month(args.month)))
    print(render("cli/assessment", settings.locale, a=found, pad=pad))
    return 0


def _commend(args: argparse.Namespace, settings: Settings) -> int:
    """The preview of the notice; with --send, the broadcast scheduled (its delivery shows in `gridbot broadcasts`)."""
    from bot.app.cli_broadcast import refusal, schedule
    from bot.services.broadcasting import ComposeError, render_notice

    found = asyncio.run(_assessed(settings, args.area, _month(args.month)))
    if args.top < 1 or not commend.fields(found, args.top, settings.locale)["honours"].strip():
        print(render("cli/nobody_to_commend", settings.locale), file=sys.stderr)
        return 1
    draft = commend.draft(found, args.top, settings.locale, when="at" if args.at else "now", at=args.at or "")
    try:
        body = render_notice(draft.template, draft.fields, settings.locale)
    except ComposeError as exc:
        print(refusal(exc, settings.locale), file=sys.stderr)
        return 1
    print(render("cli/commend_preview", settings.locale, body=_plain(body), send=args.send, code=found.area.code))
    if not args.send:
        return 0
    return schedule(settings, draft, found.area.code)


def _plain(body: str) -> str:
    """A notice's HTML as the terminal shows it: tags dropped, entities read."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", body))
