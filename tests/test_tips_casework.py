"""A tip's life on the worker's side: found unfounded (the tipster told why, no reward), turned into an arrival
report with one button, and every press checked against the database — forged, repeated or someone else's."""

from __future__ import annotations

from db import reports as reports_db
from db import tips as tips_db
from tests.scenario import context_of, team, template_of
from tests.tips_helpers import TIP, datas, expect_buttons, forge, press, send_tip


async def rewards_of(bot) -> list:
    return await bot.db.read(lambda c: [r[0] for r in c.execute("SELECT status FROM rewards")])


async def test_an_unfounded_tip_tells_the_tipster_why_and_earns_nothing(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    tipster = await driver.user("居民")
    await send_tip(driver, tipster, crew.group)
    card = await expect_buttons(driver, li_na.private)
    rid = card.buttons[0]["callback_data"].split("|")[1]

    await press(li_na, card, f"t|{rid}|unf")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "302室是房东亲戚，已于上周报备")
    done = await driver.expect(li_na.private)
    told = await driver.expect(tipster.private)

    assert template_of(bot, told) == "tips/verdict_unfounded" and "上周报备" in told.text
    assert template_of(bot, done) == "asides/outcome/unfounded"
    assert (await bot.db.read(reports_db.get, int(rid))).status == "resolved"
    assert await rewards_of(bot) == []


async def test_a_tip_about_an_arrival_becomes_an_arrival_report_once(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    await send_tip(driver, await driver.user("居民"), crew.group)
    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])

    toast = await driver.answer(await press(li_na, card, f"t|{rid}|arr"))
    again = await driver.answer(await press(li_na, card, f"t|{rid}|arr"))

    arrivals = await bot.db.read(lambda c: [reports_db.get(c, r[0]) for r in
                                            c.execute("SELECT id FROM reports WHERE kind = 'arrival'")])
    [arrival] = arrivals
    tip = await bot.db.read(reports_db.get, rid)
    assert template_of(bot, toast) == "casework/outcome/tip_converted" and arrival.number in toast.text
    assert template_of(bot, again) == "casework/outcome/tip_already_converted"
    assert context_of(again, "casework/outcome/tip_already_converted")["report"].id == rid
    assert arrival.details["from_tip"] == tip.number and arrival.details["address"] == TIP[2][1]
    assert arrival.status == "accepted" and arrival.on_behalf
    assert [e.detail.get("to") for e in await bot.db.read(reports_db.events, rid) if e.action == "converted"] == [
        arrival.number]
    await li_na.says(li_na.private, "/tasks")
    assert arrival.number in (await driver.expect(li_na.private)).text


async def test_forged_and_foreign_presses_change_nothing(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    tipster = await driver.user("居民")
    await send_tip(driver, tipster, crew.group, [TIP[0], ("press", "f|subject|risk"), *TIP[2:]])
    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])
    assert f"t|{rid}|arr" not in datas(card)                 # not a tip about an arrival

    for person, data in ((tipster, f"t|{rid}|ver"), (zhang_wei, f"t|{rid}|ver"), (li_na, f"t|{rid}|arr"),
                         (tipster, f"q|{rid}|ask"), (li_na, f"t|{rid + 99}|ver"), (li_na, f"t|{rid}|zzz"),
                         (li_na, "t|x|ver"), (zhang_wei, f"q|{rid}|reply")):
        answer = await forge(driver, person, data)
        assert answer.data.get("show_alert"), (data, answer.text)
    assert (await bot.db.read(reports_db.get, rid)).status == "open"
    assert await bot.db.read(lambda c: c.execute("SELECT count(*) FROM conversations").fetchone()[0]) == 0

    await press(li_na, card, f"t|{rid}|ver")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "属实，已处置")
    approval = await expect_buttons(driver, crew.leader.private)
    reward_id = datas(approval)[0].split("|")[1]
    for person, data, why in ((li_na, f"rw|{reward_id}|ok", "forbidden"), (tipster, f"rw|{reward_id}|ok", "forbidden"),
                              (crew.leader, f"rw|{int(reward_id) + 9}|ok", "not_found"),
                              (crew.leader, f"rw|{reward_id}|paid", "not_approved")):
        answer = await forge(driver, person, data)
        assert template_of(bot, answer) == f"rewards/outcome/{why}", (data, answer.text)
    assert await rewards_of(bot) == ["proposed"]
    await driver.answer(await press(crew.leader, approval, f"rw|{reward_id}|no"))
    assert await rewards_of(bot) == ["refused"]
    again = await forge(driver, crew.leader, f"rw|{reward_id}|ok")
    assert template_of(bot, again) == "rewards/outcome/already_refused" and await rewards_of(bot) == ["refused"]
    assert (await bot.db.read(tips_db.founding, rid)).anonymous
