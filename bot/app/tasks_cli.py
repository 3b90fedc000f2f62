"""The command line's service-task part: `import-households`, `campaign`, `campaign-status`."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

from bot.core.clock import SystemClock
from bot.core.config import Settings
from db import Database, MigrationError, open_database
from messages import render

T = TypeVar("T")


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`sub` is the parser's subparsers action (argparse does not export its type)."""
    imp = sub.add_parser("import-households", parents=[common], help="import households.csv (or .xlsx)")
    imp.add_argument("file", type=Path,
                     help="households.csv: grid_code,building,unit,room,head_name,phone,telegram_user_id")
    camp = sub.add_parser("campaign", parents=[common], help="launch a door-knocking campaign over an area")
    camp.add_argument("--area", required=True, metavar="CODE", help="a grid, community, town or the city")
    camp.add_argument("--title", required=True)
    camp.add_argument("--due", required=True, metavar="'YYYY-MM-DD HH:MM'", help="local time it must be done by")
    status = sub.add_parser("campaign-status", parents=[common], help="a campaign's progress per grid and area")
    status.add_argument("id", type=int)


async def _with_db(settings: Settings, call: Callable[[Database], Any]) -> Any:
    from bot.app.cli import UserError

    try:
        db = await open_database(settings.database)
    except (sqlite3.Error, MigrationError, OSError) as exc:
        raise UserError("database_error", path=settings.database, reason=str(exc)) from None
    try:
        return await call(db)
    finally:
        await db.close()


def _print_rejected(settings: Settings, errors: list[Any]) -> None:
    loc = settings.locale
    print(render("cli/import_rejected", loc, errors=errors), file=sys.stderr)
    for e in errors:
        reason = render(f"cli/import_reason/{e.key}", loc, **e.context)
        print(render("cli/import_error_line", loc, file=e.file, line=e.line, reason=reason), file=sys.stderr)


def _import_households(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.households import import_households
    from bot.services.org_import import ImportRejected

    try:
        result = asyncio.run(_with_db(settings, lambda db: db.write(import_households, args.file,
                                                                    SystemClock().now())))
    except ImportRejected as rejected:
        _print_rejected(settings, rejected.errors)
        return 1
    print(render("cli/households_done", settings.locale, counts=result.counts))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "import-households": _import_households}
