"""The log says what happened in one line when a chat refuses (blocked, kicked, not found, flood control);
a traceback is kept for real bugs, and the person who met a bug is told it did not work."""

from __future__ import annotations

import logging

import handlers.start
from messages import render
from tests.scenario import DISPUTE, expect_from, fill, press_data, team


def tracebacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info is not None]


def lines_about(caplog, *words: str) -> list[str]:
    found = [r.getMessage() for r in caplog.records if all(w in r.getMessage() for w in words)]
    assert all("\n" not in line for line in found)
    return found


async def test_a_kicked_group_a_flood_wait_and_a_blocked_worker_are_one_line_each(bot, driver, clock, caplog):
    crew = await team(bot, driver, clock)
    resident, li_na = await driver.user("居民"), crew.workers[0]
    await driver.remove_bot(crew.group, crew.leader)
    await driver.fault("retry_after", "sendMessage", count=1, retry_after=1, chat_id=resident.id)
    await li_na.block_bot()
    with caplog.at_level(logging.WARNING):
        await resident.says(crew.group, "/report")                       # the answer there is refused
        await resident.start("r_G0101")                                  # the form meets flood control once
        confirm = await fill(driver, resident, await driver.expect(resident.private), DISPUTE)
        await press_data(resident, confirm, "f|submit")                  # the card to 李娜 is refused
        await expect_from(driver, resident.private, "report/submitted")
        assert await driver.idle()
        assert await bot.runtime.sender.drained()
    assert lines_about(caplog, str(crew.group), "kicked")
    assert lines_about(caplog, "flood control", str(resident.id))
    assert lines_about(caplog, str(li_na.id), "blocked")
    assert tracebacks(caplog) == []


async def test_a_bug_is_a_traceback_and_the_person_is_told(bot, driver, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(handlers.start, "remembering", broken)
    resident = await driver.user("居民")
    with caplog.at_level(logging.WARNING):
        await resident.start()
        sorry = await driver.expect(resident.private)
    assert sorry.text == render("errors/failed", "zh_CN")
    [record] = tracebacks(caplog)
    assert record.levelno == logging.ERROR and "ZeroDivisionError" in str(record.exc_info)
