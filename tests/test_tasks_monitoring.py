"""Home health monitoring: started from the arrival card (or by the rules on accept), a daily check-in at
checkin_time, a missed one goes to the worker, an abnormal one opens a high-priority report at once, a summary at
the end; extended and ended early; forged, repeated and late presses change nothing; restarts neither lose nor
repeat a check-in."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.app.harness import running_bot
from db import reports as reports_db
from db import tasks as tasks_db
from sandbox import SandboxDriver
import messages
from tests.scenario import (ARRIVAL, card_action, context_of, expect_from, next_from, press_data, report_from_group,
                            team, template_of)
from tests.tasks_helpers import button_data, press_matching

DAY = timedelta(days=1)


async def next_matching(driver, chat_id: int, needle: str, limit: int = 8):
    """The next message in the chat containing `needle`, data the test typed (others on the way are passed over)."""
    for _ in range(limit):
        message = await driver.expect(chat_id)
        if needle in (message.text or ""):
            return message
    raise AssertionError(f"no message with {needle!r} in chat {chat_id}")


async def monitored_arrival(bot, driver, clock, days: int = 7, answers=ARRIVAL):
    """A resident's arrival, accepted by 李娜, put under monitoring from its card, then resolved."""
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, answers)
    card = await driver.expect(li_na.private)
    report = await bot.db.read(reports_db.by_number, number)
    await driver.answer(await press_data(li_na, card, card_action(card, "acc")))
    await press_data(li_na, card, f"mo|{report.id}|panel")
    panel = await expect_from(driver, li_na.private, "tasks/monitoring/panel")
    assert context_of(panel, "tasks/monitoring/panel")["monitoring"] is None
    if days in (7, 14):
        await press_data(li_na, panel, f"mo|{report.id}|start|{days}")
    else:
        await li_na.press_data(li_na.private, panel.message_id, f"mo|{report.id}|start|{days}", forge=True)
    await next_from(driver, resident.private, "tasks/monitoring/started_resident")
    await press_data(li_na, card, card_action(card, "res"))
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "已上门登记")
    await next_from(driver, resident.private, "report/status_resolved")
    return crew, li_na, resident, report, panel


async def checkins(bot, report_id):
    monitoring = await bot.db.read(tasks_db.latest_monitoring, report_id)
    return monitoring, await bot.db.read(tasks_db.checkins_of, monitoring.id)


