"""The end of `gridbot demo`: the town's ledger exported as its office would, read back, and its figures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import openpyxl

from bot.app.ledger_cli import pad
from bot.core.config import Settings
from bot.services.areas import find_area
from bot.services.ledger import export, periods
from bot.services.ledger.stats import figures
from db import Database
from messages import render

TOWN = "JH"


async def finish(db: Database, settings: Settings, now: datetime, folder: Path,
                 step: Callable[..., None], check: Callable[[bool, str], None]) -> None:
    town = await db.read(find_area, TOWN)
    check(town is not None, f"the sample city has no {TOWN}")
    assert town is not None
    period = periods.preset("month", now, settings)
    request = export.Request(town, export.Filters(since=period.since(settings), until=period.until(settings)),
                             "xlsx", True, settings.locale)
    path = folder / f"{TOWN}-{period.day_from[:7]}.xlsx"
    result = await export.export(db, settings, None, request, path, now, channel="demo")
    book: Any = openpyxl.load_workbook(path)
    rows = sum(sheet.max_row - 1 for sheet in book.worksheets)
    book.close()
    check(rows == result.rows >= 2, "the exported ledger does not hold the demo's reports")      # its own and the later scenes
    table = render("cli/stats", settings.locale, fig=await db.read(figures, town, period, now), pad=pad)
    step("ledger", file=path.name, sheets=result.sheets, table=table)
