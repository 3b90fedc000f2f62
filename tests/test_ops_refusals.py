"""Refused presses go to the audit log, a few per person per minute, and never into a report's history."""

from __future__ import annotations

from bot.services.refusals import ACTION, PER_MINUTE
from db import audit
from db import reports as reports_db
from tests.scenario import DISPUTE, assigned_dispute, report_from_group, team


async def test_a_flood_of_refused_presses_leaves_the_history_alone(bot, driver, clock):
    case = await assigned_dispute(bot, driver, clock)
    li_na, card, report = case.worker, case.card, case.report
    history = await bot.db.read(reports_db.events, report.id)
    intruder = await driver.user("路人")

    for _ in range(3 * PER_MINUTE):
        pressed = await intruder.press_data(li_na.private, card.message_id, f"r|{report.id}|acc", forge=True)
        assert (await driver.answer(pressed)).data["show_alert"]

    assert await bot.db.read(reports_db.events, report.id) == history
    logged = await bot.db.read(audit.entries, f"report:{report.id}", ACTION)
    assert len(logged) == PER_MINUTE and {e["actor_user"] for e in logged} == {intruder.id}

    clock.advance(minutes=1, seconds=1)
    pressed = await intruder.press_data(li_na.private, card.message_id, f"r|{report.id}|res", forge=True)
    await driver.answer(pressed)
    assert len(await bot.db.read(audit.entries, f"report:{report.id}", ACTION)) == PER_MINUTE + 1
    assert await bot.db.read(reports_db.events, report.id) == history


async def test_each_person_has_their_own_quota(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    report = await bot.db.read(reports_db.by_number, number)
    flooder, other = await driver.user("甲"), await driver.user("乙")

    for _ in range(PER_MINUTE + 2):
        await driver.answer(await flooder.press_data(li_na.private, card.message_id, f"r|{report.id}|esc", forge=True))
    await driver.answer(await other.press_data(li_na.private, card.message_id, f"r|{report.id}|esc", forge=True))

    actors = [e["actor_user"] for e in await bot.db.read(audit.entries, f"report:{report.id}", ACTION)]
    assert actors.count(flooder.id) == PER_MINUTE and actors.count(other.id) == 1
