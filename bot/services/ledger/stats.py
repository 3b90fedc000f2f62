"""An area's figures for a period, from the summary tables: reports by kind and status, backlog, times to
accept and resolve (median and p90), on-time shares, escalations, satisfaction, broadcasts delivered."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

from bot.core.clock import stamp
from bot.core.config import Settings
from bot.services.ledger.periods import Period
from db import ledger as ledger_db
from db import stats as stats_db
from db.areas import Area
from db.stats import Backlog, KindCounts, Phase, bucket_bounds


@dataclass(frozen=True)
class Latency:
    """Seconds from submission, over the reports of the period that got there (None when none did)."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Child:
    area: Area
    created: int


@dataclass(frozen=True)
class AreaFigures:
    area: Area
    period: Period
    kinds: list[KindCounts]
    total: KindCounts
    backlog: Backlog
    accept: Latency
    resolve: Latency
    broadcasts: int
    children: list[Child]

    @property
    def accept_on_time(self) -> float | None:
        """Of the reports accepted, the share accepted by their due time (0…1)."""
        return share(self.total.accept_on_time, self.total.accept_on_time + self.total.accept_late)

    @property
    def resolve_on_time(self) -> float | None:
        return share(self.total.resolve_on_time, self.total.resolve_on_time + self.total.resolve_late)

    @property
    def satisfaction(self) -> float | None:
        """Of the residents who answered 满意 or 不满意, the share satisfied (0…1; None when nobody answered)."""
        return share(self.total.satisfied, self.total.answered)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def quantile(buckets: list[tuple[int, int]], q: float) -> float | None:
    """The q-quantile of a histogram, interpolated within its bucket."""
    total = sum(n for _, n in buckets)
    if not total:
        return None
    target, seen = q * total, 0
    for bucket, n in buckets:
        if seen + n >= target:
            low, high = bucket_bounds(bucket)
            return low + (high - low) * (target - seen) / n
        seen += n
    return float(bucket_bounds(buckets[-1][0])[1])


def latency(buckets: list[tuple[int, int]]) -> Latency:
    return Latency(sum(n for _, n in buckets), quantile(buckets, 0.5), quantile(buckets, 0.9))


def total_of(kinds: list[KindCounts]) -> KindCounts:
    total = KindCounts("")
    for counts in kinds:
        total = replace(total, **{f.name: getattr(total, f.name) + getattr(counts, f.name)
                                  for f in fields(KindCounts) if f.name != "kind"})
    return total


def figures(conn: sqlite3.Connection, area: Area, period: Period, now: datetime) -> AreaFigures:
    """Every figure of `area` for `period` (read only: a handful of indexed queries)."""
    kinds = stats_db.counts(conn, area.id, period.day_from, period.day_to)
    times: dict[Phase, list[tuple[int, int]]] = stats_db.latencies(conn, area.id, period.day_from, period.day_to)
    below = ledger_db.children(conn, area.id)
    created = stats_db.created_by_area(conn, [a.id for a in below], period.day_from, period.day_to)
    return AreaFigures(
        area, period, kinds, total_of(kinds), stats_db.backlog(conn, area.id, stamp(now)),
        latency(times["accept"]), latency(times["resolve"]),
        stats_db.broadcasts_delivered(conn, area.id, period.day_from, period.day_to),
        [Child(a, created[a.id]) for a in below])


def daily(conn: sqlite3.Connection, area: Area, period: Period) -> dict[str, dict[str, int]]:
    """Reports made per day and kind over the period (every day present, empty when none): for the chart."""
    out: dict[str, dict[str, int]] = {}
    for ordinal in range(period.first.toordinal(), period.last.toordinal() + 1):
        out[date.fromordinal(ordinal).isoformat()] = {}
    for day, kind, created in stats_db.created_by_day(conn, area.id, period.day_from, period.day_to):
        out.setdefault(day, {})[kind] = created
    return out


def standard_offset_minutes(settings: Settings) -> int:
    """The timezone's offset from UTC without daylight saving: the summaries count days in it."""
    moment = datetime(2026, 1, 15, 12, tzinfo=settings.tz)
    offset = (moment.utcoffset() or timedelta()) - (moment.dst() or timedelta())
    return int(offset.total_seconds() // 60)


def prepare(conn: sqlite3.Connection, settings: Settings) -> bool:
    """Count the summaries' days in the configured timezone (rebuilding them once if it changed)."""
    return stats_db.set_offset(conn, standard_offset_minutes(settings))
