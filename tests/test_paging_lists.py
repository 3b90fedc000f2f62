"""/rewards and /gatherings come ten at a time with ◀️ ▶️ like /tasks; /reminders names at most ten of each; none of
them can grow past Telegram's 4,096 characters whatever the data holds (long places, names, conditions)."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

from bot.core.clock import stamp
from bot.core.telegram_html import utf16_len
from db import areas as areas_db
from db import gatherings as gatherings_db
from db import people as people_db
from db import reminders as reminders_db
from db import reports as reports_db
from db import tips as tips_db
from sandbox.driver import BotMessage
from tests.scenario import press_data, team

LONG = "很长的地点描述" * 80                     # 560 characters: longer than any form lets through
NUMBER = re.compile(r"G0101-20260\d{3}-\d{4}")


def reports(conn, clock, count: int, kind: str, details: dict, day: str) -> list[tuple[int, str]]:
    grid = areas_db.by_code(conn, "G0101")
    made = []
    for i in range(1, count + 1):
        number = f"G0101-{day}-{i:04d}"
        rid = reports_db.create(conn, number=number, grid_id=grid.id, kind=kind, priority="normal",
                                reporter_user=555, on_behalf=False, details=details, now=stamp(clock.now()),
                                accept_due_at=stamp(clock.now()), resolve_due_at=stamp(clock.now()))
        made.append((rid, number))
    return made


def rewards(conn, clock, count: int) -> list[str]:
    made = reports(conn, clock, count, "tip", {"subject": "arrival"}, "20260301")
    for rid, _ in made:
        tips_db.propose_reward(conn, report_id=rid, grid_id=areas_db.by_code(conn, "G0101").id, subject="arrival",
                               amount=50, now=stamp(clock.now()))
    return [number for _, number in made]


def gatherings(conn, clock, count: int, leader: int) -> list[str]:
    details = {"place": LONG, "organizer": LONG, "organizer_phone": "13900000000" * 20}
    made = reports(conn, clock, count, "gathering", details, "20260302")
    grid = areas_db.by_code(conn, "G0101")
    for hour, (rid, _) in enumerate(made):
        starts = clock.now() + timedelta(days=2, hours=hour)
        gatherings_db.add(conn, report_id=rid, grid_id=grid.id, occasion="banquet", starts_at=stamp(starts),
                          ends_at=stamp(starts + timedelta(hours=2)), people=30, approver_level=1)
        gatherings_db.decide(conn, rid, "approved", by=leader, now=stamp(clock.now()), conditions=LONG)
    return [number for _, number in made]


def data_of(message: BotMessage) -> list[str]:
    return [b["callback_data"] for b in message.buttons]


async def all_pages(driver, person, first: BotMessage, chat: int, name: str) -> list[BotMessage]:
    shown = [first]
    while f"pg|{name}|{len(shown) + 1}" in data_of(shown[-1]):
        await press_data(person, shown[-1], f"pg|{name}|{len(shown) + 1}")
        shown.append(await driver.expect(chat, kinds=("edit",)))
    return shown


async def test_the_reward_ledger_is_paged(bot, driver, clock):
    crew = await team(bot, driver, clock)
    numbers = await bot.db.write(partial(rewards, clock=clock, count=23))

    await crew.leader.says(crew.leader.private, "/rewards")
    shown = await all_pages(driver, crew.leader, await driver.expect(crew.leader.private), crew.leader.private, "rw")

    listed = [NUMBER.findall(page.text or "") for page in shown]
    assert [len(page) for page in listed] == [10, 10, 3]
    assert sorted(n for page in listed for n in page) == sorted(numbers)
    # Each page carries the approve/refuse buttons of its own rewards only, then ◀️ ▶️.
    assert [sum(d.startswith("rw|") for d in data_of(page)) for page in shown] == [20, 20, 6]
    assert data_of(shown[1])[-2:] == ["pg|rw|1", "pg|rw|3"]
    assert all(utf16_len(page.text or "") <= 4096 for page in shown)


async def test_gatherings_are_paged_and_stay_short_in_private_and_in_the_group(bot, driver, clock):
    crew = await team(bot, driver, clock)
    leader = (await bot.db.read(people_db.by_telegram_id, crew.leader.id)).id
    numbers = await bot.db.write(partial(gatherings, clock=clock, count=25, leader=leader))

    await crew.leader.says(crew.leader.private, "/gatherings")
    private = await all_pages(driver, crew.leader, await driver.expect(crew.leader.private), crew.leader.private,
                              "ga")
    assert [len(NUMBER.findall(page.text or "")) for page in private] == [10, 10, 5]
    assert [n for page in private for n in NUMBER.findall(page.text or "")] == numbers
    assert all(utf16_len(page.text or "") <= 4096 for page in private)

    await crew.leader.says(crew.group, "/gatherings")
    group = await all_pages(driver, crew.leader, await driver.expect(crew.group), crew.group, "ga")
    assert len(group) == 3 and all(utf16_len(page.text or "") <= 4096 for page in group)
    assert not any("13900000000" in (page.text or "") for page in group)      # never a phone in the group


async def test_reminders_of_whole_buildings_fit_in_one_message(bot, driver, clock):
    crew = await team(bot, driver, clock)
    worker = (await bot.db.read(people_db.by_telegram_id, crew.workers[0].id)).id
    grid = (await bot.db.read(areas_db.by_code, "G0101")).id
    people = [reminders_db.Person(10_000 + i, "名" * 50, "13900000000", LONG) for i in range(300)]
    for batch in range(5):
        await bot.db.write(lambda c: reminders_db.create(
            c, grid_id=grid, worker_id=worker, created_by=None, source="building", building=str(batch), place=LONG,
            at=stamp(clock.now() + timedelta(days=1)), now=stamp(clock.now()), people=people))

    await crew.workers[0].says(crew.workers[0].private, "/reminders")
    listed = await driver.expect(crew.workers[0].private)
    assert utf16_len(listed.text or "") <= 4096
    assert (listed.text or "").count("290") == 5                    # each says how many it did not name
