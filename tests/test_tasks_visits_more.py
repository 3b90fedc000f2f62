"""Follow-up visits after a tip: a verified tip (a tip is resolved by its verdict, not by 办结) schedules the visit
of `visit_days_by_kind`; an unfounded one has nothing to follow up; at the time the worker records it settled
and the tip stays resolved; a visit called off from the worker's message never comes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.app.harness import running_bot
from db import reports as reports_db
from db import visits as visits_db
from tests.scenario import context_of, names_in, next_from, team, template_of
from tests.tasks_helpers import press_matching
from tests.tips_helpers import TIPSTER, expect_buttons, press, report_id, send_tip


async def test_a_verified_tip_is_visited_and_settled(settings, clock, db, city, sandbox):
    visiting = replace(settings, visit_days_by_kind=(("tip", 3),))
    async with running_bot(visiting, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew = await team(bot, driver, clock, workers=("李娜",))      # both tips reach her
        li_na = crew.workers[0]
        numbers = []
        for verdict, reason in (("ver", "属实，已登记"), ("unf", "查无此事")):
            tipster = await driver.user(**(TIPSTER if verdict == "ver" else {"first_name": "另一位举报人"}))
            await send_tip(driver, tipster, crew.group)
            card = await expect_buttons(driver, li_na.private)
            tip_id = report_id(card)
            numbers.append(tip_id)
            await press(li_na, card, f"t|{tip_id}|{verdict}")
            await driver.expect(li_na.private)
            await li_na.says(li_na.private, reason)
        verified, unfounded = numbers

        scheduled = await next_from(driver, li_na.private, "tasks/visit/scheduled")
        assert context_of(scheduled, "tasks/visit/scheduled")["days"] == 3
        assert [v.days for v in await bot.db.read(visits_db.of_report, verified)] == [3]
        assert await bot.db.read(visits_db.of_report, unfounded) == []

        clock.advance(timedelta(days=3, minutes=1))
        await bot.runtime.tick()
        task = await next_from(driver, li_na.private, "tasks/visit/task")
        assert scheduled.message_id != task.message_id
        settled = await driver.answer(await press_matching(li_na, task, r"vi\|\d+\|ok"))
        assert template_of(bot, settled) == "tasks/visit/outcome/settled"
        [visit] = await bot.db.read(visits_db.of_report, verified)
        assert visit.status == "settled"
        tip = await bot.db.read(reports_db.get, verified)
        assert tip.status == "resolved"
        assert [e.action for e in await bot.db.read(reports_db.events, verified)][-2:] == ["visit_scheduled",
                                                                                          "visit_settled"]


async def test_a_visit_called_off_never_comes(settings, clock, db, city, sandbox):
    from tests.test_tasks_visits import resolved_dispute

    visiting = replace(settings, visit_days_by_kind=(("dispute", 7),))
    async with running_bot(visiting, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew, li_na, resident, report, _ = await resolved_dispute(bot, driver, clock)
        scheduled = await next_from(driver, li_na.private, "tasks/visit/scheduled")
        assert context_of(scheduled, "tasks/visit/scheduled")["days"] == 7
        await driver.answer(await press_matching(li_na, scheduled, r"vi\|\d+\|x"))
        [visit] = await bot.db.read(visits_db.of_report, report.id)
        assert visit.status == "cancelled"
        clock.advance(timedelta(days=8))
        await bot.runtime.tick()
        assert not [m for m in await driver.sent(li_na.private) if "tasks/visit/task" in names_in(m)]
