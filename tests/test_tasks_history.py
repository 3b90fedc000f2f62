"""Everything a monitoring did is in the arrival's history as staff read it (the card): started for how many days,
extended by how many, a missed check-in and how it was checked, ended early; in the reader's words, in each
locale (no stored code such as `early` shown raw)."""

from __future__ import annotations

import messages
from bot.services import notify
from messages.catalog import lookup, translate, translations
from db import reports as reports_db
from tests.scenario import next_from, press_data
from tests.tasks_helpers import press_matching
from tests.test_tasks_monitoring import DAY, checkins, monitored_arrival


async def test_the_card_tells_the_monitorings_story(bot, driver, clock, settings):
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    clock.advance(DAY)
    await bot.runtime.tick()
    await next_from(driver, resident.private, "tasks/checkin/ask")
    clock.advance(minutes=settings.checkin_grace_minutes + 1)
    await bot.runtime.tick()
    missed = await next_from(driver, li_na.private, "tasks/checkin/missed")
    await press_matching(li_na, missed, r"mx\|\d+")
    await press_matching(li_na, await driver.expect(li_na.private), r".*\|doorstep")
    await press_matching(li_na, await driver.expect(li_na.private), r".*\|cough")
    active = (await driver.events(0, li_na.private, kinds=["edit"]))[-1]
    await driver.answer(await press_data(li_na, active, f"mo|{arrival.id}|ext|7"))
    await driver.answer(await press_data(li_na, active, f"mo|{arrival.id}|end"))
    monitoring, _ = await checkins(bot, arrival.id)
    assert monitoring.status == "ended"

    report = await bot.db.read(reports_db.get, arrival.id)
    cards = {locale: (await bot.db.read(lambda c, loc=locale: notify.card(c, settings, report, loc, "assigned")))[0]
             for locale in ("zh_CN", "en")}
    en = "\n".join(line for line in cards["en"].splitlines() if "monitoring" in line or "check" in line)
    assert "home monitoring started" in en and "7 days" in en, en
    assert "home monitoring extended" in en and "ended early" in en
    assert "At the door" in en and "Cough" in en and "check-in missed" in en
    # The same story in zh_CN's words for the event and the check's method (whatever the catalog says).
    zh = cards["zh_CN"]
    started = translate(translations("zh_CN"), lookup("action", "monitoring_started"), False, {})
    doorstep = messages.label("tasks/checkin/check/option", "zh_CN", value="doorstep")
    assert started in zh and doorstep in zh and "early" not in zh, zh
