"""What is late goes up the chain: reminder, grid leader, community, town. Time moves only when told."""

from __future__ import annotations

from datetime import timedelta

from bot.app.harness import running_bot
from sandbox import SandboxDriver
from db import reports as reports_db
from db import timers as timers_db
from tests.scenario import (DISPUTE, card_action, context_of, expect_from, press_data, report_from_group, team,
                            worker_data)


def headline(card) -> tuple[str, str | None]:
    """Why a report card was sent: its headline, and for an escalation the reason."""
    shown = context_of(card, "report/card")
    return shown["headline"], shown.get("reason")


async def escalated_to(driver, resident) -> int:
    """The level the resident is told their report went up to."""
    told = await expect_from(driver, resident.private, "report/status_escalated")
    return context_of(told, "report/status_escalated")["report"].level


async def test_an_unaccepted_report_climbs_the_chain(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, DISPUTE)
    await driver.expect(li_na.private)
    window = timedelta(minutes=settings.accept_minutes_normal)

    clock.advance(window - timedelta(minutes=1))
    assert await bot.runtime.tick() == 0

    clock.advance(minutes=2)
    assert await bot.runtime.tick() == 1
    reminder = await driver.expect(li_na.private)
    assert headline(reminder) == ("overdue_accept", None) and number in reminder.text
    assert await bot.runtime.tick() == 0

    clock.advance(window)
    await bot.runtime.tick()
    to_leader = await driver.expect(crew.leader.private)
    assert headline(to_leader) == ("escalated", "overdue_accept") and number in to_leader.text
    assert await escalated_to(driver, resident) == 1

    clock.advance(window)
    await bot.runtime.tick()
    assert number in (await driver.expect(crew.community_admin.private)).text
    assert await escalated_to(driver, resident) == 2

    clock.advance(window)
    await bot.runtime.tick()
    to_town = await driver.expect(crew.town_admin.private)
    assert number in to_town.text

    clock.advance(window * 5)
    assert await bot.runtime.tick() == 0
    report = await bot.db.read(reports_db.by_number, number)
    assert report.level == 3 and report.status == "open"
    assert [e.action for e in await bot.db.read(reports_db.events, report.id)] == [
        "created", "assigned", "reminded", "escalated", "escalated", "escalated"]

    # The town admin has the power to reassign: back to a worker of the grid.
    await press_data(crew.town_admin, to_town, card_action(to_town, "xfer"))
    choices = await expect_from(driver, crew.town_admin.private, "casework/choose_worker")
    await press_data(crew.town_admin, choices, await worker_data(bot, choices, "张伟"))
    assert number in (await driver.expect(crew.workers[1].private)).text


async def test_an_accepted_but_unresolved_report_escalates_too(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await driver.answer(await press_data(li_na, card, card_action(card, "acc")))
    clock.advance(timedelta(minutes=settings.accept_minutes_normal * 3))
    assert await bot.runtime.tick() == 0

    clock.advance(timedelta(hours=settings.resolve_hours_normal))
    await bot.runtime.tick()
    assert headline(await driver.expect(li_na.private)) == ("overdue_resolve", None)
    clock.advance(timedelta(hours=settings.resolve_hours_normal))
    await bot.runtime.tick()
    assert number in (await driver.expect(crew.leader.private)).text
    report = await bot.db.read(reports_db.by_number, number)
    assert report.status == "accepted" and report.assignee_id is not None and report.level == 1


async def test_acting_in_time_stops_the_timers(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(li_na.private)
    await press_data(li_na, card, card_action(card, "res"))
    await expect_from(driver, li_na.private, "casework/ask_resolve")
    await li_na.says(li_na.private, "已解决")
    await expect_from(driver, li_na.private, "casework/outcome/resolved")

    clock.advance(timedelta(days=30))
    assert await bot.runtime.tick() == 0
    report = await bot.db.read(reports_db.by_number, number)
    assert await bot.db.read(timers_db.pending_for, report.id) == []


async def test_a_restart_neither_loses_nor_repeats_a_timer(settings, clock, db, city, sandbox):
    driver = SandboxDriver(sandbox.url)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
        await driver.expect(li_na.private)
    clock.advance(timedelta(minutes=settings.accept_minutes_normal + 1))      # due while the bot is down

    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        reminder = await driver.expect(li_na.private)                        # fired at start-up
        assert headline(reminder) == ("overdue_accept", None) and number in reminder.text
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        assert await bot.runtime.tick() == 0
        assert await driver.nothing_new(li_na.private)
        report = await bot.db.read(reports_db.by_number, number)
        assert [e.action for e in await bot.db.read(reports_db.events, report.id)].count("reminded") == 1
    await driver.close()
