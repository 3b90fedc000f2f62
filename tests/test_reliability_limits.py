"""Direct replies and the outbox keep to one set of Telegram's limits: residents filling in the form while a
notice goes out to many groups see every question, and the notice still reaches every group."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.services.broadcasting import Draft, create
from bot.services.org_import import import_org
from db import areas as areas_db
from db import chats as chats_db
from tests.scenario import DISPUTE, REPORT_NUMBER, fill, press_data, report_from_group, started, template_of

GRIDS = ("G0101", "G0102", "G0201", "G0202")
GROUPS = 240                                   # 8 s of sending at 30 msg/s
NOTICE = "今晚22点起停水检修，请提前储水。"


@pytest.fixture(autouse=True)
async def telegram_limits(sandbox):
    from sandbox import SandboxDriver

    async with SandboxDriver(sandbox.url) as control:
        await control.limits(overall_per_sec=30, group_per_min=20, chat_per_sec=1)


async def many_groups(bot, driver, clock, folder, count: int) -> list[int]:
    """`count` group chats bound one to a grid: G0101's and G0102's first, the rest under 龙泉社区 (JH02)."""
    admin = await started(driver, "钱文华", 900002)
    groups = [await driver.group(f"第{i}居民群", [admin], added_by=admin) for i in range(count)]
    assert await driver.idle(timeout=60)               # each group's introduction, at 30 msg/s
    for group in groups:
        await driver.expect(group)
    extra = folder / "areas.csv"
    extra.write_text("code,name,level,parent_code\n" + "".join(f"X{i:03d},第{i}网格,grid,JH02\n"
                                                                for i in range(count - len(GRIDS))))
    await bot.db.write(import_org, extra, None, clock.now(), timedelta(days=1))

    def bind_all(conn, now):
        codes = list(GRIDS) + [f"X{i:03d}" for i in range(count - len(GRIDS))]
        for chat_id, code in zip(groups, codes):
            chats_db.bind(conn, chat_id, areas_db.by_code(conn, code).id, admin.id, now)

    await bot.db.write(bind_all, bot.runtime.stamp())
    return groups


async def notice_to_jh02(bot, clock, text: str) -> int:
    """A notice to every group under JH02 (all but G0101's and G0102's), sent now; its id."""
    draft = Draft("JH02", None, {"text": text}, "now", "", False)
    broadcast_id, _, _ = await bot.db.write(create, bot.runtime.settings, None, draft, clock.now())
    await bot.runtime.tick()
    return broadcast_id


async def test_residents_fill_in_the_form_during_a_broadcast_to_many_groups(bot, driver, clock, tmp_path):
    groups = await many_groups(bot, driver, clock, tmp_path, GROUPS)
    await notice_to_jh02(bot, clock, NOTICE)
    await driver.expect(groups[2])                                        # the notice is going out

    residents = [await driver.user(f"居民{i}") for i in range(8)]
    # One of them meets flood control five times in a row (Telegram's limits are not only the ones we know).
    await driver.fault("retry_after", "sendMessage", count=5, retry_after=1, chat_id=residents[2].id)
    # Every question of every form arrives (each step waits for the next question), while the notice drains:
    # two residents start from their group chat, two from a deep link.
    numbers = await asyncio.gather(report_from_group(driver, residents[0], groups[0], DISPUTE),
                                   report_from_group(driver, residents[1], groups[1], DISPUTE),
                                   report_in_private(driver, residents[2], "G0101"),
                                   report_in_private(driver, residents[3], "G0102"))
    print("STATS", await driver.stats())
    assert len(set(numbers)) == 4
    assert await bot.runtime.sender.drained(timeout=30)
    notices = [m for m in await driver.sent() if m.text == NOTICE]
    assert sorted(m.chat_id for m in notices) == sorted(groups[2:])


async def report_in_private(driver, resident, grid: str) -> str:
    await resident.start(f"r_{grid}")
    confirm = await fill(driver, resident, await driver.expect(resident.private), DISPUTE)
    await press_data(resident, confirm, "f|submit")
    receipt = await driver.expect(resident.private)
    assert template_of(None, receipt) == "report/submitted", receipt.text
    return REPORT_NUMBER.search(receipt.text)[0]
