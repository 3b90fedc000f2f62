"""Home monitoring, the rules the first tests leave out: the first check-in is the same day when `checkin_time` is
still ahead; a report made for someone else monitors that person when a household gives their Telegram id; the
temperature may be skipped; a fever typed after 正常 opens the high-priority health report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.app.harness import running_bot
from bot.services.households import import_households
from db import reports as reports_db
from messages.names import is_label
from tests.scenario import ARRIVAL, card_action, context_of, names_in, next_from, press_data, report_from_group, started, team
from tests.tasks_helpers import press_matching
from tests.test_tasks_monitoring import DAY, checkins, next_matching

RELATIVE = 700031                 # the person who arrived, whose relative reports for them


async def start_monitoring(driver, worker, card, days: int = 7):
    await driver.answer(await press_data(worker, card, card_action(card, "acc")))
    await press_matching(worker, card, r"mo\|\d+\|panel")
    panel = await next_from(driver, worker.private, "tasks/monitoring/panel")
    assert context_of(panel, "tasks/monitoring/panel")["monitoring"] is None
    await press_matching(worker, panel, rf"mo\|\d+\|start\|{days}")


async def test_the_first_check_in_is_the_same_day_when_its_time_is_ahead(settings, clock, db, city, sandbox):
    evening = replace(settings, checkin_time="18:00")           # the clock starts at 09:00 local
    async with running_bot(evening, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        resident = await driver.user("居民")
        number = await report_from_group(driver, resident, crew.group, ARRIVAL)
        await start_monitoring(driver, li_na, await next_matching(driver, li_na.private, number))
        await next_from(driver, resident.private, "tasks/monitoring/started_resident")
        arrival = await bot.db.read(reports_db.by_number, number)

        clock.advance(hours=8, minutes=59)                      # 17:59: not yet
        await bot.runtime.tick()
        assert await driver.nothing_new(resident.private)
        clock.advance(minutes=1)                                # 18:00 the same day
        await bot.runtime.tick()
        await next_from(driver, resident.private, "tasks/checkin/ask")
        _, done = await checkins(bot, arrival.id)
        assert [c.day for c in done] == ["2026-04-09"]


async def test_a_report_for_someone_else_monitors_them_and_the_temperature_may_be_skipped(bot, driver, clock,
                                                                                           tmp_path: Path):
    sheet = tmp_path / "h.csv"
    sheet.write_text("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
                     f"G0101,3,2,401,{ARRIVAL['name']},{ARRIVAL['phone']},{RELATIVE}\n", encoding="utf-8")
    await bot.db.write(import_households, sheet, clock.now())
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    arrived = await started(driver, ARRIVAL["name"], RELATIVE)
    relative = await driver.user("家属")
    number = await report_from_group(driver, relative, crew.group, {**ARRIVAL, "behalf": "other"})
    await start_monitoring(driver, li_na, await next_matching(driver, li_na.private, number))
    await next_from(driver, arrived.private, "tasks/monitoring/started_resident")
    arrival = await bot.db.read(reports_db.by_number, number)
    monitoring, _ = await checkins(bot, arrival.id)
    assert monitoring.resident_user == RELATIVE

    clock.advance(DAY)
    await bot.runtime.tick()
    ask = await next_from(driver, arrived.private, "tasks/checkin/ask")
    await driver.answer(await press_matching(arrived, ask, r"ck\|\d+\|normal"))
    temperature = await next_from(driver, arrived.private, "tasks/checkin/temperature/ask")
    skip = [b for b in temperature.buttons if b["callback_data"].startswith("tp|")]
    assert skip, temperature.buttons
    await press_data(arrived, temperature, skip[0]["callback_data"])
    await driver.expect(arrived.private)
    _, done = await checkins(bot, arrival.id)
    assert [(c.status, c.answer, c.temperature) for c in done] == [("answered", "normal", None)]
    # No check-in or monitoring message (a button's word such as the health answer of the form may recur).
    told = [names_in(m) for m in await driver.sent(relative.private)]
    assert told and not any(n.startswith(("tasks/checkin/", "tasks/monitoring/")) and not is_label(n)
                            for names in told for n in names), told


async def test_a_fever_typed_after_normal_opens_the_health_report(bot, driver, clock):
    from tests.test_tasks_monitoring import monitored_arrival

    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    clock.advance(DAY)
    await bot.runtime.tick()
    ask = await next_from(driver, resident.private, "tasks/checkin/ask")
    await driver.answer(await press_matching(resident, ask, r"ck\|\d+\|normal"))
    await next_from(driver, resident.private, "tasks/checkin/temperature/ask")
    await resident.says(resident.private, "37.8")
    alert = await next_from(driver, li_na.private, "report/card")
    _, done = await checkins(bot, arrival.id)
    assert [(c.answer, c.temperature) for c in done] == [("normal", 37.8)] and done[0].health_report_id
    health = await bot.db.read(reports_db.get, done[0].health_report_id)
    assert (health.kind, health.priority, health.details["temperature"]) == ("health", "high", "37.8°C")
    assert health.number in alert.text
