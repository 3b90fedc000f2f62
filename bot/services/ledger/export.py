"""Exporting an area's ledger: one sheet per kind of report (xlsx) or one table (CSV, UTF-8 with BOM), times in
local time as real dates, personal data masked for staff who are not leaders or admins, every export audited."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.ledger import labels
from bot.services.ledger.columns import all_columns, kinds, sheet_columns
from bot.services.ledger.layout import Layout, answers_in, fixed_offset, mask
from bot.services.ledger.periods import Period
from bot.services.ledger.scope import Scope
from bot.services.ledger.xlsx import Rows, SharedStrings, Workbook
from db import Database, audit
from db import ledger as ledger_db
from db.areas import Area
from db.ledger import Filters

__all__ = ["FORMATS", "Filters", "Format", "Request", "Result", "export", "for_period", "mask", "record", "write",
           "write_apart"]

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")


@dataclass(frozen=True)
class Request:
    """What to export: an area, which of its reports, how, for whom."""

    area: Area
    filters: Filters = field(default_factory=Filters)
    format: Format = "xlsx"
    personal: bool = True
    locale: str = "zh_CN"


def for_period(scope: Scope, period: Period, settings: Settings, fmt: Format, locale: str) -> Request:
    """Everything of the scope's area made in the period, shown as the person's role allows."""
    return Request(scope.area, Filters(since=period.since(settings), until=period.until(settings)), fmt,
                   scope.personal, locale)


@dataclass(frozen=True)
class Result:
    path: Path
    rows: int
    sheets: dict[str, int]


def write(conn: sqlite3.Connection, settings: Settings, request: Request, path: Path, now: datetime) -> Result:
    """Write the export to `path` in one pass over the reports, oldest first, streaming them to the file (each
    kind's rows through a spool file beside it, since a workbook's sheets are written one after another)."""
    counts: dict[str, int] = {}
    offset = fixed_offset(settings)
    xlsx = request.format == "xlsx"
    source = ledger_db.export_rows(conn, request.area.id, request.filters, now=stamp(now),
                                   times="days" if xlsx and offset is not None else "ts",
                                   offset_seconds=offset or 0)
    kind_at, details_at = source.names.index("kind"), source.names.index("details")
    if request.format == "csv":
        columns = all_columns()
        if request.filters.kind:
            own = {c.key for c in sheet_columns(request.filters.kind)} | {"kind"}
            columns = [c for c in columns if c.key in own]
        layout = Layout(columns, source, settings, locale=request.locale, personal=request.personal, strings=None)
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([labels.header(c.key, request.locale) for c in columns])
            for batch in source.batches:
                writer.writerows(layout.csv_rows(batch, answers_in([row[details_at] for row in batch])))
                for kind in map(itemgetter(kind_at), batch):
                    counts[kind] = counts.get(kind, 0) + 1
        return Result(path, sum(counts.values()), counts)
    wanted = [request.filters.kind] if request.filters.kind else kinds()
    strings = SharedStrings()
    layouts = {k: Layout(sheet_columns(k), source, settings, locale=request.locale, personal=request.personal,
                         strings=strings) for k in wanted}
    with ExitStack() as files:
        spools = {k: Rows(files.enter_context(tempfile.TemporaryFile(dir=path.parent))) for k in wanted}
        for batch in source.batches:
            by_kind: dict[str, tuple[list[Sequence[Any]], list[dict[str, Any]]]] = {}
            for row, answers in zip(batch, answers_in([row[details_at] for row in batch])):
                found = by_kind.get(row[kind_at])
                if found is None:
                    found = by_kind[row[kind_at]] = ([], [])
                found[0].append(row)
                found[1].append(answers)
            for kind, (rows, answers_of_rows) in by_kind.items():
                if kind in spools:                  # a kind no longer declared has no sheet to go in
                    spool = spools[kind]
                    spool.add(layouts[kind].xlsx_rows(rows, answers_of_rows, spool.count + 2), len(rows))
        with Workbook(path, [labels.sheet_title(k, request.locale) for k in wanted], strings) as book:
            for kind in wanted:
                columns = sheet_columns(kind)
                with book.sheet([labels.header(c.key, request.locale) for c in columns],
                                [c.width for c in columns]) as sheet:
                    sheet.take(spools[kind])
                counts[kind] = sheet.rows
    return Result(path, sum(counts.values()), counts)


def record(conn: sqlite3.Connection, actor_user: int | None, request: Request, result: Result, now: datetime,
           *, channel: str) -> None:
    """The audit entry of an export: who, which area, which filters, how many rows, masked or not."""
    filters = request.filters
    audit.record(conn, stamp(now), actor_user, "ledger_export", f"area:{request.area.code}", channel=channel,
                 kind=filters.kind, status=filters.status, since=filters.since, until=filters.until,
                 format=request.format, masked=not request.personal, rows=result.rows, sheets=result.sheets)


def write_apart(database_path: str, settings: Settings, request: Request, path: Path, now: datetime) -> Result:
    """`write` on a read-only connection of its own, in one read transaction (a consistent snapshot), so that
    the bot's own connection is not held while a big ledger is written."""
    with closing(sqlite3.connect(f"file:{database_path}?mode=ro", uri=True, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        try:
            return write(conn, settings, request, path, now)
        finally:
            conn.execute("COMMIT")


async def export(database: Database, settings: Settings, actor_user: int | None, request: Request, path: Path,
                 now: datetime, *, channel: str) -> Result:
    """Write the export in a worker thread on its own connection, then audit it."""
    result = await asyncio.to_thread(write_apart, database.path, settings, request, path, now)
    await database.write(partial(record, channel=channel), actor_user, request, result, now)
    return result

