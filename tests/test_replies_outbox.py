"""Direct replies are outbox rows written with the change they answer: residents filling in the form while a
notice goes out to 2,000 groups get every question, and a reply committed before the bot went down is
delivered when it is back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app.harness import running_bot
from bot.services.broadcasting import Draft, create
from bot.services.org_import import import_org
from db import areas as areas_db
from db import chats as chats_db
from sandbox import SandboxDriver
from sandbox.models import Chat
from tests.scenario import DISPUTE, asked, fill, press_data, report_from_group, template_of

GROUPS = 2000
NOTICE = "今晚22点起停水检修，请提前储水。"


async def quiet_groups(bot, sandbox, clock, folder, count: int) -> list[int]:
    """`count` group chats the bot is a member of, bound one to a grid: G0101's and G0102's first, the rest
    under 龙泉社区 (JH02). Made in the sandbox directly, so that 2,000 introductions do not come first."""
    admin = await bot.driver.user("钱文华", user_id=900002)
    groups = []
    for i in range(count):
        chat_id = -(5_000_000_000 + i)
        sandbox.world.chats[chat_id] = Chat(chat_id, "group", f"第{i}居民群", {admin.id})
        groups.append(chat_id)
    extra = folder / "areas.csv"
    extra.write_text("code,name,level,parent_code\n" + "".join(f"X{i:04d},第{i}网格,grid,JH02\n"
                                                                for i in range(count - 2)))
    await bot.db.write(import_org, extra, None, clock.now(), timedelta(days=1))

    def bind_all(conn, now):
        codes = ["G0101", "G0102"] + [f"X{i:04d}" for i in range(count - 2)]
        for (chat_id, code), i in zip(zip(groups, codes), range(count)):
            chats_db.touch(conn, chat_id, f"第{i}居民群", "group", now)
            chats_db.bind(conn, chat_id, areas_db.by_code(conn, code).id, admin.id, now)

    await bot.db.write(bind_all, bot.runtime.stamp())
    return groups


async def report_in_private(driver, resident, grid: str) -> str:
    await resident.start(f"r_{grid}")
    confirm = await fill(driver, resident, await driver.expect(resident.private), DISPUTE)
    await press_data(resident, confirm, "f|submit")
    receipt = await driver.expect(resident.private)
    assert template_of(None, receipt) == "report/submitted", receipt.text
    return receipt.text


async def test_every_question_arrives_during_a_broadcast_to_2000_groups(bot, driver, sandbox, clock, tmp_path):
    await driver.limits(overall_per_sec=30, group_per_min=20, chat_per_sec=1)
    groups = await quiet_groups(bot, sandbox, clock, tmp_path, GROUPS)
    draft = Draft("JH02", None, {"text": NOTICE}, "now", "", False)
    await bot.db.write(create, bot.runtime.settings, None, draft, clock.now())
    await bot.runtime.tick()
    await driver.expect(groups[2])                                        # the notice is going out
    residents = [await driver.user(f"居民{i}") for i in range(8)]
    # One meets flood control five times in a row (Telegram's limits are not only the ones we know).
    await driver.fault("retry_after", "sendMessage", count=5, retry_after=1, chat_id=residents[2].id)
    # Every step waits for the next question: a question that never came fails the step.
    receipts = await asyncio.gather(report_from_group(driver, residents[0], groups[0], DISPUTE),
                                    report_from_group(driver, residents[1], groups[1], DISPUTE),
                                    *(report_in_private(driver, r, "G0101" if i % 2 else "G0102")
                                      for i, r in enumerate(residents[2:])))
    assert len(set(receipts)) == len(residents)
    notices = [m for m in await driver.sent() if m.text == NOTICE]
    assert len(notices) < GROUPS - 2, "the forms were filled in after the broadcast, not during it"


@pytest.fixture
async def no_bot(settings, clock, db, city, sandbox):
    """The database, the city and the sandbox, with no bot running: the test starts and stops its own."""
    return settings


async def test_a_reply_committed_before_the_bot_went_down_arrives_after_the_restart(no_bot, clock, db, sandbox):
    driver = SandboxDriver(sandbox.url)
    resident = await driver.user("居民")
    # Telegram does not take this resident's messages for now: the first question cannot go out.
    await driver.fault("server_error", "sendMessage", count=100_000, chat_id=resident.id)
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        await resident.start("r_G0101")
        while not sandbox.injected["server_error"]:                    # the bot tried to answer: it is committed
            await asyncio.sleep(0.02)
    assert await driver.nothing_new(resident.private)
    sandbox.faults.clear()
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        question = await driver.expect(resident.private)
        assert asked(question) == "kind", question.text
        assert await driver.nothing_new(resident.private)             # once: the update was not handled again
    await driver.close()
