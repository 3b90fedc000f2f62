"""The worker's card: who reported (or that it was anonymous) with their contact; and the card kept
up to date in place as the report changes."""

from __future__ import annotations

import json

from db import reports as reports_db
from tests.scenario import ARRIVAL, DISPUTE, report_from_group, team


async def test_a_dispute_card_names_the_reporter(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("钱阿姨", username="qian_ayi")

    await report_from_group(driver, resident, crew.group, DISPUTE)

    card = await driver.expect(li_na.private)
    assert "钱阿姨" in card.text and "@qian_ayi" in card.text


async def test_a_staff_reporter_is_shown_with_the_roster_phone(bot, driver, clock):
    crew = await team(bot, driver, clock)
    zhang_wei = crew.workers[1]

    await report_from_group(driver, crew.leader, crew.group, DISPUTE)

    card = await driver.expect(crew.workers[0].private)
    assert "王强" in card.text and "13806320011" in card.text
    await report_from_group(driver, crew.leader, crew.group, {**ARRIVAL, "phone": "13912340000"})
    card = await driver.expect(zhang_wei.private)
    assert "王强" in card.text and "13912340000" in card.text     # the phone he typed for himself


async def test_an_anonymous_report_names_nobody(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    resident = await driver.user("钱阿姨", username="qian_ayi")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await driver.expect(li_na.private)

    def anonymous(conn):                        # what a form that offers anonymity stores
        report = reports_db.by_number(conn, number)
        conn.execute("UPDATE reports SET details = ? WHERE id = ?",
                     (json.dumps(report.details | {"anonymous": True}), report.id))
    await bot.db.write(anonymous)
    await li_na.press(card, "转派")
    await li_na.press(await driver.expect(li_na.private), "张伟")

    card = await driver.expect(zhang_wei.private)
    assert number in card.text and "匿名" in card.text
    assert "钱阿姨" not in card.text.split("处理记录")[0] and "qian_ayi" not in card.text
