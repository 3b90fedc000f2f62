"""A state change made by a button or a command commits with the reply that tells the person who acted: when
the bot goes down right after the change's transaction, the reply still arrives after the restart, once.

The bot "goes down" here by failing right after `Runtime.handle` returns (the update's transaction has
committed, nothing after it runs), while Telegram refuses the actor's chat, so that the reply cannot go out
before the stop either."""

from __future__ import annotations

import json

import pytest

from bot.app.harness import running_bot
from bot.core.clock import stamp
from bot.services.runtime import Runtime
from db import conversations as conversations_db
from db import invites as invites_db
from db import reports as reports_db
from sandbox import SandboxDriver
from tests.scenario import (DISPUTE, card_action, eventually, expect_from, new_group, press_data, report_from_group,
                            started, team)


class Crash(Exception):
    """The process dying right after a transaction committed."""


@pytest.fixture
async def no_bot(settings, clock, db, city, sandbox):
    """The database, the city and the sandbox, with no bot running: the test starts and stops its own."""
    return settings


@pytest.fixture
async def driver(sandbox):
    """One driver for both runs of the bot (it remembers what each chat has already seen)."""
    own = SandboxDriver(sandbox.url)
    yield own
    await own.close()


def crash_after_commit(monkeypatch) -> None:
    """From now on, every state change an update makes commits and then the bot fails."""
    handle = Runtime.handle

    async def committed_then_crash(self, *args, **kwargs):
        await handle(self, *args, **kwargs)
        raise Crash("gone after COMMIT")

    monkeypatch.setattr(Runtime, "handle", committed_then_crash)


async def down_after(monkeypatch, sandbox, driver, chat_id: int, act) -> None:
    """`act()` with the bot failing right after each commit and Telegram refusing `chat_id`; waits until the
    bot tried to write to that chat (the change has committed), then lets both go."""
    await driver.fault("server_error", "sendMessage", count=100_000, chat_id=chat_id)
    crash_after_commit(monkeypatch)
    await act()

    async def refused() -> bool:
        return bool(sandbox.injected["server_error"])
    assert await eventually(refused, timeout=10), "the bot never wrote to the chat"
    monkeypatch.undo()


async def test_a_resolve_press_committed_before_a_crash_asks_for_the_result_after_the_restart(
        no_bot, clock, db, sandbox, driver, monkeypatch):
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db) as first:
        crew = await team(first, driver, clock)
        resident = await driver.user("居民")
        number = await report_from_group(driver, resident, crew.group, DISPUTE)
        worker = crew.workers[0]
        card = await driver.expect(worker.private)
        await down_after(monkeypatch, sandbox, driver, worker.private,
                         lambda: press_data(worker, card, card_action(card, "res")))
    sandbox.faults.clear()
    report = await db.read(reports_db.by_number, number)
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        await expect_from(driver, worker.private, "casework/ask_resolve")
        assert await driver.nothing_new(worker.private)
    # The press's change is the one committed: the worker's next text is the report's result.
    waiting = await db.read(conversations_db.get, worker.id)
    assert waiting is not None and f'"report_id": {report.id}' in json.dumps(waiting[0]), waiting


async def test_a_group_bound_before_a_crash_is_told_so_after_the_restart(no_bot, clock, db, sandbox, driver,
                                                                        monkeypatch):
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        leader = await started(driver, "王强", 900011)
        group = await new_group(driver, "府前社区第一网格居民群", [leader], added_by=leader)
        await down_after(monkeypatch, sandbox, driver, group, lambda: leader.says(group, "/bind G0101"))
    sandbox.faults.clear()
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        await expect_from(driver, group, "groups/bind_bound")
        assert await driver.nothing_new(group)


async def test_an_invite_opened_before_a_crash_asks_for_the_contact_after_the_restart(no_bot, clock, db, sandbox,
                                                                                     driver, monkeypatch):
    code = next(p.code for p in await db.read(invites_db.pending, stamp(clock.now())) if p.name == "李娜")
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        person = await driver.user("李娜")
        await down_after(monkeypatch, sandbox, driver, person.private, lambda: person.start(f"inv_{code}"))
    sandbox.faults.clear()
    async with running_bot(no_bot, clock, sandbox=sandbox, db=db):
        ask = await expect_from(driver, person.private, "start/invite_share_contact")
        assert any(b.get("request_contact") for row in ask.data["reply_markup"]["keyboard"] for b in row)
        assert await driver.nothing_new(person.private)
