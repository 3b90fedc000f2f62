"""Test reminders: a worker schedules one for a building's households; each resident gets it at the time with
"done" and "can't go"; the unanswered reach the worker after the grace; /reminders shows who is done; forged and
repeated presses change nothing; a restart neither loses nor repeats a reminder."""

from __future__ import annotations

from datetime import timedelta

from bot.app.harness import running_bot
from bot.services.households import import_households
from db import reminders as reminders_db
from sandbox import SandboxDriver
from tests.scenario import link, started, team

RESIDENTS = {"住户甲": 700001, "住户乙": 700002}


async def households(db, clock, tmp_path) -> None:
    sheet = tmp_path / "households.csv"
    sheet.write_text("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
                     "G0101,3,1,101,住户甲,13911110001,700001\n"
                     "G0101,3,1,102,住户乙,13911110002,700002\n"
                     "G0101,3,1,103,住户丙,13911110003,\n"
                     "G0101,5,1,101,住户丁,13911110004,700004\n", encoding="utf-8")
    await db.write(import_households, sheet, clock.now())


async def schedule(driver, worker, building: str = "3", at: str = "10:00") -> str:
    await worker.says(worker.private, "/remind")
    question = await driver.expect(worker.private)
    await worker.press(question, "某栋楼的住户")
    await driver.expect(worker.private)
    await worker.says(worker.private, f"{building}号楼")
    await driver.expect(worker.private)
    await worker.says(worker.private, at)
    await driver.expect(worker.private)
    await worker.says(worker.private, "府前广场核酸点，带身份证")
    confirm = await driver.expect(worker.private)
    assert "共 2 人" in confirm.text and "另有 1 户" in confirm.text, confirm.text
    await worker.press(confirm, "确认提交")
    return (await driver.expect(worker.private)).text


async def test_a_building_is_reminded_and_the_worker_hears_of_the_unanswered(bot, driver, clock, settings, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    people = {name: await started(driver, name, uid) for name, uid in RESIDENTS.items()}
    assert "提醒 2 人" in await schedule(driver, li_na)
    assert await driver.nothing_new(people["住户甲"].private)

    clock.advance(hours=1)
    await bot.runtime.tick()
    got = {name: await driver.expect(p.private) for name, p in people.items()}
    assert all("府前广场核酸点" in m.text and [b["text"] for b in m.buttons] == ["✅ 已检测", "❌ 去不了"]
               for m in got.values())
    assert "已检测" in (await driver.answer(await people["住户甲"].press(got["住户甲"], "已检测"))).text
    again = await people["住户甲"].press_data(got["住户甲"].chat_id, got["住户甲"].message_id,
                                             got["住户甲"].buttons[1]["callback_data"], forge=True)
    assert "已经回复" in (await driver.answer(again)).text
    forged = await people["住户乙"].press_data(got["住户甲"].chat_id, got["住户甲"].message_id,
                                              got["住户甲"].buttons[0]["callback_data"], forge=True)
    assert (await driver.answer(forged)).data["show_alert"]

    clock.advance(minutes=settings.reminder_grace_minutes + 1)
    await bot.runtime.tick()
    status = await driver.expect(li_na.private)
    assert "已检测 1 人" in status.text and "未回复 1 人" in status.text
    assert "13911110002" in status.text and "13911110001" not in status.text

    await li_na.says(li_na.private, "/reminders")
    listed = await driver.expect(li_na.private)
    assert "已检测：住户甲" in listed.text and "未回复：住户乙" in listed.text
    [batch] = await bot.db.read(reminders_db.of_worker, (await bot.db.read(
        lambda c: c.execute("SELECT id FROM people WHERE name = '李娜'").fetchone()))[0])
    assert [r.status for r in await bot.db.read(reminders_db.of_batch, batch.id)] == ["done", "sent"]


async def test_bad_input_and_who_may_schedule(bot, driver, clock, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await started(driver, "居民", 700009)
    await resident.says(resident.private, "/remind")
    assert "网格工作人员" in (await driver.expect(resident.private)).text

    await li_na.says(li_na.private, "/remind")
    question = await driver.expect(li_na.private)
    await li_na.press(question, "居家监测中的人员")             # nobody is under monitoring
    assert "没有可以提醒的人员" in (await driver.expect(li_na.private)).text

    await li_na.says(li_na.private, "/remind")
    await li_na.press(await driver.expect(li_na.private), "某栋楼的住户")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "99")
    assert "没有 99 号楼" in (await driver.expect(li_na.private)).text
    await li_na.says(li_na.private, "3")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "2020-01-01 09:00")
    assert "已经过去" in (await driver.expect(li_na.private)).text
    await li_na.says(li_na.private, "明天九点")
    assert "时间格式不对" in (await driver.expect(li_na.private)).text

    other = await link(bot, driver, clock, "黄磊")                  # G0102's worker: not G0101's buildings
    await other.says(other.private, "/remind")
    await other.press(await driver.expect(other.private), "某栋楼的住户")
    await driver.expect(other.private)
    await other.says(other.private, "3")
    assert "没有 3 号楼" in (await driver.expect(other.private)).text


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
            assert "检测提醒" in (await driver.expect(person.private)).text
    async with running_bot(settings, clock, sandbox=sandbox, db=db) as bot:
        await bot.runtime.tick()
        assert all([await driver.nothing_new(p.private) for p in people])
    await driver.close()


async def test_the_people_under_monitoring_are_reminded(bot, driver, clock):
    from tests.test_tasks_monitoring import monitored_arrival, next_matching

    crew, li_na, resident, arrival, _ = await monitored_arrival(bot, driver, clock)
    await li_na.says(li_na.private, "/remind")
    await li_na.press(await next_matching(driver, li_na.private, "提醒哪些人"), "居家监测中的人员")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "2026-04-09 15:00")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "社区卫生服务站")
    confirm = await driver.expect(li_na.private)
    assert "居家监测中的人员，共 1 人" in confirm.text
    await li_na.press(confirm, "确认提交")
    await driver.expect(li_na.private)
    clock.advance(hours=6)
    await bot.runtime.tick()
    reminder = await next_matching(driver, resident.private, "检测提醒")
    assert "社区卫生服务站" in reminder.text
    await driver.answer(await resident.press(reminder, "去不了"))
    [batch] = await bot.db.read(reminders_db.of_worker, arrival.assignee_id)
    assert [(r.user_id, r.status) for r in await bot.db.read(reminders_db.of_batch, batch.id)] == [
        (resident.id, "cannot")]
