"""An approved gathering: its grid's workers are reminded the day before and on the day (timers in the database,
fired by the tick), check it on site, and one not kept to its approval becomes a high-priority report with the
worker's note and photo, handed to someone else. /gatherings lists what is coming, without phone numbers in the
group."""

from __future__ import annotations

from datetime import datetime, timezone

from db import gatherings as gatherings_db
from db import reports as reports_db
from tests.scenario import context_of, team, template_of
from tests.tips_helpers import approved_banquet, datas, expect_buttons, press


def reminded(message) -> str:
    """When a gathering reminder says the gathering is: "eve" (tomorrow) or "day" (today)."""
    return context_of(message, "gatherings/reminder")["moment"]


def occasions(message) -> list[tuple[str, int]]:
    """(occasion, people) of each gathering /gatherings listed."""
    return [(g.occasion, g.people) for g in context_of(message, "gatherings/list")["listed"].gatherings]


def moves_to(clock, *at: int) -> None:
    """Move the hand-moved clock to a UTC moment (year, month, day, hour)."""
    clock.advance(datetime(*at, tzinfo=timezone.utc) - clock.now())


async def test_workers_are_reminded_on_the_eve_and_the_day_and_a_breach_becomes_a_report(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    rid = await approved_banquet(driver, crew)
    await driver.skip(li_na.private)
    await driver.skip(zhang_wei.private)

    moves_to(clock, 2026, 4, 10, 23)                              # 04-11 07:00 in Shanghai: not yet
    await bot.runtime.tick()
    assert await driver.nothing_new(li_na.private)
    moves_to(clock, 2026, 4, 11, 0)                               # 04-11 08:00: the eve
    await bot.runtime.tick()
    eve = [await expect_buttons(driver, w.private) for w in crew.workers]
    assert all(reminded(m) == "eve" and f"g|{rid}|chk" in datas(m) and "限 30 人以内" in m.text for m in eve)
    await bot.runtime.tick()
    assert await driver.nothing_new(li_na.private)                # fired once
    moves_to(clock, 2026, 4, 12, 0)                               # 04-12 08:00: the day
    await bot.runtime.tick()
    day, other = [await expect_buttons(driver, w.private) for w in crew.workers]
    assert reminded(day) == "day" and reminded(other) == "day"

    await press(li_na, day, f"g|{rid}|chk")
    kept = await expect_buttons(driver, li_na.private)
    await press(li_na, kept, "a|kept|not_kept")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "现场约 80 人，摆了流水席")
    photos = await expect_buttons(driver, li_na.private)
    await li_na.sends("photo", body="banquet-photo")
    ack = await expect_buttons(driver, li_na.private)
    assert context_of(ack, "report/attached")["counts"] == {"photo": 1}
    await press(li_na, ack, "a|media|done")
    done = await driver.expect(li_na.private)

    gathering = await bot.db.read(gatherings_db.get, rid)
    violation = await bot.db.read(reports_db.get, gathering.violation_id)
    assert gathering.checked == "not_kept" and violation.priority == "high" and violation.kind == "gathering"
    assert violation.number in done.text and violation.details["violation_of"].startswith("G0101-")
    assert violation.details["checked_note"] == "现场约 80 人，摆了流水席" and len(violation.details["media"]) == 1
    card = await expect_buttons(driver, zhang_wei.private)
    assert violation.number in card.text and f"r|{violation.id}|acc" in datas(card)
    photo = (await driver.events(0, zhang_wei.private, timeout=5, kinds=["photo"]))[0]
    assert photo.data["file_id"] and violation.number in (photo.data.get("html") or "")
    again = await driver.answer(await press(li_na, day, f"g|{rid}|chk"))
    assert template_of(bot, again) == "gatherings/outcome/already_checked"
    assert photos.buttons


async def test_gatherings_lists_what_is_coming_without_phones_in_the_group(bot, driver, clock):
    crew = await team(bot, driver, clock)
    rid = await approved_banquet(driver, crew)
    number = (await bot.db.read(reports_db.get, rid)).number

    await crew.leader.says(crew.group, "/gatherings")
    in_group = await driver.expect(crew.group)
    assert occasions(in_group) == [("banquet", 30)]
    assert "13912348888" not in in_group.text and number not in in_group.text
    await crew.workers[0].says(crew.workers[0].private, "/gatherings")
    private = await driver.expect(crew.workers[0].private)
    assert number in private.text and "13912348888" in private.text and "限 30 人以内" in private.text
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/gatherings")
    assert number not in (await driver.expect(resident.private)).text
