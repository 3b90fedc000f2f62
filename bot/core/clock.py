"""Time: the system clock in production, a hand-moved one in tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 4, 9, 1, 0, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta or timedelta(**kwargs)
        return self._now


def stamp(moment: datetime) -> str:
    """A moment as the bot passes it around and most tables store it: UTC ISO-8601, so that text order is time
    order. The big tables (reports, their history, the outbox, the audit log) keep Unix seconds instead; db/stamps.py
    converts at their edge."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)
