"""A press re-renders each person's card once, however many of their cards it edits (bot.services.cards.press)."""

from __future__ import annotations

from db import audit
from db import cards as cards_db
from bot.services import cards
from tests.scenario import assigned_dispute

UNRECORDED = 987_654                          # a card delivered whose message id the outbox has not written yet


async def test_a_press_on_an_unrecorded_card_edits_both_cards_and_discloses_once(bot, driver, clock):
    case = await assigned_dispute(bot, driver, clock)
    assert await bot.runtime.sender.drained()
    recorded = await bot.db.read(cards_db.delivered, case.report.id)
    assert [(c.chat_id, c.message_id) for c in recorded] == [(case.worker.private, case.card.message_id)]

    outcome, edits = await bot.db.write(cards.press, bot.runtime.settings, "acc", case.report.id,
                                        case.worker.id, clock.now(), None, (case.worker.private, UNRECORDED))

    assert outcome.key == "accepted"
    assert {(e.chat_id, e.message_id) for e in edits} == {(case.worker.private, case.card.message_id),
                                                          (case.worker.private, UNRECORDED)}
    assert len({e.text for e in edits}) == 1 and edits[0].text is not None        # the same card, rendered once
    disclosed = await bot.db.read(audit.entries, f"report:{case.report.id}", "report_disclosed")
    assert [e["detail"]["why"] for e in disclosed].count("card_update") == 1
