"""An invite link is not enough to become staff: the person shares their own contact and its phone must
be the roster's; otherwise an admin above them approves or refuses. Admins can unlink an account."""

from __future__ import annotations

import asyncio

import pytest

from bot.app.cli import main
from bot.core.clock import stamp
from bot.services.binding import canonical_phone
from db import audit
from db import invites as invites_db
from db import people as people_db
from tests.scenario import context_of, expect_from, link, press_data, started, template_of

CHEN_JING_PHONE = "13806320015"                   # a building head of G0101, not linked yet


async def invite_code(bot, clock, name: str) -> str:
    pending = await bot.db.read(invites_db.pending, stamp(clock.now()))
    return next(p.code for p in pending if p.name == name)


def asks_for_contact(message) -> bool:
    keyboard = (message.data.get("reply_markup") or {}).get("keyboard", [])
    return any(button.get("request_contact") for row in keyboard for button in row)


async def linked_to(bot, user_id: int) -> str | None:
    person = await bot.db.read(people_db.by_telegram_id, user_id)
    return person.name if person else None


async def approval_card(driver, admin, timeout: float | None = None):
    card = await driver.expect(admin.private, timeout)
    assert {b["callback_data"].split("|")[2] for b in card.buttons} == {"ok", "no"}, card.text
    assert template_of(None, card) == "binding/request"
    return card


def decision(card, verdict: str) -> str:
    """The callback data of the approval card's button: `ok` approves, `no` refuses."""
    return next(b["callback_data"] for b in card.buttons if b["callback_data"].split("|")[2] == verdict)


@pytest.mark.parametrize("phone", ["+86 138 0632 0015", "8613806320015", "138-0632-0015", "１３８０６３２００１５",
                                   "＋８６ １３８－０６３２－００１５", "0086 13806320015", "(+86) 13806320015"])
def test_the_phone_forms_people_and_telegram_use_all_match(phone):
    assert canonical_phone(phone) == CHEN_JING_PHONE


async def test_a_stranger_with_the_link_is_not_bound(bot, driver, clock):
    community_admin = await started(driver, "孙丽", 900003)           # an admin above G0101
    code = await invite_code(bot, clock, "陈静")
    stranger = await driver.user("路人甲")

    await stranger.start(f"inv_{code}")
    ask = await driver.expect(stranger.private)
    assert asks_for_contact(ask) and await linked_to(bot, stranger.id) is None

    await stranger.shares_contact("13900000000")                     # their own, but not the roster's phone
    await expect_from(driver, stranger.private, "binding/pending")
    assert await linked_to(bot, stranger.id) is None
    card = await approval_card(driver, community_admin)
    assert "陈静" in card.text and "13900000000" in card.text and CHEN_JING_PHONE in card.text
    assert context_of(card, "binding/request")["own"] is True

    chen_jing = await driver.user("陈静")                            # the real one comes along
    await chen_jing.start(f"inv_{code}")
    assert asks_for_contact(await driver.expect(chen_jing.private))
    await chen_jing.shares_contact("+86 138-0632-0015")
    await expect_from(driver, chen_jing.private, "start/invite_linked")
    assert await linked_to(bot, chen_jing.id) == "陈静"

    late = await driver.answer(await press_data(community_admin, card, decision(card, "ok")))  # moot now
    assert template_of(bot, late) == "binding/decision/decided"
    assert await linked_to(bot, stranger.id) is None
    person = await bot.db.read(people_db.by_telegram_id, chen_jing.id)
    redeemed = await bot.db.read(audit.entries, f"person:{person.id}", "invite_redeemed")
    assert [(e["actor_user"], e["detail"]["method"]) for e in redeemed] == [(chen_jing.id, "own_contact")]
    assert [e["actor_user"] for e in await bot.db.read(audit.entries, f"person:{person.id}", "binding_requested")
            ] == [stranger.id]


