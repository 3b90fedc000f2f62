"""A resident reports in the grid group; the worker on duty handles it; the resident is told."""

from __future__ import annotations

from db import reports as reports_db
from tests.scenario import ARRIVAL, DISPUTE, card_action, press_data, report_from_group, team, template_of


async def test_an_arrival_goes_round_the_loop(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民赵")

    number = await report_from_group(driver, resident, crew.group, ARRIVAL)

    assert number.startswith("G0101-20260409-0001")
    report = await bot.db.read(reports_db.by_number, number)
    assert report.kind == "arrival" and report.priority == "normal" and report.status == "open"
    assert report.details["phone"] == "13912345678" and report.details["arrival_date"] == "2026-04-09"
    worker = next(w for w in crew.workers if w.first_name == "李娜")
    card = await driver.expect(worker.private)
    assert number in card.text and "赵小满" in card.text and "府前小区3号楼2单元401" in card.text

    pressed = await press_data(worker, card, card_action(card, "acc"))
    assert template_of(bot, await driver.answer(pressed)) == "casework/outcome/accepted"
    assert template_of(bot, await driver.expect(resident.private)) == "report/status_accepted"

    await press_data(worker, card, card_action(card, "res"))
    prompt = await driver.expect(worker.private)
    assert template_of(bot, prompt) == "casework/ask_resolve"
    await worker.says(worker.private, "已上门登记，居家健康监测7天")
    assert template_of(bot, await driver.expect(worker.private)) == "casework/outcome/resolved"
    told = await driver.expect(resident.private)
    assert template_of(bot, told) == "report/status_resolved" and "居家健康监测7天" in told.text

    report = await bot.db.read(reports_db.by_number, number)
    assert report.status == "resolved" and report.outcome == "已上门登记，居家健康监测7天"
    actions = [e.action for e in await bot.db.read(reports_db.events, report.id)]
    assert actions == ["created", "assigned", "accepted", "resolved"]


async def test_a_dispute_from_the_group(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民钱")

    number = await report_from_group(driver, resident, crew.group, DISPUTE)

    report = await bot.db.read(reports_db.by_number, number)
    assert report.kind == "dispute" and report.details["category"] == "neighbours"
    cards = [await driver.expect(w.private, timeout=0.5) for w in crew.workers if w.first_name == "李娜"]
    assert "钱大爷与孙阿姨" in cards[0].text


async def test_every_disclosure_of_a_report_to_staff_is_in_the_audit_log(bot, driver, clock, settings):
    from datetime import timedelta

    from db import audit

    crew = await team(bot, driver, clock)
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    await driver.expect(crew.workers[0].private)
    for _ in range(2):                                                # a reminder, then the leader
        clock.advance(timedelta(minutes=settings.accept_minutes_normal + 1))
        await bot.runtime.tick()
    report = await bot.db.read(reports_db.by_number, number)
    disclosed = await bot.db.read(audit.entries, f"report:{report.id}", "report_disclosed")
    people = await bot.db.read(lambda c: dict(c.execute("SELECT id, name FROM people").fetchall()))
    assert [(people[e["detail"]["to_person"]], e["detail"]["why"]) for e in disclosed] == [
        ("李娜", "assign"), ("李娜", "remind"), ("王强", "escalate")]
