"""Fired and cancelled timers are deleted by the retention purge (nothing reads them again); pending ones stay
and still fire, and the ledger and the report's history still count what the fired ones did."""

from __future__ import annotations

from datetime import timedelta

from bot.app.serve import purge
from tests.scenario import DISPUTE, card_action, expect_from, press_data, report_from_group, team


def timer_states(conn) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute("SELECT kind, state FROM timers ORDER BY id")]


def ledger(conn) -> tuple[list[tuple], ...]:
    return tuple([tuple(r) for r in conn.execute(sql)] for sql in (
        "SELECT * FROM area_day_counts ORDER BY area_id, day, kind",
        "SELECT * FROM area_day_latency ORDER BY area_id, day, phase, bucket",
        "SELECT e.report_id, e.at, a.name FROM report_events e JOIN report_actions a ON a.id = e.action"
        " ORDER BY e.report_id, e.seq"))


async def test_finished_timers_go_pending_ones_stay_and_fire(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    clock.advance(minutes=settings.accept_minutes_normal + 1)
    assert await bot.runtime.tick() == 1                             # the accept reminder fired
    reminder = await driver.expect(li_na.private)
    await press_data(li_na, reminder, card_action(reminder, "acc"))
    await expect_from(driver, resident.private, "report/status_accepted")
    before = await bot.db.read(timer_states)
    assert ("accept", "done") in before and ("resolve", "pending") in before
    figures = await bot.db.read(ledger)

    done = await purge(bot.runtime)

    assert done.timers == sum(state != "pending" for _, state in before)
    assert await bot.db.read(timer_states) == [("resolve", "pending")]
    assert await bot.db.read(ledger) == figures
    assert "reminded" in {action for _, _, action in figures[2]}
    clock.advance(hours=settings.resolve_hours_normal + 1)
    assert await bot.runtime.tick() == 1                             # the one left still fires
    assert card.chat_id == li_na.private
