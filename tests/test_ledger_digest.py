"""The weekly digest: at the time of `digest_cron` every grid leader and admin gets their area's figures with a
chart as a photo in private, once; the chart draws Chinese without missing glyphs."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

from bot.app.ledger_jobs import deliver_digests
from bot.services.ledger.chart import daily_bars
from tests.scenario import ARRIVAL, DISPUTE, report_from_group, team

PNG = b"\x89PNG\r\n\x1a\n"
MONDAY_0805 = datetime(2026, 4, 13, 0, 5, tzinfo=timezone.utc)           # 08:05 in Asia/Shanghai


def statuses(conn):
    return {(r[0], r[1]) for r in conn.execute("SELECT p.name, d.status FROM digest_deliveries d"
                                                " JOIN people p ON p.id = d.person_id")}


async def test_leaders_and_admins_get_their_areas_digest_as_a_photo_once(bot, driver, clock):
    crew = await team(bot, driver, clock)                                # Thursday 2026-04-09
    await report_from_group(driver, await driver.user("居民"), crew.group, ARRIVAL)
    await report_from_group(driver, await driver.user("居民"), crew.group, DISPUTE)
    assert await deliver_digests(bot.application) == 0                   # not Monday yet

    clock.advance(MONDAY_0805 - clock.now())
    for person in (crew.leader, crew.community_admin, crew.town_admin):
        await driver.skip(person.private)
    assert await deliver_digests(bot.application, limit=50) == 3

    photo = await driver.expect(crew.leader.private, kinds=("photo",))
    assert "府前社区第一网格" in photo.text and "2026-04-06" in photo.text and "2026-04-12" in photo.text
    _, body = await driver.document(photo.data["file_id"])
    assert body.startswith(PNG)
    town = await driver.expect(crew.town_admin.private, kinds=("photo",))
    assert "荆河街道" in town.text
    community = await driver.expect(crew.community_admin.private, kinds=("photo",))
    assert "府前社区" in community.text

    assert await deliver_digests(bot.application, limit=50) == 0
    clock.advance(hours=2)
    assert await deliver_digests(bot.application, limit=50) == 0
    for person in (crew.leader, crew.community_admin, crew.town_admin):
        assert await driver.nothing_new(person.private)
    found = await bot.db.read(statuses)
    assert {("王强", "sent"), ("孙丽", "sent"), ("钱文华", "sent"), ("赵建国", "failed")} <= found
    assert not any(status == "pending" for _, status in found)


async def test_a_digest_missed_for_more_than_a_day_is_not_sent_late(bot, driver, clock):
    crew = await team(bot, driver, clock)
    clock.advance(MONDAY_0805 + timedelta(days=1, hours=1) - clock.now())
    assert await deliver_digests(bot.application) == 0
    assert await driver.nothing_new(crew.leader.private)


def test_the_chart_draws_chinese_with_no_missing_glyph():
    with warnings.catch_warnings():
        warnings.simplefilter("error")                # matplotlib warns "Glyph … missing from font(s)"
        png = daily_bars("府前社区第一网格 每日新增报备（2026-04-06 至 2026-04-12）",
                         ["04-06", "04-07", "04-08", "04-09", "04-10", "04-11", "04-12"],
                         {"来/返报备": [1, 0, 2, 0, 0, 3, 1], "矛盾纠纷": [0, 1, 0, 0, 2, 0, 0]}, "件数")
    assert png.startswith(PNG)
