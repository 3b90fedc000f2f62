"""A grid's report-number counters of past days are forgotten by the daily housekeeping; today's counting goes on
where it was, so numbers stay unique."""

from __future__ import annotations

from bot.app.wiring import housekeeping
from tests.scenario import DISPUTE, report_from_group, team


def counter_days(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT day FROM report_counters ORDER BY day")]


async def test_old_days_counters_go_and_todays_numbering_continues(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    first = await report_from_group(driver, resident, crew.group, DISPUTE)
    clock.advance(days=3)
    today = [await report_from_group(driver, resident, crew.group, DISPUTE) for _ in range(2)]
    assert len(await bot.db.read(counter_days)) == 2

    await housekeeping(bot.runtime)

    [kept] = await bot.db.read(counter_days)
    assert kept == today[0].split("-")[1] != first.split("-")[1]
    later = await report_from_group(driver, resident, crew.group, DISPUTE)
    assert [n.rsplit("-", 1)[1] for n in (*today, later)] == ["0001", "0002", "0003"]
