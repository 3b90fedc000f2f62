"""A worker's note or outcome that does not fit is asked again, in their language; the conversation stays whole."""

from __future__ import annotations

from db import conversations as conv_db
from db import reports as reports_db
from bot.core.telegram_html import parse_html
from messages import render as render_html
from tests.scenario import DISPUTE, card_action, link, press_data, report_from_group, team


def render(name: str, locale: str, **context) -> str:
    """A template's text as the person sees it (the sandbox shows messages without their markup)."""
    return parse_html(render_html(name, locale, **context))


async def english_worker_with_a_card(bot, driver, clock):
    crew = await team(bot, driver, clock, workers=())
    worker = await link(bot, driver, clock, "李娜", language_code="en")
    number = await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    card = await driver.expect(worker.private)
    return worker, card, await bot.db.read(reports_db.by_number, number)


async def test_an_over_long_or_empty_note_is_asked_again_in_english(bot, driver, clock):
    worker, card, report = await english_worker_with_a_card(bot, driver, clock)
    await press_data(worker, card, card_action(card, "note"))
    await driver.expect(worker.private)

    await worker.says(worker.private, "x" * 501)
    reply = await driver.expect(worker.private)
    assert render("report/invalid/too_long", "en", max=500, length=501) in reply.text
    assert render("casework/ask_note", "en", report=report) in reply.text
    await worker.says(worker.private, "\u200b\u200f\u2066")            # nothing visible in it
    reply = await driver.expect(worker.private)
    assert render("report/invalid/empty", "en") in reply.text
    state, _ = await bot.db.read(conv_db.get, worker.id)
    assert state["flow"] == "note" and state["report_id"] == report.id

    await worker.says(worker.private, "Called both parties")
    assert render("casework/outcome/noted", "en", report=report) in (await driver.expect(worker.private)).text
    notes = [e.detail for e in await bot.db.read(reports_db.events, report.id) if e.action == "note"]
    assert notes == [{"text": "Called both parties"}]
    assert await bot.db.read(conv_db.get, worker.id) is None


async def test_an_over_long_outcome_does_not_resolve_and_the_form_underneath_survives(bot, driver, clock):
    worker, card, report = await english_worker_with_a_card(bot, driver, clock)
    await worker.says(worker.private, "/report")                       # a report of her own, half begun
    await driver.expect(worker.private)
    await worker.says(worker.private, "G0101")
    await driver.expect(worker.private)
    await press_data(worker, card, card_action(card, "res"))
    await driver.expect(worker.private)

    await worker.says(worker.private, "y" * 501)
    reply = await driver.expect(worker.private)
    assert render("casework/ask_resolve", "en", report=report) in reply.text
    assert (await bot.db.read(reports_db.get, report.id)).status == "open"

    await worker.says(worker.private, "Mediated")
    await driver.expect(worker.private)
    assert (await bot.db.read(reports_db.get, report.id)).outcome == "Mediated"
    state, _ = await bot.db.read(conv_db.get, worker.id)
    assert state["flow"] == "report" and state["grid"] == "G0101"


async def test_cancel_drops_the_note_and_takes_up_the_form_underneath(bot, driver, clock):
    worker, card, report = await english_worker_with_a_card(bot, driver, clock)
    await worker.says(worker.private, "/report")
    await driver.expect(worker.private)
    await worker.says(worker.private, "G0101")
    await driver.expect(worker.private)
    await press_data(worker, card, card_action(card, "note"))
    await driver.expect(worker.private)

    await worker.says(worker.private, "/cancel")
    assert render("report/cancelled", "en") in (await driver.expect(worker.private)).text
    state, _ = await bot.db.read(conv_db.get, worker.id)
    assert state["flow"] == "report" and state["grid"] == "G0101"
    assert [e.action for e in await bot.db.read(reports_db.events, report.id)] == ["created", "assigned"]


async def test_a_note_typed_long_after_the_button_is_not_recorded(bot, driver, clock, settings):
    from datetime import timedelta

    worker, card, report = await english_worker_with_a_card(bot, driver, clock)
    await press_data(worker, card, card_action(card, "note"))
    await driver.expect(worker.private)
    clock.advance(timedelta(minutes=settings.conversation_idle_minutes + 1))

    await worker.says(worker.private, "Called both parties")
    assert render("casework/input_expired", "en") in (await driver.expect(worker.private)).text
    assert "note" not in [e.action for e in await bot.db.read(reports_db.events, report.id)]
