"""Follow-up visits and satisfaction: resolving a dispute schedules a visit (visit_days_by_kind, changeable from
the worker's message); at the time the worker gets it with the case history; not settled reopens the report to
them; the resident answers 满意 / 不满意 / skip once, 不满意 reopening it to the grid leader; a restart neither
loses nor repeats a visit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app.harness import running_bot
from db import reports as reports_db
from db import visits as visits_db
from sandbox import SandboxDriver
import messages
from tests.scenario import (DISPUTE, card_action, context_of, next_from, press_data, report_from_group, team,
                            template_of)
from tests.tasks_helpers import press_matching


@pytest.fixture
def visiting(settings):
    return replace(settings, visit_days_by_kind=(("dispute", 7),))


async def resolved_dispute(bot, driver, clock, crew=None):
    crew = crew or await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await press_data(li_na, card, card_action(card, "res"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已调解，双方和好")
    resolved = await next_from(driver, resident.private, "report/status_resolved")
    return crew, li_na, resident, await bot.db.read(reports_db.by_number, number), resolved


async def test_a_visit_rescheduled_then_not_settled_reopens_the_dispute(visiting, clock, db, city, sandbox):
    async with running_bot(visiting, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew, li_na, resident, report, _ = await resolved_dispute(bot, driver, clock)
        scheduled = await next_from(driver, li_na.private, "tasks/visit/scheduled")
        assert context_of(scheduled, "tasks/visit/scheduled")["days"] == 7

        for person in (resident, crew.workers[1]):
            forged = await person.press_data(scheduled.chat_id, scheduled.message_id,
                                             scheduled.buttons[0]["callback_data"], forge=True)
            assert (await driver.answer(forged)).data["show_alert"]
        moved = await driver.answer(await press_matching(li_na, scheduled, r"vi\|\d+\|d\|3"))
        assert template_of(bot, moved) == "tasks/visit/outcome/rescheduled"
        [visit] = await bot.db.read(visits_db.of_report, report.id)
        assert visit.days == 3 and visit.status == "scheduled"

        clock.advance(timedelta(days=3, minutes=1))
        await bot.runtime.tick()
        task = await next_from(driver, li_na.private, "tasks/visit/task")
        assert report.number in task.text and "已调解，双方和好" in task.text and DISPUTE["parties"] in task.text
        unsettled = await driver.answer(await press_matching(li_na, task, r"vi\|\d+\|no"))
        assert template_of(bot, unsettled) == "tasks/visit/outcome/reopened"
        again = await li_na.press_data(task.chat_id, task.message_id, task.buttons[1]["callback_data"], forge=True)
        assert template_of(bot, await driver.answer(again)) == "tasks/visit/outcome/already"

        reopened = await next_from(driver, li_na.private, "report/card")
        assert context_of(reopened, "report/card")["headline"] == "reopened"
        assert report.number in reopened.text and "r|%d|res" % report.id in {b["callback_data"] for b in
                                                                             reopened.buttons}
        await next_from(driver, resident.private, "tasks/reopened_reporter")
        now = await bot.db.read(reports_db.get, report.id)
        assert (now.status, now.assignee_id, now.level, now.outcome) == ("accepted", report.assignee_id, 0, None)
        actions = [e.action for e in await bot.db.read(reports_db.events, report.id)]
        assert actions[-3:] == ["visit_scheduled", "visit_unsettled", "reopened"]
        [visit] = await bot.db.read(visits_db.of_report, report.id)
        assert visit.status == "unsettled"


async def test_satisfaction_once_and_unsatisfied_goes_to_the_leader(bot, driver, clock):
    crew, li_na, resident, report, resolved = await resolved_dispute(bot, driver, clock)
    answers = ("satisfied", "unsatisfied", "skipped")
    assert [b["text"] for b in resolved.buttons] == [messages.label("tasks/satisfaction/option", value=a)
                                                      for a in answers]
    assert [b["callback_data"].split("|")[2] for b in resolved.buttons] == list(answers)
    await next_from(driver, li_na.private, "casework/outcome/resolved")
    assert await driver.nothing_new(li_na.private)                      # no visit: none configured by default

    stranger = await driver.user("路人")
    forged = await stranger.press_data(resolved.chat_id, resolved.message_id, resolved.buttons[1]["callback_data"],
                                       forge=True)
    assert (await driver.answer(forged)).data["show_alert"]
    unsatisfied = await driver.answer(await press_matching(resident, resolved, r"sa\|\d+\|unsatisfied"))
    assert template_of(bot, unsatisfied) == "tasks/satisfaction/outcome/unsatisfied"
    twice = await resident.press_data(resolved.chat_id, resolved.message_id, resolved.buttons[0]["callback_data"],
                                      forge=True)
    assert template_of(bot, await driver.answer(twice)) == "tasks/satisfaction/outcome/already"

    card = await next_from(driver, crew.leader.private, "report/card")
    assert context_of(card, "report/card")["headline"] == "reopened"
    assert report.number in card.text and f"r|{report.id}|acc" in {b["callback_data"] for b in card.buttons}
    now = await bot.db.read(reports_db.get, report.id)
    assert (now.status, now.level, now.resolved_at) == ("open", 1, None)
    [ask] = await bot.db.read(visits_db.answered, report.id)
    assert ask.answer == "unsatisfied"

    # The leader resolves it again: asked again, and this time satisfied.
    await press_data(crew.leader, card, card_action(card, "res"))
    await driver.expect(crew.leader.private)
    await crew.leader.says(crew.leader.private, "已再次上门协调")
    second = await next_from(driver, resident.private, "report/status_resolved")
    await driver.answer(await press_matching(resident, second, r"sa\|\d+\|satisfied"))
    assert [a.answer for a in await bot.db.read(visits_db.answered, report.id)] == ["unsatisfied", "satisfied"]
    assert (await bot.db.read(reports_db.get, report.id)).status == "resolved"


async def test_a_restart_neither_loses_nor_repeats_a_visit(visiting, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    async with running_bot(visiting, clock, sandbox=sandbox, db=db) as bot:
        crew, li_na, resident, report, _ = await resolved_dispute(bot, driver, clock)
        await next_from(driver, li_na.private, "tasks/visit/scheduled")
    clock.advance(timedelta(days=8))                                        # due while the bot is down
    async with running_bot(visiting, clock, sandbox=sandbox, db=db):
        await next_from(driver, li_na.private, "tasks/visit/task")
    async with running_bot(visiting, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert await driver.nothing_new(li_na.private)
        [visit] = await bot.db.read(visits_db.of_report, report.id)
        assert visit.status == "due"
    await driver.close()
