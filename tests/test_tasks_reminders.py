"""Test reminders: a worker schedules one for a building's households; each resident gets it at the time with
"done" and "can't go"; the unanswered reach the worker after the grace; /reminders shows who is done; forged and
repeated presses change nothing; a restart neither loses nor repeats a reminder."""

from __future__ import annotations

from datetime import timedelta

from bot.app.harness import running_bot
from bot.services.households import import_households
from db import reminders as reminders_db
from sandbox import SandboxDriver
import messages
from tests.scenario import context_of, expect_from, link, names_in, next_from, started, team, template_of
from tests.tasks_helpers import press_matching

RESIDENTS = {"住户甲": 700001, "住户乙": 700002}


async def households(db, clock, tmp_path) -> None:
    sheet = tmp_path / "households.csv"
    sheet.write_text("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
                     "G0101,3,1,101,住户甲,13911110001,700001\n"
                     "G0101,3,1,102,住户乙,13911110002,700002\n"
                     "G0101,3,1,103,住户丙,13911110003,\n"
                     "G0101,5,1,101,住户丁,13911110004,700004\n", encoding="utf-8")
    await db.write(import_households, sheet, clock.now())


async def schedule(driver, worker, building: str = "3", at: str = "10:00") -> dict:
    """The values the scheduled reminder's receipt (`tasks/remind/created`) was rendered with."""
    await worker.says(worker.private, "/remind")
    question = await driver.expect(worker.private)
    await press_matching(worker, question, r"rm\|\w+\|building")
    await driver.expect(worker.private)
    await worker.says(worker.private, f"{building}号楼")
    await driver.expect(worker.private)
    await worker.says(worker.private, at)
    await driver.expect(worker.private)
    await worker.says(worker.private, "府前广场核酸点，带身份证")
    confirm = await driver.expect(worker.private)
    shown = context_of(confirm, "tasks/remind/confirm")
    assert (shown["count"], shown["unreachable"]) == (2, 1), shown
    await press_matching(worker, confirm, r"rm\|submit")
    return context_of(await expect_from(driver, worker.private, "tasks/remind/created"), "tasks/remind/created")


