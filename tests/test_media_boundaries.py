"""A grid's boundary polygon comes with the import (`gridbot import … --boundaries grids.geojson`); a location
shared with /report in private is placed in the grid whose polygon holds it, even where another grid's centre
point is nearer, and falls back to the nearest grid (its boundary, or its centre) outside every polygon. A bad
boundaries file is refused whole, each bad feature listed."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from functools import partial

import pytest

from bot.app.cli import main
from bot.services import geo
from bot.services.areas import grid_at
from bot.services.org_import import ImportRejected, import_org
from tests.scenario import RECORDING, context_of
from tests.tips_helpers import datas, expect_buttons, press

# G0101's centre lies west of the line lon 117.152 that parts the two grids; G0102's centre far to the east.
CENTRES = "code,name,level,parent_code,lat,lon\nG0101,府前社区第一网格,网格,JH01,35.0800,117.1500\n" \
          "G0102,府前社区第二网格,网格,JH01,35.0900,117.1700\n"
WEST = [[117.140, 35.075], [117.152, 35.075], [117.152, 35.085], [117.140, 35.085], [117.140, 35.075]]
EAST = [[117.152, 35.075], [117.175, 35.075], [117.175, 35.095], [117.152, 35.095], [117.152, 35.075]]
HOLE = [[117.160, 35.085], [117.165, 35.085], [117.165, 35.090], [117.160, 35.090]]
# A grid with a boundary and no centre point, some way south of the others.
SOUTH = [[117.140, 35.050], [117.160, 35.050], [117.160, 35.060], [117.140, 35.060]]
NEAR_WEST_CENTRE_IN_EAST = (35.0805, 117.1530)          # 0.27 km from G0101's centre, inside G0102's polygon


def feature(code: str, *rings: list[list[float]], key: str = "code") -> dict:
    return {"type": "Feature", "properties": {key: code}, "geometry": {"type": "Polygon", "coordinates": list(rings)}}


def collection(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)


def test_a_point_in_a_polygon_beats_a_nearer_centre_and_outside_every_polygon_the_nearest_grid_wins():
    west = geo.GridPlace("G0101", (35.08, 117.15), ((tuple((p[1], p[0]) for p in WEST),),))
    east = geo.GridPlace("G0102", (35.09, 117.17), ((tuple((p[1], p[0]) for p in EAST),
                                                     tuple((p[1], p[0]) for p in HOLE)),))
    bare = geo.GridPlace("G0201", (35.20, 117.30))
    grids = [west, east, bare]
    assert geo.match(NEAR_WEST_CENTRE_IN_EAST, grids, 5) == geo.Match("G0102", 0.0, True)
    assert geo.match((35.0800, 117.1450), grids, 5) == geo.Match("G0101", 0.0, True)
    in_hole = geo.match((35.0870, 117.1620), grids, 5)          # in G0102's hole: not inside, its edge is nearest
    assert in_hole is not None and in_hole.code == "G0102" and not in_hole.inside and 0 < in_hole.km < 0.3
    beside = geo.match((35.0800, 117.1800), grids, 5)           # east of G0102: ~0.46 km from its edge
    assert beside is not None and beside.code == "G0102" and 0.4 < beside.km < 0.5 and not beside.inside
    assert geo.match((35.2010, 117.3000), grids, 5) == geo.Match("G0201", pytest.approx(0.11, abs=0.01), False)
    assert geo.match((36.5, 118.0), grids, 5) is None


async def test_the_import_keeps_boundaries_and_a_place_finds_its_grid(db, city, clock, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(CENTRES, encoding="utf-8")
    shapes = tmp_path / "grids.geojson"
    shapes.write_text(collection(feature("G0101", WEST), feature("g0102", EAST, HOLE, key="网格编码"),
                                 feature("G0201", SOUTH)), encoding="utf-8")
    result = await db.write(partial(import_org, boundaries_path=shapes), areas, None, clock.now(), timedelta(days=14))
    assert result.boundaries == 3

    async def at(lat: float, lon: float) -> geo.Match | None:
        return await db.read(grid_at, (lat, lon), 5.0)

    assert await at(*NEAR_WEST_CENTRE_IN_EAST) == geo.Match("G0102", 0.0, True)
    assert await at(35.0550, 117.1500) == geo.Match("G0201", 0.0, True)        # a grid with a boundary only
    south = await at(35.0450, 117.1500)                                        # 0.56 km south of G0201
    assert south is not None and south.code == "G0201" and not south.inside

    again = tmp_path / "again.geojson"                                         # a second import replaces it
    again.write_text(collection(feature("G0102", SOUTH)), encoding="utf-8")
    await db.write(partial(import_org, boundaries_path=again), areas, None, clock.now(), timedelta(days=14))
    assert await at(35.0550, 117.1500) == geo.Match("G0102", 0.0, True)        # overlapping: the first by code
    moved = await at(*NEAR_WEST_CENTRE_IN_EAST)                                # G0102's old polygon is gone
    assert moved is not None and moved.code == "G0101" and not moved.inside


async def test_a_bad_boundaries_file_is_refused_whole(db, city, clock, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(CENTRES, encoding="utf-8")
    bad = tmp_path / "bad.geojson"
    line = {"type": "Feature", "properties": {"code": "G0202"},
            "geometry": {"type": "LineString", "coordinates": WEST}}
    bad.write_text(collection(feature("G0101", WEST), feature("NOWHERE", WEST), feature("JH01", WEST),
                              feature("G0101", EAST), feature("G0201", [[117.1, 35.0], [117.2, 35.0]]), line,
                              {"type": "Feature", "properties": {}, "geometry": None}), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        await db.write(partial(import_org, boundaries_path=bad), areas, None, clock.now(), timedelta(days=14))
    assert [(e.key, e.context.get("feature")) for e in rejected.value.errors] == [
        ("boundary_unknown_grid", 2), ("boundary_not_grid", 3), ("boundary_duplicate", 4),
        ("boundary_bad_shape", 5), ("boundary_bad_shape", 6), ("boundary_no_code", 7)]
    assert await db.read(grid_at, (35.0800, 117.1450), 5.0) is None             # nothing was kept

    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        await db.write(partial(import_org, boundaries_path=bad), areas, None, clock.now(), timedelta(days=14))
    assert [e.key for e in rejected.value.errors] == ["boundary_file"]


async def test_gridbot_import_takes_a_boundaries_file(settings, db, city, tmp_path, capsys):
    areas = tmp_path / "areas.csv"
    areas.write_text(CENTRES, encoding="utf-8")
    shapes = tmp_path / "grids.geojson"
    shapes.write_text(collection(feature("G0101", WEST), feature("G0102", EAST)), encoding="utf-8")
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "en"\nbot_username = "gridbot_test_bot"\n')
    common = ["--config", str(config), "--db", settings.database]

    code = await asyncio.to_thread(main, ["import", str(areas), "--boundaries", str(shapes), *common])
    out = capsys.readouterr()
    assert code == 0, out.err
    [told] = [r for r in RECORDING.inside(out.out) if r.name == "cli/import_boundaries"]
    assert told.context["count"] == 2 and told.locale == "en"                 # "2 grids have their polygons"
    assert (await db.read(grid_at, NEAR_WEST_CENTRE_IN_EAST, 5.0)).code == "G0102"

    shapes.write_text(collection(feature("JH01", WEST)), encoding="utf-8")
    code = await asyncio.to_thread(main, ["import", str(areas), "--boundaries", str(shapes), *common])
    assert code == 1 and "grids.geojson" in capsys.readouterr().err


async def test_a_place_shared_in_report_picks_the_grid_whose_boundary_holds_it(bot, driver, clock, tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text(CENTRES, encoding="utf-8")
    shapes = tmp_path / "grids.geojson"
    shapes.write_text(collection(feature("G0101", WEST), feature("G0102", EAST)), encoding="utf-8")
    await bot.db.write(partial(import_org, boundaries_path=shapes), areas, None, clock.now(),
                       timedelta(days=14))
    resident = await driver.user("居民")
    await resident.start()
    await driver.expect(resident.private)
    await resident.says(resident.private, "/report")
    communities = await expect_buttons(driver, resident.private)

    await resident.sends("location", latitude=NEAR_WEST_CENTRE_IN_EAST[0], longitude=NEAR_WEST_CENTRE_IN_EAST[1])
    suggested = await expect_buttons(driver, resident.private)
    assert "f|grid|G0102" in datas(suggested) and "f|grid|G0101" not in datas(suggested)
    assert context_of(suggested, "report/ask_suggested_grid")["inside"] is True
    await press(resident, suggested, "f|back|suggested")
    assert datas(await expect_buttons(driver, resident.private)) == datas(communities)

    await resident.sends("location", latitude=35.0800, longitude=117.1800)    # outside both, beside G0102
    near = await expect_buttons(driver, resident.private)
    assert "f|grid|G0102" in datas(near) and context_of(near, "report/ask_suggested_grid")["inside"] is False
    await press(resident, near, "f|grid|G0102")
    kinds = await expect_buttons(driver, resident.private)
    assert "f|kind|tip" in datas(kinds)
