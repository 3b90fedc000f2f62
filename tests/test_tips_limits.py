"""Abuse limits on tips: at most `tips_per_day` per person a day (from local midnight), and a second tip about the
same address as an open one is linked to it rather than opened twice."""

from __future__ import annotations

import pytest

from bot.core.config import Settings
from db import reports as reports_db
from db import tips as tips_db
from tests.scenario import context_of, team
from tests.tips_helpers import TIP, datas, expect_buttons, press, send_tip, start_from_group


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database=str(tmp_path / "gridbot.sqlite3"), risk_areas=("吉林",), tick_seconds=3600,
                    tips_per_day=2)


def at(address: str) -> list[tuple[str, str]]:
    return [TIP[0], TIP[1], ("say", address), *TIP[3:]]


async def tips_count(bot) -> int:
    return await bot.db.read(lambda c: c.execute("SELECT count(*) FROM reports WHERE kind = 'tip'").fetchone()[0])


async def test_a_third_tip_in_a_day_is_refused_and_allowed_again_tomorrow(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("热心居民")
    await send_tip(driver, resident, crew.group, at("府前小区1号楼"))
    await send_tip(driver, resident, crew.group, at("府前小区2号楼"))

    first = await start_from_group(driver, resident, crew.group)
    await press(resident, first, "f|kind|tip")
    refused = await driver.expect(resident.private)
    assert context_of(refused, "tips/limit_reached")["limit"] == 2 and "2" in refused.text
    assert not refused.buttons and await tips_count(bot) == 2
    assert await bot.db.read(lambda c: c.execute("SELECT count(*) FROM conversations").fetchone()[0]) == 0

    clock.advance(hours=24)
    receipt = await send_tip(driver, resident, crew.group, at("府前小区3号楼"))
    assert "G0101-" in receipt.text and await tips_count(bot) == 3


async def test_a_tip_about_the_address_of_an_open_one_is_linked_to_it(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    first, second = await driver.user("居民甲"), await driver.user("居民乙")
    await send_tip(driver, first, crew.group, at("府前小区7号楼1单元302"))
    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])

    linked = await send_tip(driver, second, crew.group, at(" 府前小区 7号楼1单元３０２。"))    # spaces, width, a stop

    report = await bot.db.read(reports_db.get, rid)
    assert report.number in linked.text and await tips_count(bot) == 1
    notice = await driver.expect(li_na.private)
    assert report.number in notice.text and "居民乙" not in notice.text
    assert [t.user_id for t in await bot.db.read(tips_db.linked_to, rid)] == [second.id]
    assert "linked" in [e.action for e in await bot.db.read(reports_db.events, rid)]

    elsewhere = await send_tip(driver, second, crew.group, at("府前小区8号楼"))
    assert report.number not in elsewhere.text and await tips_count(bot) == 2
    assert f"t|{rid}|ver" in datas(card)
