"""Staff handle reports: who gets them, who may press which button, and what everyone is told."""

from __future__ import annotations

from db import reports as reports_db
from tests.scenario import ARRIVAL, DISPUTE, link, report_from_group, team


async def snapshot(bot, number):
    report = await bot.db.read(reports_db.by_number, number)
    return report.status, report.assignee_id, report.level, report.outcome


async def test_reports_go_round_the_workers_on_duty(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    numbers = [await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE) for _ in range(3)]

    first = await driver.expect(li_na.private)
    second = await driver.expect(zhang_wei.private)
    third = await driver.expect(li_na.private)
    assert [numbers[0] in first.text, numbers[1] in second.text, numbers[2] in third.text] == [True] * 3

    await li_na.says(li_na.private, "/tasks")
    tasks = await driver.expect(li_na.private)
    assert tasks.text.index(numbers[0]) < tasks.text.index(numbers[2]) and numbers[1] not in tasks.text


async def test_the_least_loaded_worker_comes_first(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    await driver.expect(li_na.private)
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(zhang_wei.private)
    await zhang_wei.press(card, "办结")
    await driver.expect(zhang_wei.private)
    await zhang_wei.says(zhang_wei.private, "已调解")
    await driver.expect(zhang_wei.private)

    third = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)

    # The rotation would give it to 李娜, but she has an open report and 张伟 has none.
    assert third in (await driver.expect(zhang_wei.private)).text
    assert await driver.nothing_new(li_na.private)


async def test_off_duty_workers_are_skipped_and_nobody_on_duty_means_the_leader(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    await li_na.says(li_na.private, "/duty off")
    assert "已离岗" in (await driver.expect(li_na.private)).text
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    assert number in (await driver.expect(zhang_wei.private)).text

    await zhang_wei.says(zhang_wei.private, "/duty off")
    await driver.expect(zhang_wei.private)
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(crew.leader.private)
    assert number in card.text
    assert await driver.nothing_new(li_na.private)


async def test_only_the_assignee_leader_and_admins_above_may_act(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, ARRIVAL)
    card = await driver.expect(li_na.private)
    report = await bot.db.read(reports_db.by_number, number)
    other_grid_worker = await link(bot, driver, clock, "黄磊")          # a worker of G0102
    other_leader = await driver.user("杨帆", user_id=900021)            # the leader of G0102
    before = await snapshot(bot, number)

    for intruder in (resident, zhang_wei, other_grid_worker, other_leader):
        for action in ("acc", "res", "esc", "xfer", f"to|{report.assignee_id}", "note"):
            pressed = await intruder.press_data(li_na.private, card.message_id, f"r|{report.id}|{action}", forge=True)
            answer = await driver.answer(pressed)
            assert "无权操作" in answer.text and answer.data["show_alert"]
    assert await snapshot(bot, number) == before
    assert await driver.nothing_new(resident.private)

    pressed = await crew.community_admin.press_data(li_na.private, card.message_id, f"r|{report.id}|acc", forge=True)
    assert "已接单" in (await driver.answer(pressed)).text
    assert (await snapshot(bot, number))[0] == "accepted"


async def test_forged_and_replayed_buttons_are_harmless(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    report = await bot.db.read(reports_db.by_number, number)

    await li_na.press(card, "接单")
    assert "接单" in (await driver.expect(resident.private)).text
    replay = await li_na.press_data(li_na.private, card.message_id, f"r|{report.id}|acc", forge=True)
    assert "已被接单" in (await driver.answer(replay)).text
    for data in ("r|999999|acc", "r|abc|acc", "r|1", f"r|{report.id}|drop_table", "f|kind|bogus", "f|submit"):
        pressed = await li_na.press_data(li_na.private, card.message_id, data, forge=True)
        await driver.answer(pressed)
    assert await driver.nothing_new(resident.private)
    events = [e.action for e in await bot.db.read(reports_db.events, report.id)]
    assert events.count("accepted") == 1
    assert (await snapshot(bot, number))[0] == "accepted"


async def test_note_transfer_and_manual_escalation_are_in_the_history(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)

    await li_na.press(card, "备注")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已电话联系双方")
    assert "备注已记录" in (await driver.expect(li_na.private)).text

    await li_na.press(card, "转派")
    choices = await driver.expect(li_na.private)
    await li_na.press(choices, "张伟")
    transferred = await driver.expect(zhang_wei.private)
    assert number in transferred.text and "已电话联系双方" in transferred.text and "转派" in transferred.text

    await zhang_wei.press(transferred, "上报")
    escalated = await driver.expect(crew.leader.private)
    assert number in escalated.text and "上报" in escalated.text
    assert "上报至网格长" in (await driver.expect(resident.private)).text

    report = await bot.db.read(reports_db.by_number, number)
    history = await bot.db.read(reports_db.events, report.id)
    assert [(e.action, e.actor_user) for e in history] == [
        ("created", resident.id), ("assigned", None), ("note", li_na.id), ("transferred", li_na.id),
        ("escalated", zhang_wei.id)]
    assert report.level == 1


async def test_my_lists_a_residents_reports(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    first = await report_from_group(driver, resident, crew.group, ARRIVAL)
    second = await report_from_group(driver, resident, crew.group, DISPUTE)
    await resident.says(resident.private, "/my")
    listing = await driver.expect(resident.private)
    assert first in listing.text and second in listing.text and "待接单" in listing.text


async def test_a_note_does_not_lose_the_workers_own_unfinished_report(bot, driver, clock):
    from db import conversations as conv_db

    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await li_na.says(li_na.private, "/report")                        # she starts a report of her own
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "G0101")
    await driver.expect(li_na.private)

    await li_na.press(card, "备注")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已联系")
    assert "备注已记录" in (await driver.expect(li_na.private)).text

    state, _ = await bot.db.read(conv_db.get, li_na.id)
    assert state["flow"] == "report" and state["grid"] == "G0101"
