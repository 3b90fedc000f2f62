"""Timers and scheduled notices keep firing when the wall clock jumps back (NTP, a restored VM): the tick runs
on a monotonic interval and compares due times with the clock as it reads at each tick."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

import pytest

from bot.app.harness import running_bot
from bot.services.broadcasting import Draft, create
from tests.scenario import eventually, new_group, started


class JumpingWallClock(datetime):
    """`datetime.now()` as a scheduler reading the system clock sees it: real time plus a jump."""

    jump = timedelta(0)

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return datetime.now(tz) + cls.jump


@pytest.fixture
def wall_clock(monkeypatch):
    """The system clock of this process, as far as anything scheduled on wall-clock time can tell."""
    import apscheduler.schedulers.base

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", JumpingWallClock)
    monkeypatch.setattr(JumpingWallClock, "jump", timedelta(0))
    return JumpingWallClock


async def test_a_backward_clock_jump_stops_neither_timers_nor_scheduled_notices(settings, clock, db, city, sandbox,
                                                                              wall_clock):
    async with running_bot(settings.with_overrides(tick_seconds=0.05), clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        admin = await started(driver, "钱文华", 900002)
        group = await new_group(driver, "G0101 居民群", [admin], added_by=admin)
        await admin.says(group, "/bind G0101")
        await driver.expect(group)
        draft = Draft("G0101", None, {"text": "周六上午大扫除"}, "at", "2026-04-09 09:30", False)
        await db.write(create, bot.runtime.settings, None, draft, clock.now())      # the clock reads 09:00

        ticks = []
        real_tick = bot.runtime.tick

        async def counted() -> int:
            ticks.append(clock.now())
            return await real_tick()

        bot.runtime.tick = counted                                                   # type: ignore[method-assign]
        assert await eventually(lambda: _at_least(ticks, 2))

        clock.advance(hours=-3)                                                      # the clock jumps back
        wall_clock.jump = timedelta(hours=-3)
        ticked = len(ticks)
        assert await eventually(lambda: _at_least(ticks, ticked + 3)), "no tick since the clock jumped back"

        clock.advance(hours=3, minutes=31)                                           # and forward, past 09:30
        wall_clock.jump = timedelta(minutes=31)
        notice = await driver.expect(group)
        assert notice.text == "周六上午大扫除"


async def _at_least(ticks: list, count: int) -> bool:
    return len(ticks) >= count
