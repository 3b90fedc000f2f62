"""Composing a broadcast on the shared engine: back and its double tap, expiry in its own words, refused input."""

from __future__ import annotations

from datetime import timedelta

from db import broadcasts as broadcasts_db
from db import conversations as conv_db
from tests.scenario import context_of, names_in, press_data, started, template_of
from tests.test_broadcast import NO_PIN, NOW, RUMOUR, SUBMIT, compose


async def test_back_while_composing_asks_the_last_answer_again_and_a_second_tap_is_stale(bot, driver, clock):
    admin = await started(driver, "钱文华", 900002)
    audience = await compose(driver, admin, RUMOUR)
    await press_data(admin, audience, "b|back|aud")
    again = await driver.expect(admin.private)
    assert context_of(again, "broadcast/ask_field")["field"] == "source"
    state, _ = await bot.db.read(conv_db.get, admin.id)
    assert "field.source" not in state["answers"] and state["answers"]["field.truth"] == "没有封控计划"
    stale = await press_data(admin, audience, "b|back|aud")
    assert template_of(bot, await driver.answer(stale)) == "report/toast_stale"

    await admin.says(admin.private, "市指挥部")
    audience = await driver.expect(admin.private)
    await press_data(admin, audience, "b|aud|JH")
    when = await driver.expect(admin.private)
    await press_data(admin, when, NOW[1])
    pin = await driver.expect(admin.private)
    await press_data(admin, pin, NO_PIN[1])
    await driver.expect(admin.private)                                  # the preview
    summary = await driver.expect(admin.private)
    await press_data(admin, summary, SUBMIT)
    await driver.expect(admin.private)
    (broadcast,) = await bot.db.read(broadcasts_db.listed, True)
    assert broadcast.fields == {"rumour": "明天全城封控", "truth": "没有封控计划", "source": "市指挥部"}


async def test_an_idle_draft_expires_in_its_own_words(bot, driver, clock, settings):
    admin = await started(driver, "钱文华", 900002)
    await compose(driver, admin, [("press", "b|tpl|rumour")])
    clock.advance(timedelta(minutes=settings.conversation_idle_minutes + 1))
    await admin.says(admin.private, "明天全城封控")
    assert template_of(bot, await driver.expect(admin.private)) == "broadcast/expired"
    assert await bot.db.read(conv_db.get, admin.id) is None


async def test_invisible_or_over_long_text_is_asked_again(bot, driver, clock):
    admin = await started(driver, "钱文华", 900002)
    await compose(driver, admin, [("press", "b|tpl|free")])
    await admin.says(admin.private, "\u200b\u202e\u2060")
    reply = await driver.expect(admin.private)
    assert {"broadcast/error/empty", "broadcast/ask_text"} <= names_in(reply)

    await compose(driver, admin, [("press", "b|tpl|rumour")])
    await admin.says(admin.private, "谣" * 1001)
    reply = await driver.expect(admin.private)
    assert context_of(reply, "broadcast/error/too_long") == {"max": 1000, "length": 1001}
    state, _ = await bot.db.read(conv_db.get, admin.id)
    assert state["answers"] == {"tpl": "rumour"}
