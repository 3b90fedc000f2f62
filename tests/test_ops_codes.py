"""Codes as people type them (`bx0101`, `ＢＸ０１０１`), and examples in prompts taken from this city's own
data: a city whose grids are BX…, not the sample city's G0101."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.org_import import import_org
from db import chats as chats_db
from db import conversations as conv_db
from tests.scenario import new_group

AREAS = """code,name,level,parent_code
SX,示例市,市,
BX,北新街道,镇街,SX
BX01,北新社区,村社区,BX
BX0101,北新第一网格,网格,BX01
BX0102,北新第二网格,网格,BX01
"""
STAFF = """area_code,role,name,phone,telegram_user_id
BX0101,网格长,周明,13900000001,910001
BX01,社区管理员,吴芳,13900000002,910002
"""
LEADER = 910001


@pytest.fixture
async def city(db, clock, settings, tmp_path: Path):
    """Another city than the sample one: its codes appear in no template."""
    areas, staff = tmp_path / "areas.csv", tmp_path / "staff.csv"
    areas.write_text(AREAS, encoding="utf-8")
    staff.write_text(STAFF, encoding="utf-8")
    return await db.write(import_org, areas, staff, clock.now(), timedelta(days=settings.invite_ttl_days))


async def bound_grid(bot, chat_id: int) -> int | None:
    chat = await bot.db.read(chats_db.get, chat_id)
    return chat.area_id if chat else None


@pytest.mark.parametrize("typed", ["bx0101", "ＢＸ０１０１", "Bx０１01"])
async def test_bind_takes_a_code_in_any_case_and_width(bot, driver, typed):
    leader = await driver.user("周明", user_id=LEADER)
    group = await new_group(driver, "群", [leader], added_by=leader)

    await leader.says(group, f"/bind {typed}")

    reply = await driver.expect(group)
    assert "BX0101" in reply.text
    assert await bound_grid(bot, group) is not None


async def test_a_report_link_and_a_typed_grid_code_in_lower_case_or_full_width_are_found(bot, driver):
    resident = await driver.user("居民")
    await resident.start("r_bx0102")
    await driver.expect(resident.private)
    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert state["grid"] == "BX0102"

    other = await driver.user("居民乙")
    await other.start()
    await driver.expect(other.private)
    await other.says(other.private, "/report")
    await driver.expect(other.private)
    await other.says(other.private, "ｂｘ０１０１")
    question = await driver.expect(other.private)
    assert "f|kind|arrival" in {b.get("callback_data") for b in question.buttons}
    state, _ = await bot.db.read(conv_db.get, other.id)
    assert state["grid"] == "BX0101"


async def test_examples_in_prompts_are_this_citys_codes(bot, driver):
    leader = await driver.user("周明", user_id=LEADER)
    group = await new_group(driver, "群", [leader], added_by=leader)
    await leader.says(group, "/bind")
    usage = await driver.expect(group)
    assert "/bind BX0101" in usage.text and "G0101" not in usage.text

    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/report")
    ask = await driver.expect(resident.private)
    assert "BX0101" in ask.text and "G0101" not in ask.text


async def test_the_introduction_in_a_new_group_uses_this_citys_code(bot, driver):
    leader = await driver.user("周明", user_id=LEADER)
    group = await driver.group("群", [leader], added_by=leader)
    intro = await driver.expect(group)
    assert "/bind BX0101" in intro.text and "G0101" not in intro.text
