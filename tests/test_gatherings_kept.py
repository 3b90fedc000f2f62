"""A gathering checked on site and found kept to its approval: recorded with the worker's note and photo on the
application, no report made of it, nobody else disturbed; the other worker's reminder can no longer check it."""

from __future__ import annotations

from datetime import datetime, timezone

from db import gatherings as gatherings_db
from db import reports as reports_db
from tests.scenario import names_in, team, template_of
from tests.tips_helpers import approved_banquet, datas, expect_buttons, press


async def test_a_gathering_kept_to_its_approval_is_recorded_and_makes_no_report(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na, zhang_wei = crew.workers
    rid = await approved_banquet(driver, crew)
    for person in (*crew.workers, crew.leader):
        await driver.skip(person.private)
    reports_before = await bot.db.read(lambda c: c.execute("SELECT count(*) FROM reports").fetchone()[0])

    clock.advance(datetime(2026, 4, 12, 0, tzinfo=timezone.utc) - clock.now())    # 08:00 on the day
    await bot.runtime.tick()
    day = await expect_buttons(driver, li_na.private)
    other = await expect_buttons(driver, zhang_wei.private)
    assert f"g|{rid}|chk" in datas(day) and f"g|{rid}|chk" in datas(other)

    await press(li_na, day, f"g|{rid}|chk")
    kept = await expect_buttons(driver, li_na.private)
    await press(li_na, kept, "a|kept|kept")
    await driver.expect(li_na.private)
    await li_na.says(li_na.private, "约 28 人，分餐，符合审批")
    await expect_buttons(driver, li_na.private)
    await li_na.sends("photo", body="banquet-ok")
    ack = await expect_buttons(driver, li_na.private)
    await press(li_na, ack, "a|media|done")
    done = await driver.expect(li_na.private)
    assert "asides/outcome/checked_kept" in names_in(done)

    gathering = await bot.db.read(gatherings_db.get, rid)
    application = await bot.db.read(reports_db.get, rid)
    assert gathering.checked == "kept" and gathering.violation_id is None and gathering.checked_by == li_na.id
    assert len(application.details["media"]) == 1
    checked = [e for e in await bot.db.read(reports_db.events, rid) if e.action == "checked"]
    assert [(e.actor_user, e.detail["result"], e.detail["text"]) for e in checked] == [
        (li_na.id, "kept", "约 28 人，分餐，符合审批")]
    assert await bot.db.read(lambda c: c.execute("SELECT count(*) FROM reports").fetchone()[0]) == reports_before
    assert await driver.nothing_new(zhang_wei.private) and await driver.nothing_new(crew.leader.private)
    again = await driver.answer(await press(zhang_wei, other, f"g|{rid}|chk"))
    assert template_of(bot, again) == "gatherings/outcome/already_checked"
