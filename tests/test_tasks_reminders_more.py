"""Test reminders scheduled by an admin above the grid (a grid code typed at the community list; another
community's grid refused), who then hears of the unanswered; and the service tasks' private commands answered in
a group only with where they work, nothing personal."""

from __future__ import annotations

from db import people as people_db
from db import reminders as reminders_db
from tests.scenario import PERSONAL, context_of, expect_from, next_from, started, team
from tests.tasks_helpers import press_matching
from tests.test_tasks_monitoring import next_matching
from tests.test_tasks_reminders import RESIDENTS, households


async def test_a_community_admin_reminds_a_grids_building(bot, driver, clock, settings, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    admin = crew.community_admin
    people = [await started(driver, name, uid) for name, uid in RESIDENTS.items()]
    await admin.says(admin.private, "/remind")
    await driver.expect(admin.private)                          # which community, or a grid code
    await admin.says(admin.private, "G0201")
    assert "G0201" in (await driver.expect(admin.private)).text   # not in her community
    await admin.says(admin.private, "G0101")
    await press_matching(admin, await driver.expect(admin.private), r"rm\|\w+\|building")
    await driver.expect(admin.private)
    await admin.says(admin.private, "3")
    await driver.expect(admin.private)
    await admin.says(admin.private, "10:00")
    await driver.expect(admin.private)
    await admin.says(admin.private, "府前广场核酸点")
    confirm = await driver.expect(admin.private)
    assert context_of(confirm, "tasks/remind/confirm")["count"] == 2
    await press_matching(admin, confirm, r"rm\|submit")
    assert context_of(await expect_from(driver, admin.private, "tasks/remind/created"), "tasks/remind/created")["count"] == 2

    clock.advance(hours=1)
    await bot.runtime.tick()
    for person in people:
        await next_matching(driver, person.private, "府前广场核酸点")
    clock.advance(minutes=settings.reminder_grace_minutes + 1)
    await bot.runtime.tick()
    status = await next_from(driver, admin.private, "tasks/remind/unanswered")
    assert len(context_of(status, "tasks/remind/unanswered")["waiting"]) == 2
    assert "13911110001" in status.text
    person = await bot.db.read(people_db.by_telegram_id, admin.id)
    [batch] = await bot.db.read(reminders_db.of_worker, person.id)
    assert batch.created_by == admin.id


async def test_in_a_group_the_commands_only_say_where_they_work(bot, driver, clock, tmp_path):
    await households(bot.db, clock, tmp_path)
    crew = await team(bot, driver, clock)
    for command in ("/campaign", "/remind", "/reminders"):
        await crew.leader.says(crew.group, command)
        told = (await driver.expect(crew.group)).text
        assert command.lstrip("/") in told and not any(p in told for p in PERSONAL + ["13911110001"]), told
    assert await driver.nothing_new(crew.leader.private)
