"""An unreachable person on the chain (never pressed Start) is skipped upward, never handed back down:
each level in turn is the unreachable one; the history, the leader's notices and the resident's
messages are counted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import stamp
from db import people as people_db
from db import reports as reports_db
from tests.scenario import DISPUTE, context_of, names_in, new_group, report_from_group

STAFF = {"worker": ("李娜", 800012), "other_worker": ("张伟", 800013), "leader": ("王强", 900011),
         "community": ("孙丽", 900003), "town": ("钱文华", 900002)}


async def crew_with_one_unreachable(bot, driver, clock, unreachable: str):
    """G0101's chain on Telegram; everyone pressed Start except the one named by `unreachable`."""
    people = {}
    for role, (name, user_id) in STAFF.items():
        if role in ("worker", "other_worker"):              # link the workers without the invite flow
            def linking(conn, name=name, user_id=user_id):
                row = conn.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()
                people_db.link_telegram(conn, row[0], user_id, stamp(clock.now()))
            await bot.db.write(linking)
        person = await driver.user(name, user_id=user_id)
        if role != unreachable:
            await person.start()
            await driver.expect(person.private)
        people[role] = person
    group = await new_group(driver, "府前社区第一网格居民群", [people["leader"]], added_by=people["leader"])
    await people["leader"].says(group, "/bind G0101")
    await driver.expect(group)
    return people, group


async def run_out_the_clock(bot, clock, window: timedelta, rounds: int = 6) -> None:
    for _ in range(rounds):
        clock.advance(window + timedelta(minutes=1))
        await bot.runtime.tick()
        assert await bot.runtime.sender.drained()


def texts(messages) -> list[str]:
    return [m.text or "" for m in messages]


EXPECTED = {
    "worker": ["created", "assigned", "unreachable", "assigned", "reminded", "escalated", "escalated", "escalated"],
    "leader": ["created", "assigned", "reminded", "escalated", "unreachable", "escalated", "escalated"],
    "community": ["created", "assigned", "reminded", "escalated", "escalated", "unreachable", "escalated"],
    "town": ["created", "assigned", "reminded", "escalated", "escalated", "escalated", "unreachable"],
}


@pytest.mark.parametrize("unreachable", ["worker", "leader", "community", "town"])
async def test_an_unreachable_level_is_skipped_upward(bot, driver, clock, settings, unreachable):
    people, group = await crew_with_one_unreachable(bot, driver, clock, unreachable)
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, group, DISPUTE)
    assert await bot.runtime.sender.drained()

    await run_out_the_clock(bot, clock, settings.accept_window("normal"))

    report = await bot.db.read(reports_db.by_number, number)
    history = await bot.db.read(reports_db.events, report.id)
    assert [e.action for e in history] == EXPECTED[unreachable]
    levels = [e.detail["level"] for e in history if e.action == "escalated"]
    assert levels == sorted(set(levels)) and levels[-1] == 3          # only ever up, each level once
    assert [e.action for e in history].index("unreachable") < len(history)
    assert report.level == 3 and report.status == "open"
    assigned_after = [e.detail.get("to") for e in history if e.action == "assigned"]
    assert STAFF["worker"][0] not in assigned_after[1:]               # never handed back down to a worker

    to_resident = [m for m in await driver.sent(resident.private) if "report/status_escalated" in names_in(m)]
    assert [context_of(m, "report/status_escalated")["report"].level for m in to_resident] == [1, 2, 3]

    notices = [m.text for m in await driver.sent(people["leader"].private)
               if m.text and "report/worker_unreachable" in names_in(m)]
    unreachable_name = STAFF[unreachable][0]
    if unreachable == "leader":
        assert notices == []
    else:
        assert len(notices) == 1 and unreachable_name in notices[0]

    if unreachable == "community":                                    # the reachable town admin has it
        cards = texts(await driver.sent(people["town"].private))
        assert any(number in t for t in cards)
        assert report.assignee_id == (await bot.db.read(people_db.by_telegram_id, STAFF["town"][1])).id
