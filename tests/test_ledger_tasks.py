"""/tasks for leaders and admins lists their area's open work (not only what is assigned to them), oldest
first, ten a page, with a button that brings each report's card; workers keep their own list."""

from __future__ import annotations

from bot.services import casework
from db import audit
from db import people as people_db
from tests.scenario import team


def form(grid: str, number: int) -> dict:
    return {"flow": "report", "grid": grid, "trail": [],
            "answers": {"kind": "dispute", "behalf": "self", "category": "neighbours", "parties": f"甲{number}与乙",
                        "place": "楼道", "description": "争吵", "urgency": "normal"}}


async def file_reports(bot, clock, settings, grid: str, count: int, first_user: int) -> list:
    made = []
    for n in range(count):
        clock.advance(minutes=1)
        made.append(await bot.db.write(casework.submit, settings, first_user + n, form(grid, n), clock.now()))
    bot.runtime.sender.wake()
    assert await bot.runtime.sender.drained()             # the cards these cause are out before the test goes on
    return made


def data(message) -> list[str]:
    return [b["callback_data"] for b in message.buttons]


async def test_a_town_admin_pages_through_the_areas_open_reports_and_opens_one(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    reports = await file_reports(bot, clock, settings, "G0101", 8, 700000)
    reports += await file_reports(bot, clock, settings, "G0201", 4, 710000)
    resolved = reports.pop(3)
    await bot.db.write(casework.resolve, settings, resolved.id, crew.town_admin.id, "已处理", clock.now())
    town = crew.town_admin

    await driver.skip(town.private)
    await town.says(town.private, "/tasks")
    first = await driver.expect(town.private)
    assert data(first) == [f"tk|o|{r.id}" for r in reports[:10]] + ["tk|p|2"]
    assert first.text.index(reports[0].number) < first.text.index(reports[9].number)
    assert resolved.number not in first.text

    await town.press_data(town.private, first.message_id, "tk|p|2")
    second = await driver.expect(town.private, kinds=("edit",))
    assert data(second) == [f"tk|o|{r.id}" for r in reports[10:]] + ["tk|p|1"]

    await driver.skip(town.private)
    await town.press_data(town.private, first.message_id, f"tk|o|{reports[10].id}")
    card = await driver.expect(town.private)
    assert reports[10].number in card.text and f"r|{reports[10].id}|acc" in data(card)


async def test_a_leader_sees_the_grid_only_and_a_worker_keeps_their_own_list(bot, driver, clock, settings):
    crew = await team(bot, driver, clock)
    ours = await file_reports(bot, clock, settings, "G0101", 3, 700000)
    theirs = await file_reports(bot, clock, settings, "G0201", 1, 710000)
    leader, li_na = crew.leader, crew.workers[0]

    await driver.skip(leader.private)
    await leader.says(leader.private, "/tasks")
    listing = await driver.expect(leader.private)
    assert data(listing) == [f"tk|o|{r.id}" for r in ours] and theirs[0].number not in listing.text

    forged = await leader.press_data(leader.private, listing.message_id, f"tk|o|{theirs[0].id}", forge=True)
    assert (await driver.answer(forged)).data["show_alert"]
    assert [e["actor_user"] for e in await bot.db.read(audit.entries, f"report:{theirs[0].id}", "press_refused")] \
        == [leader.id]
    assert await driver.nothing_new(leader.private)

    await driver.skip(li_na.private)
    await li_na.says(li_na.private, "/tasks")
    own = await driver.expect(li_na.private)
    person = await bot.db.read(people_db.by_telegram_id, li_na.id)
    assert not any(d.startswith("tk|") for d in data(own))
    assert [r.number in own.text for r in ours] == [r.assignee_id == person.id for r in ours]