async def test_daily_check_ins_missed_checked_and_abnormal(bot, driver, clock, settings):
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    events = [e.action for e in await bot.db.read(reports_db.events, arrival.id)]
    assert "monitoring_started" in events

    # Day 1, 09:00: the check-in; 正常, then a temperature typed.
    clock.advance(DAY)
    await bot.runtime.tick()
    first = await next_from(driver, resident.private, "tasks/checkin/ask")
    answers = ("normal", "fever", "cough", "other")
    assert [b["text"] for b in first.buttons] == [messages.label("tasks/checkin/option", value=a) for a in answers]
    assert [b["callback_data"].split("|")[2] for b in first.buttons] == list(answers)
    answer = await driver.answer(await press_matching(resident, first, r"ck\|\d+\|normal"))
    assert template_of(bot, answer) == "tasks/checkin/outcome/recorded"
    await expect_from(driver, resident.private, "tasks/checkin/temperature/ask")
    await resident.says(resident.private, "36.6℃")
    await expect_from(driver, resident.private, "tasks/checkin/temperature_recorded")
    # Pressed again (the buttons are gone; a replayed press): nothing changes.
    replay = await driver.answer(await resident.press_data(resident.private, first.message_id,
                                                           first.buttons[1]["callback_data"], forge=True))
    assert template_of(bot, replay) == "tasks/checkin/outcome/already"
    _, done = await checkins(bot, arrival.id)
    assert [(c.status, c.answer, c.temperature, c.health_report_id) for c in done] == [("answered", "normal", 36.6, None)]

    # Day 2: no answer within the grace: the worker gets the task with the contact, records a phone check.
    clock.advance(DAY)
    await bot.runtime.tick()
    await next_from(driver, resident.private, "tasks/checkin/ask")
    clock.advance(minutes=settings.checkin_grace_minutes + 1)
    await bot.runtime.tick()
    missed = await next_from(driver, li_na.private, "tasks/checkin/missed")
    assert ARRIVAL["phone"] in missed.text and ARRIVAL["address"] in missed.text
    await press_matching(li_na, missed, r"mx\|\d+")
    await press_matching(li_na, await driver.expect(li_na.private), r".*\|phone")
    await press_matching(li_na, await driver.expect(li_na.private), r".*\|normal")
    await expect_from(driver, li_na.private, "tasks/checkin/checked")

    # Day 3: 发热 opens a high-priority health report to the worker at once; the temperature goes into it.
    clock.advance(DAY)
    await bot.runtime.tick()
    third = await next_from(driver, resident.private, "tasks/checkin/ask")
    toast = await driver.answer(await press_matching(resident, third, r"ck\|\d+\|fever"))
    assert template_of(bot, toast) == "tasks/checkin/outcome/abnormal"
    alert = await next_from(driver, li_na.private, "report/card")
    shown = context_of(alert, "report/card")["report"]
    assert (shown.kind, shown.priority) == ("health", "high") and ARRIVAL["name"] in alert.text
    await driver.expect(resident.private)
    await resident.says(resident.private, "38.5")
    await driver.expect(resident.private)

    _, done = await checkins(bot, arrival.id)
    assert [(c.status, c.answer, c.method) for c in done] == [
        ("answered", "normal", None), ("checked", "normal", "phone"), ("answered", "fever", None)]
    health = await bot.db.read(reports_db.get, done[2].health_report_id)
    assert (health.kind, health.priority, health.status, health.reporter_user) == ("health", "high", "open",
                                                                                     resident.id)
    assert f"r|{health.id}|acc" in {b["callback_data"] for b in alert.buttons}
    assert "38.5°C" in [e.detail.get("text") for e in await bot.db.read(reports_db.events, health.id)]
    history = [e.action for e in await bot.db.read(reports_db.events, arrival.id)]
    assert history.count("checkin_missed") == 1 and "checked" in history and "checkin_abnormal" in history


async def test_the_end_a_summary_and_late_presses(bot, driver, clock, settings):
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock, days=2)
    clock.advance(DAY)
    await bot.runtime.tick()
    first = await next_from(driver, resident.private, "tasks/checkin/ask")
    clock.advance(DAY)
    await bot.runtime.tick()                    # day 2 at 09:00 is the end itself: no check-in, the summary
    summary = await next_from(driver, li_na.private, "tasks/monitoring/summary")
    assert len(context_of(summary, "tasks/monitoring/summary")["checkins"]) == 1
    await next_from(driver, resident.private, "tasks/monitoring/ended_resident")

    late = await driver.answer(await press_matching(resident, first, r"ck\|\d+\|cough"))
    assert template_of(bot, late) == "tasks/checkin/outcome/ended" and late.data["show_alert"]
    monitoring, done = await checkins(bot, arrival.id)
    assert monitoring.status == "ended" and [c.answer for c in done] == [None]
    clock.advance(DAY * 5)
    await bot.runtime.tick()
    assert await driver.nothing_new(resident.private)


