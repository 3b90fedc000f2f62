"""Everything a monitoring did is in the arrival's history as staff read it (the card): started for how many days,
extended by how many, a missed check-in and how it was checked, ended early; in the reader's words, in each
locale (no stored code such as `early` shown raw)."""

from __future__ import annotations

from bot.services import notify
from db import reports as reports_db
from tests.test_tasks_monitoring import DAY, checkins, monitored_arrival, next_matching


async def test_the_card_tells_the_monitorings_story(bot, driver, clock, settings):
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    clock.advance(DAY)
    await bot.runtime.tick()
    await next_matching(driver, resident.private, "每日健康打卡")
    clock.advance(minutes=settings.checkin_grace_minutes + 1)
    await bot.runtime.tick()
    missed = await next_matching(driver, li_na.private, "未按时打卡")
    await li_na.press(missed, "记录电话")
    await li_na.press(await driver.expect(li_na.private), "上门核实")
    await li_na.press(await driver.expect(li_na.private), "咳嗽")
    active = (await driver.events(0, li_na.private, kinds=["edit"]))[-1]
    await driver.answer(await li_na.press(active, "延长 7 天"))
    await driver.answer(await li_na.press(active, "提前结束"))
    monitoring, _ = await checkins(bot, arrival.id)
    assert monitoring.status == "ended"

    report = await bot.db.read(reports_db.get, arrival.id)
    cards = {locale: (await bot.db.read(lambda c, loc=locale: notify.card(c, settings, report, loc, "assigned")))[0]
             for locale in ("zh_CN", "en")}
    lines = {locale: [line for line in text.splitlines() if "monitoring" in line or "监测" in line or "check" in line
                      or "打卡" in line or "核实" in line] for locale, text in cards.items()}
    en = "\n".join(lines["en"])
    assert "home monitoring started" in en and "7 days" in en, en
    assert "home monitoring extended" in en and "ended early" in en
    assert "At the door" in en and "Cough" in en and "check-in missed" in en
    zh = "\n".join(lines["zh_CN"])
    assert "开始居家监测" in zh and "上门核实" in zh and "early" not in cards["zh_CN"], zh
