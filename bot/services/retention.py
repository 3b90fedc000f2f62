"""Retention (PIPL: personal information kept no longer than needed): what is past its time, and erasing it.

After `retain_personal_days` a resolved report keeps what statistics need — its number, grid, kind,
priority, status, times and the answers that are a choice among fixed options (travel mode, dispute
category, …) — and loses names, phones, addresses, ID numbers, photos, free texts, the outcome's text and who
filed it; residents nobody needs any more are forgotten. Its service tasks lose the same (who was monitored,
the temperatures typed, the household the arrival added); a report whose monitoring or follow-up visit still runs
waits for it. Test reminders (who was reminded, their answer) go `retain_personal_days` after their time;
households no import or arrival confirmed for `retain_households_days` lose their head's name, phone and
Telegram id. Sent messages, handled update ids, abandoned forms, report histories and the audit log are deleted
after their own settings (the audit log is kept longest)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import stamp
from bot.core.config import Settings
from db import audit
from db import retention as retention_db
from db.retention import Cutoffs

# Answers that are a choice among fixed options: statistics, not personal details.
STATISTIC_ANSWERS = frozenset({"kind", "behalf", "travel", "health", "test_result", "category", "urgency"})
# What a report's history may keep: levels, phases, enumerated reasons and answers, numbers of days, and the staff
# who handled it.
EVENT_KEYS = frozenset({"priority", "level", "phase", "reason", "to", "person", "days", "early", "rules", "method",
                        "answer"})
OPTION_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
BATCH = 500
# Erased reports are packed (db.retention.pack_erased) up to those filed this long before the personal cut: by
# then nearly every report filed is resolved and erased; the few that are not are passed.
PACK_LAG_DAYS = 30
PRUNED = ("outbox", "updates", "conversations", "events", "audit", "reminders", "timers")


@dataclass
class Purged:
    """What a purge erased (or, dry, would erase)."""
    reports: int = 0
    residents: int = 0
    outbox: int = 0
    updates: int = 0
    conversations: int = 0
    events: int = 0
    audit: int = 0
    reminders: int = 0
    timers: int = 0                                        # fired or cancelled
    households: int = 0                                    # masked: their head's name, phone and Telegram id
    numbers: list[str] = field(default_factory=list)       # the reports' numbers, for the operator

    def add(self, other: "Purged") -> None:
        for f in fields(self):
            if f.name != "numbers":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.numbers += other.numbers

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self) if f.name != "numbers")


# The daily housekeeping (bot.app.wiring.housekeeping; bench/yeargen.py runs it too): update ids are forgotten after
# two days, and the bodies of sent messages are cleared after `outbox_keep_days`, this many rows per transaction.
BODIES_BATCH = 1000


@dataclass(frozen=True)
class HousekeepingCuts:
    updates_before: str        # handled update ids are forgotten
    bodies_before: str         # sent messages lose their text and keyboard
    counters_before: str       # a grid's report-number counters of local days before this one (YYYYMMDD) go


def housekeeping_cuts(settings: Settings, now: datetime) -> HousekeepingCuts:
    # A report's number counts within its grid and local day (db.reports.next_number): once that day is over its
    # counter is never read again, and two days leave room for a clock set back. A year kept them all: 0.5
    # million rows, 23 MB.
    two_days_ago = now - timedelta(days=2)
    return HousekeepingCuts(stamp(two_days_ago), stamp(now - timedelta(days=settings.outbox_keep_days)),
                            two_days_ago.astimezone(settings.tz).strftime("%Y%m%d"))


def cutoffs(settings: Settings, now: datetime) -> Cutoffs:
    def ago(days: float) -> str:
        return stamp(now - timedelta(days=days))
    return Cutoffs(ago(settings.retain_personal_days), ago(settings.retain_outbox_days),
                   ago(settings.retain_updates_days), ago(settings.retain_events_days),
                   ago(settings.retain_audit_days), ago(settings.retain_households_days))


def keep_answer(key: str, value: Any) -> bool:
    return key in STATISTIC_ANSWERS and isinstance(value, str) and OPTION_CODE.fullmatch(value) is not None


def keep_event_detail(key: str, value: Any) -> bool:
    return key in EVENT_KEYS and (not isinstance(value, str) or key in ("to", "person") or
                                  OPTION_CODE.fullmatch(value) is not None)


def _cut(c: Cutoffs, kind: str) -> str:
    return {"outbox": c.outbox, "updates": c.updates, "conversations": c.updates, "events": c.events,
            "audit": c.audit, "reminders": c.personal, "timers": c.updates}[kind]


def due(conn: sqlite3.Connection, settings: Settings, now: datetime) -> Purged:
    """What a purge would erase now, changing nothing (`gridbot purge --dry-run`)."""
    c = cutoffs(settings, now)
    numbers = [n for _, n in retention_db.erasable_reports(conn, c.personal, -1)]
    result = Purged(reports=len(numbers), residents=len(retention_db.idle_residents(conn, c.personal, -1)),
                    numbers=numbers, households=retention_db.count_households(conn, c.households, c.personal))
    for kind in PRUNED:
        setattr(result, kind, retention_db.count_prunable(conn, kind, _cut(c, kind)))
    return result


@dataclass
class PurgeRun:
    """One purge, a batch per transaction: call `step(conn)` in a transaction of its own while it returns True.
    A kind whose batch came back short has nothing left this run: later batches do not look for it again, so a
    year's backlog is worked off without searching every exhausted table once per batch."""
    settings: Settings
    now: datetime
    total: Purged = field(default_factory=Purged)
    exhausted: set[str] = field(default_factory=set)
    residents_after: int = 0                               # the last user id a batch looked at
    packed: int = 0                                        # reports the packing went past

    def step(self, conn: sqlite3.Connection) -> bool:
        """Erase and prune at most `BATCH` rows of each kind (one transaction); True while it did anything."""
        packed = self.packed
        done = _purge_batch(conn, self)
        self.total.add(done)
        return done.total > 0 or self.packed > packed


