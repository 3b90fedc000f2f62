"""Door-knocking, the rules the first tests leave out: a community admin launches over their community from
/campaign and gets the summary; `campaign_revisits = 0` never brings a nobody-home back; an issue of the dispute
kind becomes a normal dispute with the household's head as a party; progress from the city down to the grids."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.app.harness import running_bot
from bot.services.campaigns import launch
from bot.services.households import import_households
from db import campaigns as campaigns_db
from db import reports as reports_db
from tests.scenario import card_action, context_of, expect_from, next_from, press_data, team
from tests.tasks_helpers import context_in, press_matching
from bot.app.demo import sample_city
from tests.test_tasks_campaigns import HOUSEHOLDS, door_words, progress, rooms, run, until


async def door_list(driver, person, limit: int = 10):
    """The next door-knocking list (a message with households' buttons); others on the way passed over."""
    for _ in range(limit):
        message = await driver.expect(person.private)
        if any(b.get("callback_data", "").startswith("kh|") for b in message.buttons):
            return message
    raise AssertionError("no door-knocking list")


def door_data(message, room: str, action: str) -> str:
    return next(b for b in message.buttons if b["text"] == door_words(room)[0])["callback_data"][:-1] + action


async def test_a_community_admin_launches_from_campaign_and_gets_the_summary(bot, driver, clock, settings, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await bot.db.write(import_households, tmp_path / "h.csv", clock.now())
    crew = await team(bot, driver, clock)
    admin = crew.community_admin
    await admin.says(admin.private, "/campaign")
    await press_data(admin, await driver.expect(admin.private), "cl|new")
    await press_matching(admin, await driver.expect(admin.private), r"cp\|\w+\|JH01")
    await driver.expect(admin.private)
    await admin.says(admin.private, "防汛排查")
    await driver.expect(admin.private)
    await admin.says(admin.private, "2026-04-10 18:00")
    confirm = await driver.expect(admin.private)
    assert context_of(confirm, "tasks/campaign/launch/confirm")["households"] == 9
    await press_matching(admin, confirm, r"cp\|submit")
    assert context_of(await expect_from(driver, admin.private, "tasks/campaign/created"), "tasks/campaign/created")["id"] == 1
    [campaign] = await bot.db.read(lambda conn: [campaigns_db.get(conn, 1)])
    assert campaign.created_by == admin.id

    clock.advance(until(clock, settings, "2026-04-10 18:00"))
    await bot.runtime.tick()
    summary = await next_from(driver, admin.private, "tasks/campaign/summary")
    assert progress(context_of(summary, "tasks/campaign/summary")["lines"])[0][2:4] == (0, 9)


async def test_no_revisits_and_a_dispute_found_at_a_door(settings, clock, db, city, sandbox, tmp_path):
    (tmp_path / "h.csv").write_text(HOUSEHOLDS, encoding="utf-8")
    await db.write(import_households, tmp_path / "h.csv", clock.now())
    once = replace(settings, campaign_revisits=0)
    async with running_bot(once, clock, sandbox=sandbox, db=db) as bot:
        driver = bot.driver
        crew = await team(bot, driver, clock)
        li_na = crew.workers[0]
        done = await db.write(lambda conn: launch(conn, once, None, area_code="G0101", title="摸排",
                                                  due=clock.now() + timedelta(days=3), now=clock.now()))
        assert done.key == "created"
        await bot.runtime.tick()
        first = await door_list(driver, li_na)
        await driver.answer(await li_na.press_data(first.chat_id, first.message_id, door_data(first, "3-1-102", "n")))

        await li_na.press_data(first.chat_id, first.message_id, door_data(first, "3-1-103", "i"))
        await press_matching(li_na, await driver.expect(li_na.private), r"ci\|\w+\|dispute")
        await driver.expect(li_na.private)
        await li_na.says(li_na.private, "与邻居因停车位争执")
        await expect_from(driver, li_na.private, "tasks/campaign/issue_filed")
        card = await expect_from(driver, li_na.private, "report/card")           # the new report's card
        assert context_of(card, "report/card")["report"].kind == "dispute" and card_action(card, "acc")

        clock.advance(hours=23)
        await bot.runtime.tick()
        today = await door_list(driver, li_na)
        # 3-1-102 not back: no revisits
        assert rooms(today) == door_words("3-1-101", "3-1-104"), (today.text, today.buttons)

        doors = {h.address: d for d, h in await bot.db.read(campaigns_db.doors, 1)}
        assert (doors["3-1-102"].status, doors["3-1-102"].attempts) == ("nobody", 1)
        dispute = await bot.db.read(reports_db.get, doors["3-1-103"].report_id)
        assert (dispute.kind, dispute.priority, dispute.details["parties"], dispute.details["description"]) == (
            "dispute", "normal", "丙", "与邻居因停车位争执")


def city_households(tmp_path, capsys, sheet: str) -> str:
    db = str(tmp_path / "g.sqlite3")
    areas, staff = sample_city()
    assert run(capsys, "import", str(areas), str(staff), "--db", db)[0] == 0
    (tmp_path / "h.csv").write_text(sheet, encoding="utf-8")
    assert run(capsys, "import-households", str(tmp_path / "h.csv"), "--db", db)[0] == 0
    return db


def test_progress_from_the_city_down_to_the_grids(tmp_path, capsys):
    db = city_households(tmp_path, capsys, HOUSEHOLDS + "G0201,9,1,101,癸,13911110010,\n")
    code, out, err = run(capsys, "campaign", "--area", "TZ", "--title", "全市摸排", "--due", "2099-01-01 18:00",
                         "--db", db)
    assert code == 0, err
    created = context_in(out, "cli/campaign_created")
    assert (created["id"], created["households"]) == (1, 10)
    code, out, _ = run(capsys, "campaign-status", "1", "--db", db)
    lines = progress(context_in(out, "cli/campaign_status")["lines"])
    assert [line[:2] for line in lines] == [
        ("滕州市", "TZ"), ("荆河街道", "JH"), ("府前社区", "JH01"), ("府前社区第一网格", "G0101"),
        ("府前社区第二网格", "G0102"), ("龙泉社区", "JH02"), ("龙泉社区第一网格", "G0201")]
    assert lines[0][2:] == lines[1][2:] == (0, 10, 0, 0)
