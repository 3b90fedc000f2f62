"""A grid's centre point comes with the import (optional lat, lon columns); a location shared with /report in
private then suggests the nearest grid, to confirm or go back to the lists; far from every grid, the lists stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.org_import import ImportRejected, import_org
from db import places
from tests.scenario import context_of, names_in
from tests.tips_helpers import datas, expect_buttons, press

CENTRES = "code,name,level,parent_code,纬度,经度\nG0101,府前社区第一网格,网格,JH01,35.0800,117.1500\n" \
          "G0102,府前社区第二网格,网格,JH01,35.0900,117.1700\n"


async def test_the_import_takes_centre_points_and_refuses_half_a_point(db, city, clock, tmp_path):
    good = tmp_path / "areas.csv"
    good.write_text(CENTRES, encoding="utf-8")
    await db.write(import_org, good, None, clock.now(), timedelta(days=14))
    assert [(c.code, c.lat, c.lon) for c in await db.read(places.grid_centres)] == [
        ("G0101", 35.08, 117.15), ("G0102", 35.09, 117.17)]

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,level,parent_code,lat,lon\nG0201,龙泉社区第一网格,网格,JH02,35.1,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        await db.write(import_org, bad, None, clock.now(), timedelta(days=14))
    assert [e.key for e in rejected.value.errors] == ["bad_centre"]


async def test_a_shared_location_suggests_the_nearest_grid(bot, driver, clock, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(CENTRES, encoding="utf-8")
    await bot.db.write(import_org, areas, None, clock.now(), timedelta(days=14))
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/report")
    communities = await expect_buttons(driver, resident.private)

    await resident.sends("location", latitude=36.5, longitude=118.0)             # far from every grid
    far = await expect_buttons(driver, resident.private)
    assert "report/invalid/no_grid_near" in names_in(far) and datas(far) == datas(communities)

    await resident.sends("location", latitude=35.0893, longitude=117.1688)
    suggested = await expect_buttons(driver, resident.private)
    assert context_of(suggested, "report/ask_suggested_grid")["suggested"].code == "G0102" and "G0102" in suggested.text
    assert "f|grid|G0102" in datas(suggested) and "f|back|suggested" in datas(suggested)
    await press(resident, suggested, "f|back|suggested")
    again = await expect_buttons(driver, resident.private)
    assert datas(again) == datas(communities)
    await resident.sends("location", latitude=35.0893, longitude=117.1688)
    suggested = await expect_buttons(driver, resident.private)
    await press(resident, suggested, "f|grid|G0102")
    kinds = await expect_buttons(driver, resident.private)
    assert "f|kind|tip" in datas(kinds) and "府前社区第二网格" in kinds.text
    assert context_of(kinds, "report/ask")["grid"].code == "G0102"