def _purge_batch(conn: sqlite3.Connection, run: PurgeRun) -> Purged:
    c = cutoffs(run.settings, run.now)
    ts = stamp(run.now)
    result = Purged()
    retention_db.secure_delete(conn, True)
    try:
        _erase_and_prune(conn, c, ts, result, run)
    finally:
        retention_db.secure_delete(conn, False)
    if result.total:
        audit.record(conn, ts, None, "retention_purge", "", reports=result.reports, residents=result.residents,
                     outbox=result.outbox, updates=result.updates, conversations=result.conversations,
                     events=result.events, audit=result.audit, reminders=result.reminders, timers=result.timers,
                     households=result.households)
    return result


def _erase_and_prune(conn: sqlite3.Connection, c: Cutoffs, ts: str, result: Purged, run: PurgeRun) -> None:
    def batch(kind: str, count: int) -> int:
        if count < BATCH:
            run.exhausted.add(kind)
        return count

    if "reports" not in run.exhausted:
        reports = retention_db.erasable_reports(conn, c.personal, BATCH)
        batch("reports", len(reports))
        if reports:
            ids = [r for r, _ in reports]
            retention_db.erase_reports(conn, ids, ts, keep_answer, keep_event_detail)
            result.reports, result.numbers = len(reports), [n for _, n in reports]
            result.households = retention_db.erase_tasks(conn, ids)
    # Only once nothing is left to erase: a report the packing passes unerased stays unpacked.
    if "reports" in run.exhausted and "packed" not in run.exhausted:
        filed_before = stamp(run.now - timedelta(days=run.settings.retain_personal_days + PACK_LAG_DAYS))
        run.packed += batch("packed", retention_db.pack_erased(conn, filed_before, BATCH))
    for kind in PRUNED:
        if kind not in run.exhausted:
            setattr(result, kind, batch(kind, retention_db.prune(conn, kind, _cut(c, kind), BATCH)))
    if "households" not in run.exhausted:
        result.households += batch("households", retention_db.mask_stale_households(conn, c.households, BATCH))
    # Residents last: a form pruned just now may have been what kept one (one whose id this run has passed
    # already waits for the next run).
    if "residents" not in run.exhausted:
        idle = retention_db.idle_residents(conn, c.personal, BATCH, run.residents_after)
        run.residents_after = max(idle, default=run.residents_after)
        result.residents = batch("residents", retention_db.forget_residents(conn, idle))
