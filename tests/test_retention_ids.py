"""Erasing a closed report's personal data also forgets the Telegram ids kept beside it: the tipster's (a tip is
a report whose reporter is never shown) and the resident's who answered the satisfaction question."""

from __future__ import annotations

from datetime import timedelta

from bot.app.serve import purge
from tests.scenario import DISPUTE, card_action, expect_from, next_from, press_data, report_from_group, team
from tests.tips_helpers import rewarded_tip


def ids_kept(conn, user_ids: list[int]) -> list[tuple[str, int]]:
    marks = ",".join("?" * len(user_ids))
    return [(table, n) for table in ("tips", "satisfaction")
            for (n,) in conn.execute(f"SELECT count(*) FROM {table} WHERE user_id IN ({marks})", user_ids)
            if n]


async def test_purge_forgets_the_tipster_and_who_answered(bot, driver, clock, settings):
    crew = await team(bot, driver, clock, workers=("李娜",))            # one worker: both reports come to her
    li_na = crew.workers[0]
    tipster = await driver.user("举报人")
    await rewarded_tip(driver, crew, tipster)
    await driver.idle()
    await driver.skip(li_na.private)

    resident = await driver.user("居民")
    await report_from_group(driver, resident, crew.group, DISPUTE)
    card = await next_from(driver, li_na.private, "report/card")
    await press_data(li_na, card, card_action(card, "acc"))
    await driver.expect(resident.private)
    await press_data(li_na, card, card_action(card, "res"))
    await expect_from(driver, li_na.private, "casework/ask_resolve")
    await li_na.says(li_na.private, "已调解")
    resolved = await next_with_question(driver, resident.private)
    await driver.answer(await press_data(resident, resolved, next(
        b["callback_data"] for b in resolved.buttons if b["callback_data"].endswith("|satisfied"))))
    await driver.idle()
    people = [tipster.id, resident.id]
    assert {t for t, _ in await bot.db.read(ids_kept, people)} == {"tips", "satisfaction"}

    # Past the personal-data retention: the reports' details go, and with them who tipped and who answered.
    clock.advance(timedelta(days=settings.retain_personal_days + 1))
    done = await purge(bot.runtime)
    assert done.reports >= 2
    assert await bot.db.read(ids_kept, people) == []


async def next_with_question(driver, chat_id: int):
    """The resident's next message that carries the satisfaction buttons (the resolved notice)."""
    for _ in range(6):
        message = await driver.expect(chat_id)
        if any(b.get("callback_data", "").endswith("|satisfied") for b in message.buttons):
            return message
    raise AssertionError("no satisfaction question came")
