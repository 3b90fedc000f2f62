"""Assessment: per worker and per grid, a month's reports scored by the formula in the settings; the top of the
table drafted as a commendation that goes through the normal broadcast flow, with staff names and grids only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.services import casework, visits
from bot.services.ledger import periods
from bot.services.ledger.assessment import assess
from db import areas as areas_db
from db import broadcasts as broadcasts_db
from db import people as people_db
from db import visits as visits_db
from tests.scenario import ARRIVAL, PERSONAL, RECORDING, context_of, expect_from, team
from tests.test_ledger_tasks import file_reports


def honoured(text: str) -> list[tuple[str, str | None]]:
    """Whom a commendation names in `text`, each with their grid: the cards `ledger/honours` was rendered with."""
    [record] = [r for r in RECORDING.inside(text) if r.name == "ledger/honours"]
    return [(c.name, c.grid.name if c.grid else None) for c in record.context["cards"]]


async def a_month_of_work(bot, clock, settings, crew):
    """李娜 accepts and resolves in time (the resident satisfied); 张伟 accepts late; a third report 李娜 escalates
    to the leader."""
    start = clock.now()
    first, second, third = await file_reports(bot, clock, settings, "G0101", 3, 700000)
    li_na, zhang_wei = crew.workers
    clock.advance(minutes=10)
    await bot.db.write(casework.accept, settings, first.id, li_na.id, clock.now())
    clock.advance(minutes=50)
    await bot.db.write(casework.resolve, settings, first.id, li_na.id, "已上门处理", clock.now())
    ask = (await bot.db.read(visits_db.answered, first.id))[-1]
    await bot.db.write(visits.satisfaction, settings, ask.user_id, ask.id, "satisfied", clock.now())
    li_na_person = await bot.db.read(people_db.by_telegram_id, li_na.id)
    await bot.db.write(casework.transfer, settings, third.id, crew.leader.id, li_na_person.id, clock.now())
    await bot.db.write(casework.escalate, settings, third.id, li_na.id, clock.now())
    clock.advance(start + timedelta(minutes=180) - clock.now())
    await bot.db.write(casework.accept, settings, second.id, zhang_wei.id, clock.now())
    clock.advance(minutes=20)
    await bot.db.write(casework.resolve, settings, second.id, zhang_wei.id, "已调解", clock.now())
    return first, second, third


async def test_each_worker_is_scored_by_the_formula_in_the_settings(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    await a_month_of_work(bot, clock, settings, crew)
    clock.advance(hours=3)                                      # the escalated report is now overdue
    jh = await bot.db.read(areas_db.by_code, "JH")
    month = periods.month(clock.now().astimezone(settings.tz).strftime("%Y-%m"))

    found = await bot.db.read(assess, settings, jh, month, clock.now())
    cards = {c.name: c for c in found.workers}
    li_na, zhang_wei, leader = cards["李娜"], cards["张伟"], cards["王强"]
    assert (li_na.handled, li_na.accept_on_time, li_na.resolve_on_time, li_na.satisfaction, li_na.escalated_away,
            li_na.score) == (1, 1.0, 1.0, 1.0, 1, 95.0)
    assert (zhang_wei.handled, zhang_wei.accept_on_time, zhang_wei.resolve_on_time, zhang_wei.score) \
        == (1, 0.0, 1.0, 60.0)
    assert (leader.handled, leader.overdue, leader.score) == (1, 1, 98.0)
    assert li_na.accept_median == 12 * 60 and li_na.resolve_median == 62 * 60         # filed a minute apart
    assert [c.name for c in found.workers[:3]] == ["王强", "李娜", "张伟"]
    assert found.workers[-1].score is None and found.workers[-1].handled == 0       # no report: not ranked
    assert found.grids[0].grid.code == "G0101" and found.grids[0].handled == 3

    weighted = replace(settings, assessment_formula="100 * accept_on_time - 10 * escalated_away")
    reweighed = {c.name: c.score for c in (await bot.db.read(assess, weighted, jh, month, clock.now())).workers}
    assert (reweighed["李娜"], reweighed["张伟"]) == (90.0, 0.0)


async def test_the_assessment_button_drafts_a_commendation_through_the_broadcast_flow(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    await a_month_of_work(bot, clock, settings, crew)
    town = crew.town_admin
    jh = await bot.db.read(areas_db.by_code, "JH")
    month = clock.now().astimezone(settings.tz).strftime("%Y-%m")
    code = periods.month(month).code

    await driver.skip(town.private)
    await town.says(town.private, f"/assessment {month}")
    table = await expect_from(driver, town.private, "ledger/assessment")
    assert "李娜" in table.text and "40 * accept_on_time" in table.text
    assert f"cm|{jh.id}|{code}" in {b["callback_data"] for b in table.buttons}

    await town.press_data(town.private, table.message_id, f"cm|{jh.id}|{code}")
    audience = await driver.expect(town.private)
    assert "b|aud|JH" in {b["callback_data"] for b in audience.buttons}
    await town.press_data(town.private, audience.message_id, "b|aud|JH")
    when = await driver.expect(town.private)
    await town.press_data(town.private, when.message_id, "b|when|at")
    await driver.expect(town.private)
    at = (clock.now() + timedelta(days=3)).astimezone(settings.tz).strftime("%Y-%m-%d 09:00")
    await town.says(town.private, at)
    pin = await driver.expect(town.private)
    await town.press_data(town.private, pin.message_id, "b|pin|0")
    preview = await driver.expect(town.private)
    while "b|ok" not in {b["callback_data"] for b in preview.buttons}:
        assert ("李娜", "府前社区第一网格") in honoured(preview.data.get("html") or preview.text)  # as groups see it
        preview = await driver.expect(town.private)
    await town.press_data(town.private, preview.message_id, "b|ok")
    await driver.expect(town.private)

    [notice] = await bot.db.read(broadcasts_db.listed)
    assert notice.template == "commendation" and notice.created_by == town.id and notice.audience_code == "JH"
    assert ("李娜", "府前社区第一网格") in honoured(notice.body) and "张伟" in notice.body
    residents = [w for w in PERSONAL if w not in ("王强", "李娜", "张伟", "孙丽", "钱文华")] + [ARRIVAL["phone"], "甲0与乙"]
    assert not any(word in notice.body for word in residents)


async def test_assessment_is_for_leaders_and_admins_in_their_area(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na, leader = crew.workers[0], crew.leader
    g0102 = await bot.db.read(areas_db.by_code, "G0102")
    code = periods.month("2026-04").code

    await li_na.says(li_na.private, "/assessment")
    refusal = await expect_from(driver, li_na.private, "ledger/not_allowed")
    assert context_of(refusal, "ledger/not_allowed")["view"] == "assessment"
    await driver.skip(leader.private)
    await leader.says(leader.private, "/assessment 2026-04")
    table = await driver.expect(leader.private)
    for data in (f"as|{g0102.id}|{code}", f"cm|{g0102.id}|{code}"):
        pressed = await leader.press_data(leader.private, table.message_id, data, forge=True)
        assert (await driver.answer(pressed)).data["show_alert"]
    assert await driver.nothing_new(leader.private)
