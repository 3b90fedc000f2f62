"""Typed answers are normalised (control and format characters go), and nothing-visible answers are refused."""

from __future__ import annotations

from db import conversations as conv_db
from db import reports as reports_db
from messages import render
from tests.scenario import ARRIVAL, answer_step, fill, press_data, team
from tests.test_intake import open_form

INVISIBLE = ("\u200b\u200c\u200d", "\u200f\u200e\u202e", "\x00\x01", "\u2066\u2069 \ufeff", "\u3164")


async def test_invisible_names_and_addresses_are_refused_and_marks_are_stripped(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("居民")
    question = await open_form(driver, resident, crew.group)
    question = await answer_step(driver, resident, question, "kind", "arrival")
    question = await answer_step(driver, resident, question, "behalf", "self")

    for text in INVISIBLE:
        reply = await answer_step(driver, resident, question, "name", text)
        assert render("report/invalid/empty", "zh_CN") in reply.text
    state, _ = await bot.db.read(conv_db.get, resident.id)
    assert "name" not in state["answers"]

    question = await answer_step(driver, resident, question, "name", "\u202e赵\u200b小满\x00")
    rest = {k: v for k, v in ARRIVAL.items() if k not in ("kind", "behalf", "name")}
    for key in ("phone", "origin", "arrival_date"):
        question = await answer_step(driver, resident, question, key, rest.pop(key))
    reply = await answer_step(driver, resident, question, "address", "\u200f\u200e")
    assert render("report/invalid/empty", "zh_CN") in reply.text
    confirm = await fill(driver, resident, question, rest)
    await press_data(resident, confirm, "f|submit")
    await driver.expect(resident.private)
    (report,) = await bot.db.read(reports_db.all_reports)
    assert report.details["name"] == "赵小满" and report.details["address"] == ARRIVAL["address"]
