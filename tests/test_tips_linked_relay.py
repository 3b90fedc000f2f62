"""Every tipster of a tip is reachable through the relay: a second (and third) tip about the same address is linked
to the open one, and "ask the tipster" reaches each of them in private; any of them may answer, the answer comes
back numbered (tipster 2) and nameless when they chose anonymity; a tipster who gave their name is named to the
assignee as for any report; the relay ends for all of them when the tip is closed."""

from __future__ import annotations

from db import reports as reports_db
from tests.scenario import context_of, team, template_of
from tests.tips_helpers import TIP, TIPSTER, datas, expect_buttons, forge, press, send_tip, staff_texts

NAMED = [*TIP[:-1], ("press", "f|anonymous|no")]


async def test_the_relay_reaches_every_linked_tipster_and_keeps_the_anonymous_ones_unnamed(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    first = await driver.user("居民甲")
    hidden = await driver.user(TIPSTER["first_name"], user_id=TIPSTER["user_id"], username=TIPSTER["username"],
                               phone_number="13955556666")
    named = await driver.user("钱大爷", username="qian_daye")
    await send_tip(driver, first, crew.group)
    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])

    await send_tip(driver, hidden, crew.group)                    # anonymous, linked: tipster 2
    hidden_notice = await driver.expect(li_na.private)
    await send_tip(driver, named, crew.group, NAMED)              # named, linked: tipster 3
    named_notice = await driver.expect(li_na.private)
    assert context_of(hidden_notice, "tips/linked_notice")["tipster"] == 2
    assert TIPSTER["first_name"] not in hidden_notice.text
    assert context_of(named_notice, "tips/linked_notice")["tipster"] == 3
    assert "钱大爷" in named_notice.text and "@qian_daye" in named_notice.text

    await press(li_na, card, f"q|{rid}|ask")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "几点看到的？")
    await driver.expect(li_na.private)
    questions = [await expect_buttons(driver, p.private) for p in (first, hidden, named)]
    assert all("几点看到的？" in q.text and f"q|{rid}|reply" in datas(q) for q in questions)

    await press(hidden, questions[1], f"q|{rid}|reply")
    await driver.expect(hidden.private)
    await hidden.says(hidden.private, "晚上十点左右")
    await driver.expect(hidden.private)
    relayed = await expect_buttons(driver, li_na.private)
    assert "晚上十点左右" in relayed.text and context_of(relayed, "relay/answer")["tipster"] == 2
    await press(named, questions[2], f"q|{rid}|reply")
    await driver.expect(named.private)
    await named.says(named.private, "十点多")
    await driver.expect(named.private)
    assert context_of(await expect_buttons(driver, li_na.private), "relay/answer")["tipster"] == 3
    answered = [e for e in await bot.db.read(reports_db.events, rid) if e.action == "answered"]
    assert [(e.actor_user, e.detail["tipster"]) for e in answered] == [(None, 2), (named.id, 3)]

    stranger = await driver.user("路人")
    await stranger.start()
    await driver.expect(stranger.private)
    assert (await forge(driver, stranger, f"q|{rid}|reply")).data.get("show_alert")

    await press(li_na, card, f"t|{rid}|ver")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "属实")
    await driver.expect(li_na.private)
    closed = await driver.answer(await press(hidden, questions[1], f"q|{rid}|reply"))
    assert template_of(bot, closed) == "relay/closed"
    assert await bot.db.read(lambda c: c.execute("SELECT count(*) FROM conversations").fetchone()[0]) == 0

    staff = [crew.leader.id, *(w.id for w in crew.workers), crew.community_admin.id, crew.town_admin.id]
    for text in await staff_texts(driver, staff):
        for secret in (TIPSTER["first_name"], TIPSTER["username"], str(TIPSTER["user_id"]), "13955556666"):
            assert secret not in text, f"{secret} reached staff: {text}"


async def test_someone_who_tips_the_same_address_twice_is_asked_and_told_once(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    tipster = await driver.user("居民甲")
    await send_tip(driver, tipster, crew.group)
    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])
    await send_tip(driver, tipster, crew.group)                   # again, linked to their own
    await driver.expect(li_na.private)

    await press(li_na, card, f"q|{rid}|ask")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "还在吗？")
    await driver.expect(li_na.private)
    await press(li_na, card, f"t|{rid}|unf")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "查无此事")
    await driver.expect(li_na.private)

    # Counted where they are queued (with the press that caused them), not as they arrive.
    queued = await bot.db.read(lambda c: [r[0] for r in c.execute(
        "SELECT purpose FROM outbox WHERE chat_id = ? AND report_id = ? ORDER BY id", (tipster.id, rid))])
    assert queued == ["reporter", "relay", "reporter"]                 # the receipt, the question, the verdict