async def test_someone_elses_contact_waits_for_an_admin_who_may_approve(bot, driver, clock):
    community_admin = await started(driver, "孙丽", 900003)
    leader = await started(driver, "王强", 900011)                    # a leader is not an admin
    code = await invite_code(bot, clock, "陈静")
    helper = await driver.user("热心人")
    await helper.start(f"inv_{code}")
    await driver.expect(helper.private)

    await helper.shares_contact(CHEN_JING_PHONE, own=False)          # the right phone, on someone else's card
    await expect_from(driver, helper.private, "binding/pending")
    card = await approval_card(driver, community_admin)
    assert context_of(card, "binding/request")["own"] is False
    assert await driver.nothing_new(leader.private)

    forged = await driver.answer(await leader.press_data(card.chat_id, card.message_id, card.buttons[0]["callback_data"],
                                                         forge=True))
    assert forged.data["show_alert"] and await linked_to(bot, helper.id) is None
    assert template_of(bot, forged) == "binding/decision/forbidden"

    approved = await driver.answer(await press_data(community_admin, card, decision(card, "ok")))
    assert template_of(bot, approved) == "binding/decision/approved"
    await expect_from(driver, helper.private, "start/invite_linked")
    assert await linked_to(bot, helper.id) == "陈静"
    person = await bot.db.read(people_db.by_telegram_id, helper.id)
    redeemed = await bot.db.read(audit.entries, f"person:{person.id}", "invite_redeemed")
    assert [(e["actor_user"], e["detail"]["method"]) for e in redeemed] == [(community_admin.id, "approval")]


async def test_an_admin_may_refuse(bot, driver, clock):
    community_admin = await started(driver, "孙丽", 900003)
    code = await invite_code(bot, clock, "陈静")
    stranger = await driver.user("路人乙")
    await stranger.start(f"inv_{code}")
    await driver.expect(stranger.private)
    await stranger.shares_contact("13900000001")
    await driver.expect(stranger.private)

    card = await approval_card(driver, community_admin)
    refused = await driver.answer(await press_data(community_admin, card, decision(card, "no")))

    assert template_of(bot, refused) == "binding/decision/refused"
    await expect_from(driver, stranger.private, "binding/refused")
    assert await linked_to(bot, stranger.id) is None
    assert code in [p.code for p in await bot.db.read(invites_db.pending, stamp(clock.now()))]
    refusals = await bot.db.read(audit.entries, None, "binding_refused")
    assert [e["actor_user"] for e in refusals] == [community_admin.id]


async def test_a_contact_without_a_pending_link_is_left_alone(bot, driver):
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.shares_contact("13912345678")
    await driver.expect(resident.private)                # only the no-silence pointer to /help (issue 8.9)
    assert await linked_to(bot, resident.id) is None


async def test_an_admin_above_unlinks_an_account_and_it_is_told(bot, driver, clock):
    li_na = await link(bot, driver, clock, "李娜")
    zhang_wei = await link(bot, driver, clock, "张伟")
    leader = await started(driver, "王强", 900011)
    community_admin = await started(driver, "孙丽", 900003)

    for refused in (zhang_wei, leader):                              # a colleague, the grid's leader: not admins
        await refused.says(refused.private, "/unlink 13806320012")
        await expect_from(driver, refused.private, "binding/unlink/forbidden")
    assert await linked_to(bot, li_na.id) == "李娜"

    await community_admin.says(community_admin.private, "/unlink 138 0632 0012")
    reply = await expect_from(driver, community_admin.private, "binding/unlink/unlinked")
    assert "李娜" in reply.text and "start=inv_" in reply.text
    assert await linked_to(bot, li_na.id) is None
    await expect_from(driver, li_na.private, "binding/unlinked")
    person = await bot.db.read(people_db.by_phone, "13806320012")
    unlinked = await bot.db.read(audit.entries, f"person:{person.id}", "account_unlinked")
    assert [(e["actor_user"], e["detail"]["user"]) for e in unlinked] == [(community_admin.id, li_na.id)]

    await community_admin.says(community_admin.private, "/unlink 李娜")
    await expect_from(driver, community_admin.private, "binding/unlink/not_linked")
    relinked = await link(bot, driver, clock, "李娜")                # with the fresh invite
    assert await linked_to(bot, relinked.id) == "李娜"


async def test_gridbot_unlink_on_the_command_line(bot, driver, clock, settings, capsys):
    li_na = await link(bot, driver, clock, "李娜")

    code = await asyncio.to_thread(main, ["unlink", "+86 13806320012", "--db", settings.database,
                                          "--bot-username", "tz_grid_bot"])

    out = capsys.readouterr().out
    assert code == 0 and "李娜" in out and "https://t.me/tz_grid_bot?start=inv_" in out
    assert await linked_to(bot, li_na.id) is None
    person = await bot.db.read(people_db.by_phone, "13806320012")
    [entry] = await bot.db.read(audit.entries, f"person:{person.id}", "account_unlinked")
    assert entry["actor_user"] is None and entry["detail"]["user"] == li_na.id
    told = await bot.db.read(lambda conn: conn.execute(
        "SELECT count(*) FROM outbox WHERE chat_id = ? AND purpose = 'binding'", (li_na.id,)).fetchone()[0])
    assert told == 1                                                 # queued for the running bot to send
    assert await asyncio.to_thread(main, ["unlink", "13800000000", "--db", settings.database]) == 1
