"""The same address given as a shared place: a tip whose location lies within a few metres of an open tip's in the
same grid is linked to it, as a typed address would be; a place farther off opens a tip of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from db import open_database, plans
from db import tips as tips_db
from tests.scenario import names_in, team
from tests.tips_helpers import TIP, expect_buttons, perform, start_from_group, submit

AT = (35.08120, 117.15340)


async def tip_at(driver, person, group: int, lat: float, lon: float):
    first = await start_from_group(driver, person, group)
    where = await perform(driver, person, first, TIP[:2])
    await person.sends("location", latitude=lat, longitude=lon)        # answers "where"
    when = await expect_buttons(driver, person.private)
    assert when.text != where.text
    return await submit(driver, person, await perform(driver, person, when, TIP[3:]))


async def tips_count(bot) -> int:
    return await bot.db.read(lambda c: c.execute("SELECT count(*) FROM reports WHERE kind = 'tip'").fetchone()[0])


async def test_places_shared_a_few_metres_apart_are_one_address(bot, driver, clock):
    crew = await team(bot, driver, clock)
    first, second, third = [await driver.user(n) for n in ("居民甲", "居民乙", "居民丙")]
    await tip_at(driver, first, crew.group, *AT)
    card = await expect_buttons(driver, crew.workers[0].private)
    rid = int(card.buttons[0]["callback_data"].split("|")[1])

    linked = await tip_at(driver, second, crew.group, AT[0] + 0.0001, AT[1] + 0.0001)   # ~14 m off
    assert "tips/linked_receipt" in names_in(linked)
    assert await tips_count(bot) == 1
    assert [t.user_id for t in await bot.db.read(tips_db.linked_to, rid)] == [second.id]

    await tip_at(driver, third, crew.group, AT[0] + 0.002, AT[1])                       # ~220 m off
    assert await tips_count(bot) == 2


async def test_the_open_tips_with_a_place_are_found_through_an_index(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plans, "GROWING", plans.GROWING | {"tips"})
    db = await open_database(str(tmp_path / "g.sqlite3"))
    hot = {"tips.open_with_place": lambda c: tips_db.open_with_place(c, 1)}
    found = await db.read(lambda conn: [p for name, sql, args in plans.statements(conn, hot)
                                        for p in plans.problems(conn, name, sql, args)])
    await db.close()
    assert found == []
