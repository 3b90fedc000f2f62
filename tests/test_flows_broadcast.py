"""Composing a broadcast on the shared engine: back and its double tap, expiry in its own words, refused input."""

from __future__ import annotations

from datetime import timedelta

from bot.core.telegram_html import parse_html
from db import broadcasts as broadcasts_db
from db import conversations as conv_db
from messages import render
from tests.scenario import started
from tests.test_broadcast import RUMOUR, compose


def shown(name: str, **context) -> str:
    return parse_html(render(name, "zh_CN", **context))


async def test_back_while_composing_asks_the_last_answer_again_and_a_second_tap_is_stale(bot, driver, clock):
    admin = await started(driver, "钱文华", 900002)
    audience = await compose(driver, admin, RUMOUR)
    assert audience.button("返回")["callback_data"] == "b|back|aud"

    await admin.press(audience, "返回")
    again = await driver.expect(admin.private)
    assert shown("broadcast/ask_field", field="source") in again.text
    state, _ = await bot.db.read(conv_db.get, admin.id)
    assert "field.source" not in state["answers"] and state["answers"]["field.truth"] == "没有封控计划"
    stale = await admin.press(audience, "返回")
    assert shown("report/toast_stale") in (await driver.answer(stale)).text

    await admin.says(admin.private, "市指挥部")
    audience = await driver.expect(admin.private)
    await admin.press(audience, "荆河街道")
    when = await driver.expect(admin.private)
    await admin.press(when, "立即发送")
    pin = await driver.expect(admin.private)
    await admin.press(pin, "不置顶")
    await driver.expect(admin.private)                                  # the preview
    summary = await driver.expect(admin.private)
    await admin.press(summary, "确认提交")
    await driver.expect(admin.private)
    (broadcast,) = await bot.db.read(broadcasts_db.listed, True)
    assert broadcast.fields == {"rumour": "明天全城封控", "truth": "没有封控计划", "source": "市指挥部"}


async def test_an_idle_draft_expires_in_its_own_words(bot, driver, clock, settings):
    admin = await started(driver, "钱文华", 900002)
    await compose(driver, admin, [("press", "辟谣")])
    clock.advance(timedelta(minutes=settings.conversation_idle_minutes + 1))
    await admin.says(admin.private, "明天全城封控")
    assert shown("broadcast/expired") in (await driver.expect(admin.private)).text
    assert await bot.db.read(conv_db.get, admin.id) is None


async def test_invisible_or_over_long_text_is_asked_again(bot, driver, clock):
    admin = await started(driver, "钱文华", 900002)
    await compose(driver, admin, [("press", "自由文本")])
    await admin.says(admin.private, "\u200b\u202e\u2060")
    reply = await driver.expect(admin.private)
    assert shown("broadcast/error/empty") in reply.text and shown("broadcast/ask_text") in reply.text

    await compose(driver, admin, [("press", "辟谣")])
    await admin.says(admin.private, "谣" * 1001)
    reply = await driver.expect(admin.private)
    assert shown("broadcast/error/too_long", max=1000, length=1001) in reply.text
    state, _ = await bot.db.read(conv_db.get, admin.id)
    assert state["answers"] == {"tpl": "rumour"}
