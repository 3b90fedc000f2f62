"""Residents' satisfaction: the reporter of a resolved report is asked once to rate it; the rating counts in the
figures and the assessment, and nobody else can rate it for them."""

from __future__ import annotations

from bot.services.ledger import periods
from bot.services.ledger.stats import figures
from db import areas as areas_db
from tests.scenario import DISPUTE, report_from_group, team


async def test_the_reporter_rates_a_resolved_report_once(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await li_na.press(card, "接单")
    await driver.expect(resident.private)
    await li_na.press(card, "办结")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已调解，双方和解")

    await driver.expect(resident.private)                        # resolved, with the outcome
    question = await driver.expect(resident.private)
    scores = [b["callback_data"] for b in question.buttons]
    assert len(scores) == 5 and all(s.startswith("sat|") for s in scores)
    report_id = int(scores[0].split("|")[1])

    stranger = await driver.user("路人")
    forged = await stranger.press_data(resident.private, question.message_id, f"sat|{report_id}|1", forge=True)
    assert (await driver.answer(forged)).data["show_alert"]
    pressed = await resident.press_data(resident.private, question.message_id, f"sat|{report_id}|4")
    assert not (await driver.answer(pressed)).data["show_alert"]
    assert not (await driver.expect(resident.private, kinds=("edit",))).buttons
    again = await resident.press_data(resident.private, question.message_id, f"sat|{report_id}|5", forge=True)
    await driver.answer(again)

    grid = await bot.db.read(areas_db.by_code, "G0101")
    fig = await bot.db.read(figures, grid, periods.preset("today", clock.now(), settings), clock.now())
    assert (fig.total.rated, fig.satisfaction) == (1, 4.0)
