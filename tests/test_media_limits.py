"""At most `attachments_max` files on one report: one more is refused and the step asked again; a document goes
to the worker as a document, under its own name."""

from __future__ import annotations

import pytest

from bot.core.config import Settings
from tests.scenario import context_of, team
from tests.test_media_report import DISPUTE
from tests.tips_helpers import datas, expect_buttons, perform, press, start_from_group


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database=str(tmp_path / "gridbot.sqlite3"), risk_areas=("吉林",), tick_seconds=3600,
                    attachments_max=2)


async def test_attachments_beyond_the_limit_are_refused_and_a_document_goes_as_a_document(bot, driver, clock):
    crew = await team(bot, driver, clock)
    resident = await driver.user("钱阿姨")
    first = await start_from_group(driver, resident, crew.group)
    parties = await perform(driver, resident, first, DISPUTE[:3])

    await resident.sends("document", file_name="调解协议.pdf", body="%PDF")
    await expect_buttons(driver, resident.private)
    await resident.sends("photo")
    await expect_buttons(driver, resident.private)
    await resident.sends("photo")
    refused = await expect_buttons(driver, resident.private)
    assert context_of(refused, "report/invalid/too_many_attachments")["max"] == 2 and "2" in refused.text
    assert datas(refused) == datas(parties)
    confirm = await perform(driver, resident, refused, [("say", "两户"), ("say", "5号楼"), ("say", "吵架"),
                                                        ("press", "f|urgency|normal")])
    assert context_of(confirm, "report/confirm")["attached"] == {"document": 1, "photo": 1}
    await press(resident, confirm, "f|submit")
    card = await expect_buttons(driver, crew.workers[0].private)
    documents = await driver.events(card.data["seq"], crew.workers[0].private, timeout=5, kinds=["document"])
    assert documents and documents[0].data["file_name"] == "调解协议.pdf"
