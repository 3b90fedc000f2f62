"""Long lists come ten at a time with ◀️ ▶️ buttons; a page press is checked against the presser; no list
message can grow past Telegram's 4,096 characters whatever the data holds."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

from bot.core.clock import stamp
from bot.core.telegram_html import utf16_len
from db import areas as areas_db
from db import broadcasts as broadcasts_db
from db import people as people_db
from db import reports as reports_db
from sandbox.driver import BotMessage
from tests.scenario import link, press_data, started

NUMBER = re.compile(r"G0101-\d{8}-\d{4}")
DETAILS = {"category": "neighbours", "parties": "甲与乙", "place": "楼道", "description": "争吵",
           "urgency": "normal"}


def file_reports(conn, clock, count: int, *, assignee: int | None = None, reporter: int = 555,
                 status: str = "open", number=lambda i: f"G0101-20260301-{i:04d}") -> list[str]:
    """`count` reports in G0101, a minute apart (oldest first), written straight into the database."""
    grid = areas_db.by_code(conn, "G0101")
    start = clock.now() - timedelta(days=30)
    numbers = []
    for i in range(1, count + 1):
        created = stamp(start + timedelta(minutes=i))
        report_id = reports_db.create(conn, number=number(i), grid_id=grid.id, kind="dispute", priority="normal",
                                      reporter_user=reporter, on_behalf=False, details=DETAILS, now=created,
                                      accept_due_at=stamp(clock.now() + timedelta(days=1)),
                                      resolve_due_at=stamp(clock.now() + timedelta(days=3)))
        reports_db.update(conn, report_id, assignee_id=assignee, status=status)
        numbers.append(number(i))
    return numbers


async def person_id(bot, user_id: int) -> int:
    return (await bot.db.read(people_db.by_telegram_id, user_id)).id


def data_of(message: BotMessage) -> list[str]:
    return [b["callback_data"] for b in message.buttons]


def visible_length(message: BotMessage) -> int:
    return utf16_len(message.text or "")


async def test_a_worker_pages_through_485_open_reports(bot, driver, clock):
    li_na = await link(bot, driver, clock, "李娜")
    mine = await person_id(bot, li_na.id)
    numbers = await bot.db.write(partial(file_reports, clock=clock, count=485, assignee=mine, status="open"))
    await bot.db.write(partial(file_reports, clock=clock, count=5, assignee=mine, status="resolved",
                                       number=lambda i: f"G0101-20260302-{i:04d}"))

    await li_na.says(li_na.private, "/tasks")
    message = await driver.expect(li_na.private)
    shown, buttons = [NUMBER.findall(message.text)], [data_of(message)]
    while "pg|tasks|" + str(len(shown) + 1) in data_of(message):
        await press_data(li_na, message, "pg|tasks|" + str(len(shown) + 1))
        message = await driver.expect(li_na.private, kinds=("edit",))
        shown.append(NUMBER.findall(message.text))
        buttons.append(data_of(message))
        assert visible_length(message) <= 4096

    assert len(shown) == 49 and all(len(page) == 10 for page in shown[:-1]) and len(shown[-1]) == 5
    assert [n for page in shown for n in page] == numbers            # every open report once, oldest first
    assert buttons[0] == ["pg|tasks|2"] and buttons[1] == ["pg|tasks|1", "pg|tasks|3"]
    assert buttons[-1] == ["pg|tasks|48"]

    await press_data(li_na, message, "pg|tasks|48")
    back = await driver.expect(li_na.private, kinds=("edit",))
    assert NUMBER.findall(back.text) == numbers[470:480]


async def test_forged_page_presses_are_harmless(bot, driver, clock):
    li_na = await link(bot, driver, clock, "李娜")
    mine = await person_id(bot, li_na.id)
    numbers = await bot.db.write(partial(file_reports, clock=clock, count=25, assignee=mine))
    await li_na.says(li_na.private, "/tasks")
    listing = await driver.expect(li_na.private)

    # Someone else presses her page button (Telegram would not let them; the bot must not rely on that).
    resident = await started(driver, "居民", 700001)
    pressed = await resident.press_data(li_na.private, listing.message_id, "pg|tasks|2", forge=True)
    assert (await driver.answer(pressed)).data["show_alert"]
    # A resident has no tasks: a page of them is refused in their own chat too.
    await resident.says(resident.private, "/my")
    own = await driver.expect(resident.private)
    pressed = await resident.press_data(resident.private, own.message_id, "pg|tasks|1", forge=True)
    assert (await driver.answer(pressed)).data["show_alert"]

    for data in ("pg|tasks|0", "pg|tasks|-1", "pg|tasks|x", "pg|ledger|1", "pg|tasks|2|x", "pg|tasks|99999999"):
        pressed = await li_na.press_data(li_na.private, listing.message_id, data, forge=True)
        assert (await driver.answer(pressed)).data["show_alert"], data
    assert await driver.nothing_new(li_na.private)
    assert not [e for e in await driver.sent(li_na.private) if e.kind == "edit"]

    # A page past the end shows the last one: her own reports, nothing more.
    await li_na.press_data(li_na.private, listing.message_id, "pg|tasks|999", forge=True)
    last = await driver.expect(li_na.private, kinds=("edit",))
    assert NUMBER.findall(last.text) == numbers[20:] and data_of(last) == ["pg|tasks|2"]


async def test_my_pages_a_residents_reports_newest_first(bot, driver, clock):
    resident = await started(driver, "居民", 700002)
    numbers = await bot.db.write(partial(file_reports, clock=clock, count=23, reporter=resident.id))
    await resident.says(resident.private, "/my")
    first = await driver.expect(resident.private)
    assert NUMBER.findall(first.text) == numbers[::-1][:10] and data_of(first) == ["pg|my|2"]
    await press_data(resident, first, "pg|my|2")
    await driver.expect(resident.private, kinds=("edit",))
    await resident.press_data(resident.private, first.message_id, "pg|my|3")
    third = await driver.expect(resident.private, kinds=("edit",))
    assert NUMBER.findall(third.text) == numbers[::-1][20:] and data_of(third) == ["pg|my|2"]


def long_audience_and_broadcasts(conn, clock, count: int) -> list[int]:
    """`count` broadcasts to G0101, whose name is made far longer than any import would allow."""
    grid = areas_db.by_code(conn, "G0101")
    parent = areas_db.by_id(conn, grid.parent_id)
    areas_db.upsert(conn, "G0101", name="很长的网格名称" * 800, level="grid", parent_code=parent.code,
                    now=stamp(clock.now()))
    later = stamp(clock.now() + timedelta(days=30))
    return [broadcasts_db.create(conn, stamp(clock.now()), created_by=None, audience_id=grid.id, template=None,
                                 fields={"text": "通知"}, body="通知", schedule="at", pin=False, next_run_at=later)
            for _ in range(count)]


async def test_broadcasts_page_with_their_buttons_and_long_names_are_cut(bot, driver, clock):
    leader = await started(driver, "王强", 900011)
    ids = await bot.db.write(long_audience_and_broadcasts, clock, 23)
    await leader.says(leader.private, "/broadcasts")
    message = await driver.expect(leader.private)
    seen = []
    for number in (1, 2, 3):
        if number > 1:
            await press_data(leader, message, f"pg|bc|{number}")
            message = await driver.expect(leader.private, kinds=("edit",))
        actions = [d for d in data_of(message) if d.startswith("bl|")]
        page_ids = sorted({int(d.split("|")[1]) for d in actions})
        assert len(page_ids) == (10 if number < 3 else 3) and visible_length(message) <= 4096
        assert all(f"bl|{i}|pause" in actions and f"bl|{i}|cancel" in actions for i in page_ids)
        seen += page_ids
    assert seen == ids
    assert [d for d in data_of(message) if d.startswith("pg|")] == ["pg|bc|2"]


async def test_a_report_number_longer_than_a_message_is_cut(bot, driver, clock):
    li_na = await link(bot, driver, clock, "李娜")
    mine = await person_id(bot, li_na.id)
    await bot.db.write(partial(file_reports, clock=clock, count=10, assignee=mine, reporter=li_na.id,
                                       number=lambda i: f"G0101-{i:02d}-" + "9" * 5000))
    for command in ("/tasks", "/my"):
        await li_na.says(li_na.private, command)
        listing = await driver.expect(li_na.private)
        assert visible_length(listing) <= 4096 and listing.text.count("G0101-") == 10


def test_pages_of_a_list_in_memory():
    from bot.services.paging import page_of, parse_page_data

    assert [page_of(list(range(21)), n).items for n in (1, 3, 4, -5)] == [
        list(range(10)), [20], [20], list(range(10))]
    empty = page_of([], 7)
    assert (empty.number, empty.pages, empty.previous, empty.next) == (1, 1, None, None)
    assert parse_page_data("pg|my|12") == ("my", 12)
    assert [parse_page_data(d) for d in ("pg|my|12x", "pg|my|", "pg|you|1", "r|1|acc", None)] == [None] * 5
