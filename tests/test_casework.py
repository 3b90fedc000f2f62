"""Staff handle reports: who gets them, who may press which button, and what everyone is told."""

from __future__ import annotations

from db import reports as reports_db
from tests.scenario import (ARRIVAL, DISPUTE, assigned_dispute, card_action, context_of, link, press_data, report_from_group, team,
                            template_of, worker_data)


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
    await press_data(zhang_wei, card, card_action(card, "res"))
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
    assert context_of(await driver.expect(li_na.private), "casework/duty_set")["on"] is False
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
            assert template_of(bot, answer) == "casework/outcome/forbidden" and answer.data["show_alert"]
    assert await snapshot(bot, number) == before
    assert await driver.nothing_new(resident.private)

    pressed = await crew.community_admin.press_data(li_na.private, card.message_id, f"r|{report.id}|acc", forge=True)
    assert template_of(bot, await driver.answer(pressed)) == "casework/outcome/accepted"
    assert (await snapshot(bot, number))[0] == "accepted"


async def test_forged_and_replayed_buttons_are_harmless(bot, driver, clock):
    case = await assigned_dispute(bot, driver, clock)
    li_na, resident, number, card, report = case.worker, case.resident, case.number, case.card, case.report

    await press_data(li_na, card, card_action(card, "acc"))
    assert template_of(bot, await driver.expect(resident.private)) == "report/status_accepted"
    replay = await li_na.press_data(li_na.private, card.message_id, f"r|{report.id}|acc", forge=True)
    assert template_of(bot, await driver.answer(replay)) == "casework/outcome/already_accepted"
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

    await press_data(li_na, card, card_action(card, "note"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已电话联系双方")
    assert template_of(bot, await driver.expect(li_na.private)) == "casework/outcome/noted"

    await press_data(li_na, card, card_action(card, "xfer"))
    choices = await driver.expect(li_na.private)
    assert template_of(bot, choices) == "casework/choose_worker"
    await press_data(li_na, choices, await worker_data(bot, choices, "张伟"))
    transferred = await driver.expect(zhang_wei.private)
    shown = context_of(transferred, "report/card")
    assert (shown["report"].number, shown["headline"]) == (number, "transferred")
    assert "已电话联系双方" in transferred.text                            # the note, in the card's history

    await press_data(zhang_wei, transferred, card_action(transferred, "esc"))
    escalated = await driver.expect(crew.leader.private)
    shown = context_of(escalated, "report/card")
    assert (shown["report"].number, shown["headline"]) == (number, "escalated")
    told = context_of(await driver.expect(resident.private), "report/status_escalated")
    assert told["report"].level == 1                                  # to the grid leader

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
    shown = context_of(listing, "report/my")
    assert {(r.number, r.status) for r in shown["reports"]} == {(first, "open"), (second, "open")}


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

    await press_data(li_na, card, card_action(card, "note"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已联系")
    assert template_of(bot, await driver.expect(li_na.private)) == "casework/outcome/noted"

    state, _ = await bot.db.read(conv_db.get, li_na.id)
    assert state["flow"] == "report" and state["grid"] == "G0101"
