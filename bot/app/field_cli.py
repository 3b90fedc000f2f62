"""The command line's part for tips and gatherings: `gridbot rewards --area CODE [--paid CLAIM]` (the reward
ledger; marking a claim code paid is audited) and `gridbot gatherings --area CODE [--from --to]` (upcoming
approved gatherings; no phone numbers)."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.app.cli_common import UserError, in_db
from messages import render


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """`sub` is the parser's subparsers action (argparse does not export its type)."""
    rw = sub.add_parser("rewards", parents=[common], help="the tip reward ledger of an area")
    rw.add_argument("--area", required=True, metavar="CODE", help="a grid, community, town or the city")
    rw.add_argument("--paid", metavar="CLAIM", help="mark the reward with this claim code paid (audited)")
    ga = sub.add_parser("gatherings", parents=[common], help="approved gatherings of an area")
    ga.add_argument("--area", required=True, metavar="CODE", help="a grid, community, town or the city")
    ga.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="from this local day (default: today)")
    ga.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="up to this local day (default: 14 days on)")


def _day(value: str | None, default: date) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError("bad_day", value=value) from None


def _rewards(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import rewards

    now = SystemClock().now()
    if args.paid:
        outcome = in_db(settings, rewards.pay_by_code, settings, args.area, args.paid, now, write=True)
        print(render(f"rewards/outcome/{outcome.key}", settings.locale, reward=outcome.reward))
        return 0 if outcome.key == "paid" else 1
    found = in_db(settings, rewards.ledger_for_area, args.area)
    if found is None:
        raise UserError("unknown_area", code=args.area)
    print(render("cli/rewards", settings.locale, rewards=found, code=args.area))
    return 0


def _gatherings(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import gatherings

    today = SystemClock().now().astimezone(settings.tz).date()
    first, last = _day(args.start, today), _day(args.end, today + timedelta(days=14))
    start = datetime.combine(first, time(0), tzinfo=settings.tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=settings.tz)
    listed = in_db(settings, gatherings.for_area, settings, args.area, start, end)
    if listed is None:
        raise UserError("unknown_area", code=args.area)
    print(render("cli/gatherings", settings.locale, listed=listed, code=args.area, first=first, last=last))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {"rewards": _rewards,
                                                                       "gatherings": _gatherings}