async def test_extended_then_ended_early_by_the_worker(bot, driver, clock):
    crew, li_na, resident, arrival, panel = await monitored_arrival(bot, driver, clock)
    active = (await driver.events(0, li_na.private, kinds=["edit"]))[-1]
    assert context_of(active, "tasks/monitoring/panel")["monitoring"].status == "active"
    await driver.answer(await press_data(li_na, active, f"mo|{arrival.id}|ext|7"))
    monitoring, _ = await checkins(bot, arrival.id)
    assert monitoring.days == 14
    await driver.answer(await press_data(li_na, active, f"mo|{arrival.id}|end"))
    await next_from(driver, resident.private, "tasks/monitoring/ended_resident")
    await next_from(driver, li_na.private, "tasks/monitoring/summary")
    monitoring, _ = await checkins(bot, arrival.id)
    assert monitoring.status == "ended" and monitoring.ended_by == li_na.id
    clock.advance(DAY * 20)
    await bot.runtime.tick()
    assert await driver.nothing_new(resident.private)
    assert [e.action for e in await bot.db.read(reports_db.events, arrival.id)][-2:] == [
        "monitoring_extended", "monitoring_ended"]


async def test_forged_presses_change_nothing(bot, driver, clock):
    crew, li_na, resident, arrival, panel = await monitored_arrival(bot, driver, clock)
    clock.advance(DAY)
    await bot.runtime.tick()
    first = await next_from(driver, resident.private, "tasks/checkin/ask")
    checkin_id = first.buttons[0]["callback_data"].split("|")[1]
    stranger = await driver.user("路人")
    zhang_wei = crew.workers[1]
    for person, data in ((stranger, f"ck|{checkin_id}|fever"), (li_na, f"ck|{checkin_id}|normal"),
                         (resident, f"ck|{checkin_id}|drop"), (resident, "ck|999999|normal"), (resident, "ck|x|y"),
                         (stranger, f"mo|{arrival.id}|end"), (zhang_wei, f"mo|{arrival.id}|ext|7"),
                         (resident, f"mo|{arrival.id}|start|7"), (li_na, f"mo|{arrival.id}|start|999"),
                         (stranger, f"mx|{checkin_id}"), (li_na, "mo|1|end|x")):
        answer = await driver.answer(await person.press_data(first.chat_id, first.message_id, data, forge=True))
        assert answer.data["show_alert"], (data, answer.text)
    monitoring, done = await checkins(bot, arrival.id)
    assert monitoring.status == "active" and monitoring.days == 7
    assert [(c.status, c.answer) for c in done] == [("pending", None)]


async def test_the_rules_start_monitoring_when_a_high_arrival_is_accepted(settings, clock, db, city, sandbox):
    ruled = replace(settings, monitor_days_by_priority=(("high", 7), ("normal", 0)))
    async with running_bot(ruled, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        numbers = []
        for origin in ("吉林省长春市", "山东省济南市"):
            resident = await driver.user("居民")
            numbers.append(await report_from_group(driver, resident, crew.group, {**ARRIVAL, "origin": origin}))
            card = await next_matching(driver, li_na.private if len(numbers) == 1 else crew.workers[1].private,
                                       numbers[-1])
            who = li_na if len(numbers) == 1 else crew.workers[1]
            await driver.answer(await press_data(who, card, card_action(card, "acc")))
        panel = await next_from(driver, li_na.private, "tasks/monitoring/panel")
        high, normal = [await bot.db.read(reports_db.by_number, n) for n in numbers]
        assert context_of(panel, "tasks/monitoring/panel")["monitoring"].status == "active"
        assert button_data(panel, rf"mo\|{high.id}\|end")
        assert (await bot.db.read(tasks_db.latest_monitoring, high.id)).days == 7
        assert await bot.db.read(tasks_db.latest_monitoring, normal.id) is None


async def test_a_restart_neither_loses_nor_repeats_a_check_in(settings, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    clock.advance(DAY)                                          # due while the bot is down

    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        await next_from(driver, resident.private, "tasks/checkin/ask")     # sent at start-up
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert await driver.nothing_new(resident.private)
        _, done = await checkins(bot, arrival.id)
        assert len(done) == 1
        clock.advance(DAY)
        await bot.runtime.tick()
        await next_from(driver, resident.private, "tasks/checkin/ask")
        assert len((await checkins(bot, arrival.id))[1]) == 2
    await driver.close()
