"""The worker's card: who reported (or that it was anonymous) with their contact; and the card kept
up to date in place as the report changes."""

from __future__ import annotations

import json

from db import reports as reports_db
from tests.scenario import (ARRIVAL, DISPUTE, card_action, context_of, eventually, expect_from, history_of, press_data,
                            report_from_group, team, worker_data)


async def test_a_dispute_card_names_the_reporter(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("钱阿姨", username="qian_ayi")

    await report_from_group(driver, resident, crew.group, DISPUTE)

    card = await driver.expect(li_na.private)
    assert "钱阿姨" in card.text and "@qian_ayi" in card.text


async def test_a_staff_reporter_is_shown_with_the_roster_phone(bot, driver, clock):
    crew = await team(bot, driver, clock)
    zhang_wei = crew.workers[1]

    await report_from_group(driver, crew.leader, crew.group, DISPUTE)

    card = await driver.expect(crew.workers[0].private)
    assert "王强" in card.text and "13806320011" in card.text
    await report_from_group(driver, crew.leader, crew.group, {**ARRIVAL, "phone": "13912340000"})
    card = await driver.expect(zhang_wei.private)
    assert "王强" in card.text and "13912340000" in card.text     # the phone he typed for himself


async def test_an_anonymous_report_names_nobody(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    resident = await driver.user("钱阿姨", username="qian_ayi")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)

    def anonymous(conn):                        # what a form that offers anonymity stores
        report = reports_db.by_number(conn, number)
        conn.execute("UPDATE reports SET details = ? WHERE id = ?",
                     (json.dumps(report.details | {"anonymous": True}), report.id))
    await bot.db.write(anonymous)
    await press_data(li_na, card, card_action(card, "xfer"))
    choices = await expect_from(driver, li_na.private, "casework/choose_worker")
    await press_data(li_na, choices, await worker_data(bot, choices, "张伟"))

    card = await expect_from(driver, zhang_wei.private, "report/card")
    assert number in card.text and context_of(card, "report/card")["reporter"]["anonymous"]
    assert "钱阿姨" not in card.text and "qian_ayi" not in card.text


async def edits_of(driver, card, count: int = 1):
    """The edits the bot made to one message, oldest first, once there are `count` of them (it edits after
    answering the press)."""
    async def found():
        edits = [e for e in await driver.events(0, card.chat_id, kinds=["edit"]) if e.message_id == card.message_id]
        return edits if len(edits) >= count else None
    return await eventually(found) or []


def status(card) -> str:
    return context_of(card, "report/card")["report"].status


def holder(card) -> str:
    return context_of(card, "report/card")["assignee"]


def actions(message) -> set[str]:
    return {b["callback_data"].split("|")[2] for b in message.buttons}


async def test_the_card_is_updated_in_place_when_the_report_changes(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    assert status(card) == "open" and actions(card) == {"acc", "note", "res", "xfer", "esc"}

    await driver.answer(await press_data(li_na, card, card_action(card, "acc")))
    [accepted] = await edits_of(driver, card)
    assert number in accepted.text and status(accepted) == "accepted"
    assert holder(accepted) == "李娜" and ("accepted", "李娜") in history_of(accepted)
    assert actions(accepted) == {"note", "res", "xfer", "esc"}

    await driver.answer(await press_data(li_na, accepted, card_action(accepted, "esc")))
    escalated = (await edits_of(driver, card, 2))[-1]
    assert ("escalated", "李娜") in history_of(escalated) and actions(escalated) == {"note", "res", "xfer", "esc"}
    leader_card = await driver.expect(crew.leader.private)
    assert await bot.runtime.sender.drained()                    # his card is recorded as delivered

    await driver.answer(await press_data(crew.leader, leader_card, card_action(leader_card, "xfer")))
    choices = await expect_from(driver, crew.leader.private, "casework/choose_worker")
    await press_data(crew.leader, choices, await worker_data(bot, choices, "张伟"))
    assert number in (await driver.expect(zhang_wei.private)).text
    moved = (await edits_of(driver, leader_card))[-1]
    assert holder(moved) == "张伟" and ("transferred", "王强") in history_of(moved)
    gone = (await edits_of(driver, card, 3))[-1]                 # 李娜 no longer holds it: buttons off, nothing new
    assert gone.buttons == [] and gone.text is None
    report = await bot.db.read(reports_db.by_number, number)
    assert report.status == "accepted" and report.level == 0


async def test_an_escalation_by_the_worker_takes_her_buttons_off(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)

    await driver.answer(await press_data(li_na, card, card_action(card, "esc")))   # open: the leader holds it now

    [edit] = await edits_of(driver, card)
    assert edit.buttons == []
    leader_card = await driver.expect(crew.leader.private)
    await driver.answer(await press_data(crew.leader, leader_card, card_action(leader_card, "acc")))
    [leader_edit] = await edits_of(driver, leader_card)
    assert status(leader_edit) == "accepted" and holder(leader_edit) == "王强"
