"""Retention covers the service tasks: erasing an arrival erases who was monitored, the temperatures typed and the
household it added; a report whose monitoring still runs waits (and so does its resident's profile); test
reminders go after their time; households no import confirmed for `retain_households_days` lose their head."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta

from bot.app.serve import purge
from bot.core.clock import stamp
from bot.services import reminders
from bot.services.households import import_households
from bot.services.retention import due
from bot.services.runtime import Runtime
from db import households as households_db
from db import reports as reports_db
from tests.scenario import ARRIVAL, card_action, context_of, next_from, press_data, report_from_group
from tests.tasks_helpers import press_matching
from tests.test_tasks_monitoring import DAY, monitored_arrival, next_matching

SECOND = {**ARRIVAL, "name": "孙二娘", "phone": "13955556666", "address": "府前小区5号楼101"}
SHEET = ("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
         "G0101,7,1,101,住户甲,13911110001,700001\nG0101,7,1,102,住户乙,13911110002,\n")


def table(path: str, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


async def test_purge_covers_monitoring_households_and_reminders(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(SHEET, encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock, days=2)
    await bot.db.write(lambda conn: households_db.upsert(
        conn, grid_id=arrival.grid_id, building="3", unit="2", room="401", head_name=ARRIVAL["name"],
        phone=ARRIVAL["phone"], telegram_user_id=resident.id, now=stamp(clock.now()), source="arrival",
        report_id=arrival.id))
    done = await bot.db.write(lambda conn: reminders.schedule(
        conn, settings, li_na.id, grid_code="G0101", source="monitoring", building="",
        at=clock.now() + timedelta(hours=1), place="卫生服务站", now=clock.now()))
    assert done.key == "created"

    clock.advance(DAY)                                          # day 1: the reminder and the check-in, answered
    await bot.runtime.tick()
    reminder = await next_from(driver, resident.private, "tasks/remind/reminder")
    await driver.answer(await press_matching(resident, reminder, r"rd\|\d+\|done"))
    ask = await next_from(driver, resident.private, "tasks/checkin/ask")
    await driver.answer(await press_matching(resident, ask, r"ck\|\d+\|normal"))
    await next_from(driver, resident.private, "tasks/checkin/temperature/ask")
    await resident.says(resident.private, "36.6")
    await next_from(driver, resident.private, "tasks/checkin/temperature_recorded")
    clock.advance(DAY)                                          # day 2: the monitoring ends
    await bot.runtime.tick()
    await next_from(driver, resident.private, "tasks/monitoring/ended_resident")

    # A second arrival, resolved too, whose 14 days of monitoring still run.
    neighbour = await driver.user("邻居")
    number = await report_from_group(driver, neighbour, crew.group, SECOND)
    zhang_wei = crew.workers[1]                                 # the second report goes to the other worker
    card = await next_matching(driver, zhang_wei.private, number)
    await driver.answer(await press_data(zhang_wei, card, card_action(card, "acc")))
    await press_matching(zhang_wei, card, r"mo\|\d+\|panel")
    panel = await next_from(driver, zhang_wei.private, "tasks/monitoring/panel")
    assert context_of(panel, "tasks/monitoring/panel")["monitoring"] is None
    await press_matching(zhang_wei, panel, r"mo\|\d+\|start\|14")
    await press_data(zhang_wei, card, card_action(card, "res"))
    await driver.expect(zhang_wei.private)
    await zhang_wei.says(zhang_wei.private, "已登记")
    await next_from(driver, neighbour.private, "report/status_resolved")
    running = await bot.db.read(reports_db.by_number, number)

    clock.advance(DAY * 2)
    brief = replace(settings, retain_personal_days=1)
    assert (await bot.db.read(due, brief, clock.now())).households == 1         # the arrival's only
    purged = await purge(Runtime(brief, bot.db, clock))
    assert (purged.reports, purged.reminders, purged.households) == (1, 1, 1)

    path = settings.database
    assert table(path, f"SELECT resident_user FROM monitorings WHERE report_id = {arrival.id}") == [(0,)]
    assert table(path, "SELECT c.status, c.answer, c.temperature FROM checkins c JOIN monitorings m ON m.id ="
                       f" c.monitoring_id WHERE m.report_id = {arrival.id}") == [("answered", "normal", None)]
    assert table(path, f"SELECT building, unit, room, head_name, phone, telegram_user_id FROM households"
                       f" WHERE report_id = {arrival.id}") == [("3", "2", "401", "", "", None)]
    assert table(path, "SELECT count(*) FROM reminders") == [(0,)]
    assert table(path, "SELECT place FROM reminder_batches") == [("卫生服务站",)]
    # Still running: the second arrival keeps its details, its resident and their profile.
    assert table(path, f"SELECT erased_at IS NULL FROM reports WHERE id = {running.id}") == [(1,)]
    assert (await bot.db.read(reports_db.get, running.id)).details["name"] == SECOND["name"]
    assert table(path, f"SELECT resident_user FROM monitorings WHERE report_id = {running.id}") == [(neighbour.id,)]
    users = {u for (u,) in table(path, "SELECT user_id FROM telegram_users")}
    assert neighbour.id in users and resident.id not in users
    # The imported list is younger than retain_households_days (365): kept.
    assert table(path, "SELECT head_name, phone FROM households WHERE source = 'import' ORDER BY id") == [
        ("住户甲", "13911110001"), ("住户乙", "13911110002")]

    # A list nobody confirmed for retain_households_days: its heads go, the addresses stay; an import restores.
    stale = replace(brief, retain_households_days=1)
    assert (await bot.db.read(due, stale, clock.now())).households == 2
    assert (await purge(Runtime(stale, bot.db, clock))).households == 2
    assert table(path, "SELECT building, room, head_name, phone, telegram_user_id FROM households"
                       " WHERE source = 'import' ORDER BY id") == [("7", "101", "", "", None), ("7", "102", "", "", None)]
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    assert (await purge(Runtime(stale, bot.db, clock))).households == 0
    assert table(path, "SELECT head_name FROM households WHERE source = 'import' ORDER BY id") == [("住户甲",),
                                                                                                  ("住户乙",)]
