"""The weekly digest: at each time of the setting `digest_cron` (default Monday 08:00), every grid leader and
admin is owed their area's figures for the seven days before, with a chart, as a photo.

Which digests are owed is decided in one transaction (a run per scheduled time, a delivery per person and
area), like a broadcast's run; drawing and sending each photo happens after, one at a time, outside any
transaction (see bot/app/ledger_jobs.py), so a restart neither loses nor repeats one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.clock import stamp
from bot.core.config import ConfigError, Settings
from bot.services.broadcasting import ComposeError, next_fire
from bot.services.ledger import chart, labels
from bot.services.ledger.periods import Period
from bot.services.ledger.stats import AreaFigures, daily, figures
from db import areas as areas_db
from db import ledger as ledger_db
from db import people as people_db
from db.kinds import DigestStatus
from db.ledger import DigestDelivery
from messages import locale_for, render

GRACE = timedelta(days=1)         # a digest missed by more than this (the bot was down) is not sent late
DAYS = 7
MAX_ATTEMPTS = 5


def check_schedule(settings: Settings) -> None:
    """ConfigError naming `digest_cron` when it is not a cron expression."""
    try:
        if next_fire(settings.digest_cron, datetime(2026, 1, 1, tzinfo=settings.tz), settings) is None:
            raise ComposeError("bad_cron")
    except ComposeError:
        raise ConfigError("config_bad_value", name="digest_cron", value=settings.digest_cron) from None


def due(settings: Settings, now: datetime) -> datetime | None:
    """The latest time of the schedule at or before `now`, if it is within the grace period."""
    latest = None
    moment = next_fire(settings.digest_cron, now - GRACE, settings)
    while moment is not None and moment <= now:
        latest = moment
        moment = next_fire(settings.digest_cron, moment, settings)
    return latest


def period_before(moment: datetime, settings: Settings) -> Period:
    """The seven local days before the day of `moment`."""
    last = moment.astimezone(settings.tz).date() - timedelta(days=1)
    return Period(last - timedelta(days=DAYS - 1), last)


def fire_due(conn: sqlite3.Connection, settings: Settings, now: datetime) -> int | None:
    """Start the digest due now, once: the run and one pending delivery per leader or admin and area."""
    moment = due(settings, now)
    if moment is None or ledger_db.digest_started(conn, stamp(moment)):
        return None
    period = period_before(moment, settings)
    run_id = ledger_db.start_digest(conn, stamp(moment), period.day_from, period.day_to, stamp(now))
    if run_id is not None:
        ledger_db.add_digest_deliveries(conn, run_id, ledger_db.digest_recipients(conn))
    return run_id


def pending(conn: sqlite3.Connection, limit: int) -> list[DigestDelivery]:
    return ledger_db.pending_digests(conn, limit)


@dataclass(frozen=True)
class Digest:
    """One person's digest: the caption, and what the chart shows."""

    caption: str
    title: str
    days: list[str]
    series: dict[str, list[int]]
    axis_label: str
    figures: AreaFigures


def content(conn: sqlite3.Connection, settings: Settings, delivery: DigestDelivery, now: datetime) -> Digest | None:
    """The digest of one delivery, in its reader's language (None when the area no longer exists)."""
    area = areas_db.by_id(conn, delivery.area_id)
    if area is None:
        return None
    locale = locale_for(people_db.language_of(conn, delivery.chat_id), settings.locale)
    period = Period(date.fromisoformat(delivery.period_from), date.fromisoformat(delivery.period_to))
    fig = figures(conn, area, period, now)
    per_day = daily(conn, area, period)
    kinds = sorted({kind for counts in per_day.values() for kind in counts}) or [k.kind for k in fig.kinds]
    return Digest(render("ledger/digest", locale, fig=fig),
                  render("ledger/chart_title", locale, area=area, period=period),
                  [day[5:] for day in per_day],
                  {labels.sheet_title(kind, locale): [counts.get(kind, 0) for counts in per_day.values()]
                   for kind in kinds},
                  render("ledger/chart_axis", locale), fig)


def draw(digest: Digest) -> bytes:
    """The chart as PNG bytes (CPU work: run it in a worker thread)."""
    return chart.daily_bars(digest.title, digest.days, digest.series, digest.axis_label)


def settle(conn: sqlite3.Connection, delivery: DigestDelivery, error: str | None, now: datetime,
           final: bool) -> None:
    """Sent (error None), failed for good, or to be tried again later (up to MAX_ATTEMPTS)."""
    status: DigestStatus
    if error is None:
        status = "sent"
    elif final or delivery.attempts + 1 >= MAX_ATTEMPTS:
        status = "failed"
    else:
        status = "pending"
    ledger_db.settle_digest(conn, delivery.id, status, error, stamp(now))
