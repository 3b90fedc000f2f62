"""A card whose edit was lost (a crash between a press's commit and its edits) heals on the next press: a press
that changes nothing ("already accepted") still shows the pressed card as the report stands now."""

from __future__ import annotations

import handlers.casework
from db import reports as reports_db
from tests.scenario import assigned_dispute, card_action, eventually, press_data
from tests.test_field_card import actions, edits_of


async def test_pressing_accept_again_on_a_stale_card_shows_it_accepted(bot, driver, clock, monkeypatch):
    case = await assigned_dispute(bot, driver, clock)
    card, worker = case.card, case.worker
    lost: list[object] = []

    async def crashed_before_editing(context, edits) -> None:
        lost.append(edits)

    monkeypatch.setattr(handlers.casework, "refresh", crashed_before_editing)
    await driver.answer(await press_data(worker, card, card_action(card, "acc")))

    async def edits_dropped() -> bool:
        return bool(lost)
    assert await eventually(edits_dropped)
    monkeypatch.undo()
    assert (await bot.db.read(reports_db.get, case.report.id)).status == "accepted"
    assert not await driver.events(0, card.chat_id, kinds=["edit"])        # the card still offers "acc"

    await driver.answer(await press_data(worker, card, card_action(card, "acc")))

    [healed] = await edits_of(driver, card)
    assert actions(healed) == {"note", "res", "xfer", "esc"}
