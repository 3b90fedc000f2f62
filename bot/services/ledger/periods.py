"""Periods of local days (today, 7 days, this month, a range …) and their bounds as stored UTC stamps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.core.errors import GridbotError

Preset = Literal["today", "7d", "month", "last_month", "year"]
PRESETS: tuple[Preset, ...] = ("today", "7d", "month", "last_month", "year")
MAX_DAYS = 3700


class BadPeriod(GridbotError):
    """A period that cannot be read (`bad_date`) or runs backwards (`backwards`)."""


@dataclass(frozen=True)
class Period:
    """Local days `first` … `last`, inclusive; `name` is a preset or "range"."""

    first: date
    last: date
    name: str = "range"

    @property
    def day_from(self) -> str:
        return self.first.isoformat()

    @property
    def day_to(self) -> str:
        return self.last.isoformat()

    def since(self, settings: Settings) -> str:
        """The first moment of the period as a stored stamp."""
        return stamp(datetime.combine(self.first, time(), settings.tz))

    def until(self, settings: Settings) -> str:
        """The moment after the period's last day, as a stored stamp."""
        return stamp(datetime.combine(self.last + timedelta(days=1), time(), settings.tz))

    @property
    def code(self) -> str:
        """For callback data: the preset's name, or `YYYYMMDD-YYYYMMDD`."""
        if self.name != "range":
            return self.name
        return f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"


def today(now: datetime, settings: Settings) -> date:
    return now.astimezone(settings.tz).date()


def preset(name: Preset, now: datetime, settings: Settings) -> Period:
    day = today(now, settings)
    if name == "today":
        return Period(day, day, name)
    if name == "7d":
        return Period(day - timedelta(days=6), day, name)
    if name == "month":
        return Period(day.replace(day=1), day, name)
    if name == "last_month":
        last = day.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last, name)
    return Period(day.replace(month=1, day=1), day, name)


def parse_day(text: str) -> date:
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", text.strip())
    if not match:
        raise BadPeriod("bad_date", value=text)
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        raise BadPeriod("bad_date", value=text) from None


def between(first: str, last: str) -> Period:
    period = Period(parse_day(first), parse_day(last))
    if period.last < period.first:
        raise BadPeriod("backwards", first=first, last=last)
    if (period.last - period.first).days > MAX_DAYS:
        raise BadPeriod("too_long", first=first, last=last)
    return period


def month(text: str) -> Period:
    """`YYYY-MM`: that calendar month."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadPeriod("bad_month", value=text)
    first = date(int(match[1]), int(match[2]), 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1))


def from_code(code: str, now: datetime, settings: Settings) -> Period:
    """A period from callback data (a preset name or `YYYYMMDD-YYYYMMDD`); BadPeriod for anything else."""
    for name in PRESETS:
        if code == name:
            return preset(name, now, settings)
    first, _, last = code.partition("-")
    return between(first, last)


def options(since: str | None, until: str | None, now: datetime, settings: Settings,
            default: Preset = "month") -> Period:
    """The period of a command line's `--from`/`--to` (either may be left out: from the year's start, to today)."""
    if since is None and until is None:
        return preset(default, now, settings)
    day = today(now, settings)
    return between(since or f"{day.year}-01-01", until or day.isoformat())
