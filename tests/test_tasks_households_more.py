"""Households, the cases the first tests leave out: a list saved as UTF-8 with a BOM (Excel's "CSV UTF-8") with
Chinese headers; an arrival whose address gives no building or room, which the worker is asked for."""

from __future__ import annotations

from db import households as households_db
from db import reports as reports_db
from tests.scenario import ARRIVAL, context_of, expect_from, report_from_group, team
from tests.tasks_helpers import press_matching
from tests.test_tasks_households import HOUSEHOLDS_ZH, city_db, counts, rows, run
from tests.test_tasks_monitoring import next_matching


def test_a_utf8_list_with_a_bom_and_chinese_headers_imports(tmp_path, capsys):
    db = city_db(tmp_path, capsys)
    sheet = tmp_path / "住户.csv"
    sheet.write_bytes(HOUSEHOLDS_ZH.encode("utf-8-sig"))
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")

    code, out, err = run(capsys, "import-households", str(sheet), "--db", db)
    assert code == 0, err
    assert counts(out).get("created") == 4
    assert rows(db)[0] == ("G0101", "3", "2", "401", "赵小满", "13912345678", 100001)


async def test_an_address_without_building_or_room_is_asked_for(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, {**ARRIVAL, "address": "滕州市荆河路88号院内平房"})
    card = await next_matching(driver, li_na.private, number)
    await press_matching(li_na, card, r"ha\|\d+")
    await driver.expect(li_na.private)                          # which building?
    for answer in ("8号楼", "无", "101室"):
        await li_na.says(li_na.private, answer)
        screen = await driver.expect(li_na.private)
    await press_matching(li_na, screen, r"hh\|submit")
    added = await expect_from(driver, li_na.private, "tasks/household/created")
    assert context_of(added, "tasks/household/created")["address"] == "8-101"
    report = await bot.db.read(reports_db.by_number, number)
    [household] = await bot.db.read(households_db.in_grid, report.grid_id)
    assert (household.building, household.unit, household.room, household.source, household.report_id) == (
        "8", "", "101", "arrival", report.id)
