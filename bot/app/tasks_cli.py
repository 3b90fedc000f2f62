"""The command line's service-task part: `import-households`, `campaign`, `campaign-status`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Callable

from bot.app.cli_common import in_db

from bot.core.clock import SystemClock
from bot.core.config import Settings
from messages import render


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
        result = in_db(settings, import_households, args.file, SystemClock().now(), write=True)
    except ImportRejected as rejected:
        _print_rejected(settings, rejected.errors)
        return 1
    print(render("cli/households_done", settings.locale, counts=result.counts))
    return 0


def _campaign(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.areas import normalize_code
    from bot.services.campaigns import launch

    try:
        due = datetime.strptime(args.due.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=settings.tz)
    except ValueError:
        print(render("cli/campaign_refused", settings.locale, key="bad_due", value=args.due), file=sys.stderr)
        return 1
    done = in_db(settings, partial(launch, area_code=normalize_code(args.area), title=args.title.strip(), due=due,
                                 now=SystemClock().now()), settings, None, write=True)
    if done.key != "created":
        print(render("cli/campaign_refused", settings.locale, key=done.key, value=args.area if done.key != "due_past"
                     else args.due), file=sys.stderr)
        return 1
    print(render("cli/campaign_created", settings.locale, **done.context))
    return 0


def _campaign_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.campaigns import status

    found = in_db(settings, status, settings, args.id)
    if found is None:
        print(render("cli/campaign_not_found", settings.locale, id=args.id), file=sys.stderr)
        return 1
    campaign, lines = found
    print(render("cli/campaign_status", settings.locale, campaign=campaign, lines=lines))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "import-households": _import_households, "campaign": _campaign, "campaign-status": _campaign_status}
