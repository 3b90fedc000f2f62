"""A tip's photo, video, document and place at its photo step: the worker's card comes with the photo and the video
as one media group, the document under its name and the place as a pin; when the tip is escalated, the leader's
card brings them all again — and none of it goes to the group."""

from __future__ import annotations

from datetime import timedelta

from db import reports as reports_db
from tests.scenario import context_of, eventually, team
from tests.tips_helpers import TIP, datas, expect_buttons, perform, press, start_from_group

KINDS = ["photo", "video", "document", "location"]


async def attachments_after(driver, chat_id: int, seq: int) -> list:
    async def four():
        found = await driver.events(seq, chat_id, kinds=KINDS)
        return found if len(found) >= 4 else None
    return await eventually(four) or []


async def test_a_tips_files_reach_the_worker_and_the_leader_after_escalation(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    tipster = await driver.user("居民")
    first = await start_from_group(driver, tipster, crew.group)
    media_step = await perform(driver, tipster, first, TIP[:5])
    assert "f|media|done" in datas(media_step)
    await tipster.sends("photo", body="window")
    await expect_buttons(driver, tipster.private)
    await tipster.sends("video", caption="夜里进出的人")
    await expect_buttons(driver, tipster.private)
    await tipster.sends("document", file_name="租房合同.pdf", body="%PDF")
    await expect_buttons(driver, tipster.private)
    await tipster.sends("location", latitude=35.0812, longitude=117.1534)
    ack = await expect_buttons(driver, tipster.private)
    confirm = await perform(driver, tipster, ack, TIP[5:])
    await press(tipster, confirm, "f|submit")

    card = await expect_buttons(driver, li_na.private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])
    report = await bot.db.read(reports_db.get, rid)
    assert [m["kind"] for m in report.details["media"]] == ["photo", "video", "document"]
    assert "openstreetmap.org/?mlat=35.081200" in card.data["html"]
    sent = await attachments_after(driver, li_na.private, card.data["seq"])
    visual = [e for e in sent if e.kind in ("photo", "video")]
    assert len(visual) == 2 and visual[0].data["media_group_id"] == visual[1].data["media_group_id"]
    assert "夜里进出的人" in (visual[1].data.get("html") or "")
    assert [e.data["file_name"] for e in sent if e.kind == "document"] == ["租房合同.pdf"]
    assert [e.kind for e in sent].count("location") == 1

    for _ in range(2):                                  # a reminder to the worker, then up to the leader
        clock.advance(bot.runtime.settings.accept_window("high") + timedelta(minutes=1))
        await bot.runtime.tick()
    escalated = await expect_buttons(driver, crew.leader.private)
    shown = context_of(escalated, "report/card")
    assert f"t|{rid}|ver" in datas(escalated) and shown["headline"] == "escalated" and shown["reporter"]["anonymous"]
    again = await attachments_after(driver, crew.leader.private, escalated.data["seq"])
    assert sorted(e.kind for e in again) == sorted(["photo", "video", "document", "location"])

    in_group = await driver.events(0, crew.group, kinds=KINDS + ["voice"])
    assert in_group == []