async def test_a_building_is_reminded_and_the_worker_hears_of_the_unanswered(bot, driver, clock, settings, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    people = {name: await started(driver, name, uid) for name, uid in RESIDENTS.items()}
    assert (await schedule(driver, li_na))["count"] == 2
    assert await driver.nothing_new(people["住户甲"].private)

    clock.advance(hours=1)
    await bot.runtime.tick()
    got = {name: await driver.expect(p.private) for name, p in people.items()}
    words = [messages.label("tasks/remind/answer", value=a) for a in ("done", "cannot")]
    assert all("府前广场核酸点" in m.text and [b["text"] for b in m.buttons] == words
               and [b["callback_data"].split("|")[2] for b in m.buttons] == ["done", "cannot"] for m in got.values())
    done = await driver.answer(await press_matching(people["住户甲"], got["住户甲"], r"rd\|\d+\|done"))
    assert template_of(bot, done) == "tasks/remind/outcome/done"
    again = await people["住户甲"].press_data(got["住户甲"].chat_id, got["住户甲"].message_id,
                                             got["住户甲"].buttons[1]["callback_data"], forge=True)
    assert template_of(bot, await driver.answer(again)) == "tasks/remind/outcome/already"
    forged = await people["住户乙"].press_data(got["住户甲"].chat_id, got["住户甲"].message_id,
                                              got["住户甲"].buttons[0]["callback_data"], forge=True)
    assert (await driver.answer(forged)).data["show_alert"]

    clock.advance(minutes=settings.reminder_grace_minutes + 1)
    await bot.runtime.tick()
    status = await expect_from(driver, li_na.private, "tasks/remind/unanswered")
    counted = context_of(status, "tasks/remind/unanswered")
    assert (len(counted["done"]), len(counted["cannot"]), len(counted["waiting"])) == (1, 0, 1)
    assert "13911110002" in status.text and "13911110001" not in status.text

    await li_na.says(li_na.private, "/reminders")
    [shown] = context_of(await expect_from(driver, li_na.private, "tasks/remind/lists"), "tasks/remind/lists")["lists"]
    assert [r.name for r in shown["done"]] == ["住户甲"] and [r.name for r in shown["waiting"]] == ["住户乙"]
    [batch] = await bot.db.read(reminders_db.of_worker, (await bot.db.read(
        lambda c: c.execute("SELECT id FROM people WHERE name = '李娜'").fetchone()))[0])
    assert [r.status for r in await bot.db.read(reminders_db.of_batch, batch.id)] == ["done", "sent"]


async def test_bad_input_and_who_may_schedule(bot, driver, clock, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await started(driver, "居民", 700009)
    await resident.says(resident.private, "/remind")
    await expect_from(driver, resident.private, "casework/not_staff")

    await li_na.says(li_na.private, "/remind")
    question = await driver.expect(li_na.private)
    await press_matching(li_na, question, r"rm\|\w+\|monitoring")       # nobody is under monitoring
    assert "tasks/remind/no_people" in names_in(await driver.expect(li_na.private))

    await li_na.says(li_na.private, "/remind")
    await press_matching(li_na, await driver.expect(li_na.private), r"rm\|\w+\|building")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "99")
    assert context_of(await driver.expect(li_na.private), "tasks/invalid/unknown_building")["building"] == "99"
    await li_na.says(li_na.private, "3")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "2020-01-01 09:00")
    assert "tasks/invalid/time_past" in names_in(await driver.expect(li_na.private))
    await li_na.says(li_na.private, "明天九点")
    assert "tasks/invalid/bad_time" in names_in(await driver.expect(li_na.private))

    other = await link(bot, driver, clock, "黄磊")                  # G0102's worker: not G0101's buildings
    await other.says(other.private, "/remind")
    await press_matching(other, await driver.expect(other.private), r"rm\|\w+\|building")
    await driver.expect(other.private)
    await other.says(other.private, "3")
    assert context_of(await driver.expect(other.private), "tasks/invalid/unknown_building")["building"] == "3"


async def test_a_restart_neither_loses_nor_repeats_a_reminder(settings, clock, db, city, sandbox, tmp_path):
    driver = SandboxDriver(sandbox.url)
    await households(db, clock, tmp_path)
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        crew = await team(bot, driver, clock)
        people = [await started(driver, name, uid) for name, uid in RESIDENTS.items()]
        await schedule(driver, crew.workers[0])
    clock.advance(timedelta(hours=2))                                   # due while the bot is down
    async with running_bot(settings, clock, sandbox=sandbox, db=db):
        for person in people:
            await expect_from(driver, person.private, "tasks/remind/reminder")
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert all([await driver.nothing_new(p.private) for p in people])
    await driver.close()


async def test_the_people_under_monitoring_are_reminded(bot, driver, clock):
    from tests.test_tasks_monitoring import monitored_arrival

    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    await li_na.says(li_na.private, "/remind")
    await press_matching(li_na, await next_from(driver, li_na.private, "tasks/remind/ask"), r"rm\|\w+\|monitoring")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "2026-04-09 15:00")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "社区卫生服务站")
    confirm = await driver.expect(li_na.private)
    shown = context_of(confirm, "tasks/remind/confirm")
    assert (shown["source"], shown["count"]) == ("monitoring", 1), shown
    await press_matching(li_na, confirm, r"rm\|submit")
    await driver.expect(li_na.private)
    clock.advance(hours=6)
    await bot.runtime.tick()
    reminder = await next_from(driver, resident.private, "tasks/remind/reminder")
    assert "社区卫生服务站" in reminder.text
    await driver.answer(await press_matching(resident, reminder, r"rd\|\d+\|cannot"))
    [batch] = await bot.db.read(reminders_db.of_worker, arrival.assignee_id)
    assert [(r.user_id, r.status) for r in await bot.db.read(reminders_db.of_batch, batch.id)] == [
        (resident.id, "cannot")]
