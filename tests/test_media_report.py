"""Photos, voice notes, documents and a place on every report: sent at a free-text step (a caption answers it, a
shared place answers "where") or at the confirmation, kept by file_id, shown to the assignee with the card (a
media group for several photos, the place as a map link and a pin), listed in the history, never in a group."""

from __future__ import annotations

from db import reports as reports_db
from tests.scenario import context_of, eventually, team
from tests.tips_helpers import datas, expect_buttons, perform, press, start_from_group

DISPUTE = [("press", "f|kind|dispute"), ("press", "f|behalf|self"), ("press", "f|category|neighbours"),
           ("say", "5号楼两户邻居")]


async def test_a_dispute_with_photos_a_voice_note_and_a_place_reaches_the_worker_and_no_group(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("钱阿姨")
    first = await start_from_group(driver, resident, crew.group)
    where = await perform(driver, resident, first, DISPUTE)

    await resident.sends("venue", latitude=35.0812, longitude=117.1534, title="府前小区5号楼", address="府前路18号")
    description = await expect_buttons(driver, resident.private)
    assert "f|back|description" in datas(description) and where.text != description.text
    await resident.sends("photo", body="corridor-1", caption="楼道堆放杂物引发争吵")     # the caption answers
    urgency = await expect_buttons(driver, resident.private)
    confirm = await perform(driver, resident, urgency, [("press", "f|urgency|normal")])
    assert "府前小区5号楼" in confirm.text and "楼道堆放杂物" in confirm.text
    await resident.sends("photo", body="corridor-2")
    confirm = await expect_buttons(driver, resident.private)
    await resident.sends("voice", duration=4)
    confirm = await expect_buttons(driver, resident.private)
    assert context_of(confirm, "report/confirm")["attached"] == {"photo": 2, "voice": 1, "location": 1}
    await press(resident, confirm, "f|submit")

    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])
    report = await bot.db.read(reports_db.get, rid)
    assert len(report.details["media"]) == 3 and report.details["location"]["title"] == "府前小区5号楼"
    assert report.details["place"] == "府前小区5号楼 府前路18号"
    assert "openstreetmap.org/?mlat=35.081200&amp;mlon=117.153400" in card.data["html"]
    assert context_of(card, "report/card")["attached"] == {"photo": 2, "voice": 1, "location": 1}
    async def four_sent():
        found = await driver.events(card.data["seq"], li_na.private, kinds=["photo", "voice", "location"])
        return found if len(found) >= 4 else None
    sent = await eventually(four_sent) or []
    photos = [e for e in sent if e.kind == "photo"]
    assert len(photos) == 2 and photos[0].data["media_group_id"] == photos[1].data["media_group_id"]
    assert report.number in photos[0].data["html"] and "楼道堆放杂物" in photos[0].data["html"]
    assert [e.kind for e in sent if e.kind != "photo"] == ["voice", "location"]
    history = [e for e in await bot.db.read(reports_db.events, rid) if e.action == "attached"]
    assert history[0].detail["counts"] == {"photo": 2, "voice": 1, "location": 1}
    in_groups = [e for e in await driver.events(0, None, kinds=["photo", "voice", "location", "document"])
                 if e.chat_id is not None and e.chat_id < 0]
    assert in_groups == []
