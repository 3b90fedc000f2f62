"""The ⭐ rating buttons of messages sent before satisfaction had one question still work: a press by the reporter
answers the resolution's 满意 / 不满意 question (kept once, in the one place), nobody else's press counts, and a
second answer is refused."""

from __future__ import annotations

from bot.services import casework
from bot.services.ledger import periods
from bot.services.ledger.stats import figures
from db import areas as areas_db
from db import visits as visits_db
from tests.test_ledger_tasks import file_reports
from tests.scenario import started, team


async def test_an_old_star_press_answers_the_one_question(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    resident = await started(driver, "居民", 300001)
    [report] = await file_reports(bot, clock, settings, "G0101", 1, resident.id)
    li_na = crew.workers[0]
    await bot.db.write(casework.accept, settings, report.id, li_na.id, clock.now())
    await bot.db.write(casework.resolve, settings, report.id, li_na.id, "已调解", clock.now())
    bot.runtime.sender.wake()
    assert await bot.runtime.sender.drained()
    old = (await driver.events(0, resident.private, kinds=["send"]))[-1]      # stands for a message with ⭐ buttons

    stranger = await driver.user("路人")
    forged = await stranger.press_data(resident.private, old.message_id, f"sat|{report.id}|1", forge=True)
    assert (await driver.answer(forged)).data["show_alert"]
    pressed = await resident.press_data(resident.private, old.message_id, f"sat|{report.id}|4", forge=True)
    assert not (await driver.answer(pressed)).data["show_alert"]
    again = await resident.press_data(resident.private, old.message_id, f"sat|{report.id}|1", forge=True)
    await driver.answer(again)

    assert [a.answer for a in await bot.db.read(visits_db.answered, report.id)] == ["satisfied"]
    grid = await bot.db.read(areas_db.by_code, "G0101")
    fig = await bot.db.read(figures, grid, periods.preset("today", clock.now(), settings), clock.now())
    assert (fig.total.answered, fig.satisfaction) == (1, 1.0)
