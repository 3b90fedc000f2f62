"""Bad input while sending a tip: a sticker at a typed question is answered and the question asked again with the
form unchanged; a location posted in the group is neither taken nor echoed; a typed word where buttons are
wanted is refused (the button's own word is taken as its press)."""

from __future__ import annotations

from db import conversations as conv_db
from tests.scenario import team
from tests.tips_helpers import TIP, datas, perform, start_from_group


async def form(bot, user_id):
    found = await bot.db.read(conv_db.get, user_id)
    return found[0] if found else None


async def test_a_sticker_at_a_typed_question_changes_nothing(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    first = await start_from_group(driver, resident, crew.group)
    question = await perform(driver, resident, first, TIP[:3])          # now at "when"
    before = await form(bot, resident.id)

    await resident.sends("sticker")

    reply = await driver.expect(resident.private)
    assert reply.text.endswith(question.text) and datas(reply) == datas(question)
    assert await form(bot, resident.id) == before

    await resident.says(resident.private, "今天上午")
    await resident.says(resident.private, "没有报备")
    media = await driver.expect(resident.private)
    media = await driver.expect(resident.private)
    at_media = await form(bot, resident.id)
    await resident.says(resident.private, "好的谢谢")                   # typed at the photo step: not its button word
    refused = await driver.expect(resident.private)
    assert datas(refused) == datas(media) and "f|media|done" in datas(refused)
    assert await form(bot, resident.id) == at_media

    await resident.says(resident.private, "完成")                       # the button's own word counts as the press
    anonymous = await driver.expect(resident.private)
    assert "f|anonymous|yes" in datas(anonymous)


async def test_a_location_posted_in_the_group_is_not_taken(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    first = await start_from_group(driver, resident, crew.group)
    await perform(driver, resident, first, TIP[:2])                      # now at "where"
    before = await form(bot, resident.id)

    await resident.sends("location", crew.group, latitude=35.081, longitude=117.152)

    assert await driver.nothing_new(crew.group)
    assert await form(bot, resident.id) == before
    assert not [e for e in await driver.events(0, crew.group, kinds=None) if e.kind == "location"]
