"""The report conversation in private: validation, back, cancel, expiry, choosing the grid, restarts."""

from __future__ import annotations

from datetime import timedelta

from bot.app.harness import running_bot
from sandbox import SandboxDriver
from db import conversations as conv_db
from db import reports as reports_db
from tests.scenario import (ARRIVAL, DISPUTE, answer_step, asked, back_data, context_of, fill, names_in, new_group,
                            press_data, records_in, team, template_of)


async def open_form(driver, resident, group):
    await resident.says(group, "/report")
    intake = await driver.expect(group)
    await resident.start(intake.buttons[0]["url"].split("start=")[1])
    return await driver.expect(resident.private)


async def reports_of(bot):
    return await bot.db.read(reports_db.all_reports)


async def test_the_group_only_sees_a_link(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")

    await resident.says(crew.group, "/report")

    intake = await driver.expect(crew.group)
    assert intake.buttons[0]["url"] == "https://t.me/gridbot_sandbox_bot?start=r_G0101"
    assert template_of(bot, intake) == "report/group_intake"


async def test_an_unbound_group_is_told_to_bind(bot, driver):
    resident = await driver.user("居民")
    group = await new_group(driver, "闲聊群", [resident], added_by=resident)
    await resident.says(group, "/report")
    assert template_of(bot, await driver.expect(group)) == "report/group_not_bound"


async def test_bad_answers_are_explained_and_asked_again(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    question = await open_form(driver, resident, crew.group)
    question = await answer_step(driver, resident, question, "kind", "arrival")
    question = await answer_step(driver, resident, question, "behalf", "self")
    question = await answer_step(driver, resident, question, "name", "赵小满")

    for bad in ("12345", "138 1234 567a"):
        reply = await answer_step(driver, resident, question, "phone", bad)
        assert "report/invalid/bad_phone" in names_in(reply) and asked(reply) == "phone"
    question = await answer_step(driver, resident, question, "phone", "+86 139-1234-5678")
    question = await answer_step(driver, resident, question, "origin", "山东省济南市")
    for bad in ("2026-02-30", "下周", "2024-01-01"):
        reply = await answer_step(driver, resident, question, "arrival_date", bad)
        assert names_in(reply) & {"report/invalid/bad_date", "report/invalid/date_out_of_range"}
        assert asked(reply) == "arrival_date"
    question = await answer_step(driver, resident, question, "arrival_date", "2026-04-08")
    reply = await answer_step(driver, resident, question, "address", "长" * 501)
    assert context_of(reply, "report/invalid/too_long")["length"] == 501
    question = await answer_step(driver, resident, question, "address", "3号楼")
    await resident.says(resident.private, "走路")   # typed where buttons are asked, naming none of them
    reply = await driver.expect(resident.private)
    assert "report/invalid/not_a_choice" in names_in(reply)

    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert state["answers"]["phone"] == "13912345678"
    assert state["answers"]["arrival_date"] == "2026-04-08"
    assert "travel" not in state["answers"]
    assert await reports_of(bot) == []


async def test_back_changes_an_answer_and_cancel_drops_the_form(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    question = await open_form(driver, resident, crew.group)
    question = await answer_step(driver, resident, question, "kind", "dispute")
    question = await answer_step(driver, resident, question, "behalf", "other")
    question = await answer_step(driver, resident, question, "category", "family")
    await press_data(resident, question, back_data(question))
    question = await driver.expect(resident.private)
    assert asked(question) == "category"
    question = await answer_step(driver, resident, question, "category", "labour")
    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert state["answers"]["category"] == "labour" and state["answers"]["behalf"] == "other"

    await press_data(resident, question, "f|cancel")
    assert template_of(bot, await driver.expect(resident.private)) == "report/cancelled"
    assert await bot.db.read(conv_db.get, resident.id) is None
    await resident.says(resident.private, "/cancel")
    assert template_of(bot, await driver.expect(resident.private)) == "report/nothing_to_cancel"
    assert await reports_of(bot) == []


async def test_a_stale_button_does_nothing(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    first = await open_form(driver, resident, crew.group)
    await answer_step(driver, resident, first, "kind", "dispute")

    pressed = await press_data(resident, first, "f|kind|arrival")   # the answered question's button, again

    assert template_of(bot, await driver.answer(pressed)) == "report/toast_stale"
    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert state["answers"] == {"kind": "dispute"}


async def test_private_report_chooses_community_then_grid_or_takes_a_code(bot, driver, clock):
    await team(bot, driver, clock)
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/report")
    communities = await driver.expect(resident.private)
    assert template_of(bot, communities) == "report/ask_community"
    assert {b["callback_data"] for b in communities.buttons} >= {"f|com|JH01", "f|com|JH02"}
    await press_data(resident, communities, "f|com|JH01")
    grids = await driver.expect(resident.private)
    assert template_of(bot, grids) == "report/ask_grid"
    await press_data(resident, grids, "f|grid|G0102")
    question = await driver.expect(resident.private)
    assert asked(question) == "kind" and "府前社区第二网格" in question.text
    assert (await bot.db.read(conv_db.get, resident.id))[0]["grid"] == "G0102"
    await press_data(resident, question, back_data(question))
    grids = await driver.expect(resident.private)
    assert template_of(bot, grids) == "report/ask_grid"
    await press_data(resident, grids, "f|grid|G0102")
    question = await driver.expect(resident.private)
    await press_data(resident, question, "f|cancel")
    await driver.expect(resident.private)

    await resident.says(resident.private, "/report")
    await driver.expect(resident.private)
    await resident.says(resident.private, "G9999")
    unknown = await driver.expect(resident.private)
    assert "report/invalid/unknown_grid" in names_in(unknown) and "G9999" in unknown.text
    await resident.says(resident.private, "g0201")
    question = await driver.expect(resident.private)
    assert asked(question) == "kind" and "龙泉社区第一网格" in question.text
    assert (await bot.db.read(conv_db.get, resident.id))[0]["grid"] == "G0201"


async def test_reporting_for_someone_else(bot, driver, clock):
    crew = await team(bot, driver, clock)
    building_head = await driver.user("楼长陈")
    first = await open_form(driver, building_head, crew.group)
    confirm = await fill(driver, building_head, first, {**ARRIVAL, "behalf": "other", "test_result": "none"})
    shown = dict(context_of(confirm, "report/confirm")["rows"])
    assert "test_date" not in shown and shown["behalf"] == "other"
    await press_data(building_head, confirm, "f|submit")
    await driver.expect(building_head.private)
    (report,) = await reports_of(bot)
    assert report.on_behalf and "test_date" not in report.details


async def test_high_priority_from_a_risk_area_or_an_urgent_dispute(bot, driver, clock):
    crew = await team(bot, driver, clock)
    for answers in ({**ARRIVAL, "origin": "吉林省长春市"}, {**DISPUTE, "urgency": "urgent"},
                    {**DISPUTE, "category": "epidemic"}, ARRIVAL):
        resident = await driver.user("居民")
        confirm = await fill(driver, resident, await open_form(driver, resident, crew.group), answers)
        await press_data(resident, confirm, "f|submit")
        await driver.expect(resident.private)
    reports = await reports_of(bot)
    assert [r.priority for r in reports] == ["high", "high", "high", "normal"]
    high, normal = reports[0], reports[3]
    assert high.accept_due_at < normal.accept_due_at


async def test_an_idle_conversation_expires(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    question = await open_form(driver, resident, crew.group)
    question = await answer_step(driver, resident, question, "kind", "arrival")
    clock.advance(timedelta(minutes=settings.conversation_idle_minutes + 1))

    await resident.says(resident.private, "赵小满")

    assert template_of(bot, await driver.expect(resident.private)) == "report/expired"
    assert await bot.db.read(conv_db.get, resident.id) is None


async def test_a_conversation_survives_a_restart(settings, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        resident = await driver.user("居民")
        question = await open_form(driver, resident, crew.group)
        question = await answer_step(driver, resident, question, "kind", "arrival")
        question = await answer_step(driver, resident, question, "behalf", "self")
        question = await answer_step(driver, resident, question, "name", "赵小满")
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        remaining = {k: v for k, v in ARRIVAL.items() if k not in ("kind", "behalf", "name")}
        confirm = await fill(driver, resident, question, remaining)
        assert "赵小满" in confirm.text
        await press_data(resident, confirm, "f|submit")
        assert template_of(bot, await driver.expect(resident.private)) == "report/submitted"
        (report,) = await bot.db.read(reports_db.all_reports)
        assert report.details["name"] == "赵小满"
    await driver.close()


async def test_an_english_speaker_gets_english(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("Sam", language_code="en")
    question = await open_form(driver, resident, crew.group)
    assert asked(question) == "kind" and {r.locale for r in records_in(question)} == {"en"}
    reply = await answer_step(driver, resident, question, "kind", "arrival")
    reply = await answer_step(driver, resident, reply, "behalf", "self")
    reply = await answer_step(driver, resident, reply, "name", "Sam Lee")
    reply = await answer_step(driver, resident, reply, "phone", "555")
    assert "report/invalid/bad_phone" in names_in(reply)
    assert {r.locale for r in records_in(reply)} == {"en"}


async def test_a_double_tap_on_back_goes_back_once(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    question = await open_form(driver, resident, crew.group)
    question = await answer_step(driver, resident, question, "kind", "dispute")
    question = await answer_step(driver, resident, question, "behalf", "self")

    await press_data(resident, question, back_data(question))
    await driver.expect(resident.private)
    again = await press_data(resident, question, back_data(question))   # the same button, pressed twice

    assert template_of(bot, await driver.answer(again)) == "report/toast_stale"
    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert state["answers"] == {"kind": "dispute"}
