"""Households: `gridbot import-households` as offices save the list (checked whole first, idempotent), and a
household added from an arrival's address by the worker holding it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openpyxl import Workbook

from bot.app.cli import main
from bot.app.demo import sample_city
from bot.services.households import parse_address
from db import households as households_db
from db import reports as reports_db
from tests.scenario import ARRIVAL, RECORDING, context_of, expect_from, link, press_data, report_from_group, team
from tests.tasks_helpers import context_in, press_matching

HOUSEHOLDS_ZH = """网格编码,楼栋,单元,房号,户主,电话,Telegram ID
G0101,3号楼,2单元,401,赵小满,13912345678,100001
G0101,3,2,402,钱多多,,
G0101,5,,101室,孙大圣,139 1234 5679,
G0102,1,1,101,周小周,13912345600,
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def city_db(tmp_path: Path, capsys) -> str:
    db = str(tmp_path / "g.sqlite3")
    areas, staff = sample_city()
    assert run(capsys, "import", str(areas), str(staff), "--db", db)[0] == 0
    return db


def counts(out: str) -> dict[str, int]:
    """What `gridbot import-households` printed it did: created, updated, unchanged."""
    return dict(context_in(out, "cli/households_done")["counts"])


def rows(db: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT a.code, building, unit, room, head_name, phone, telegram_user_id FROM households h"
                            " JOIN areas a ON a.id = h.grid_id ORDER BY h.id").fetchall()


def test_a_gbk_list_with_chinese_headers_imports_once(tmp_path, capsys):
    db = city_db(tmp_path, capsys)
    sheet = tmp_path / "住户.csv"
    sheet.write_bytes(HOUSEHOLDS_ZH.encode("gbk"))

    code, out, err = run(capsys, "import-households", str(sheet), "--db", db)
    assert code == 0, err
    assert counts(out).get("created") == 4
    assert rows(db) == [("G0101", "3", "2", "401", "赵小满", "13912345678", 100001),
                        ("G0101", "3", "2", "402", "钱多多", "", None),
                        ("G0101", "5", "", "101", "孙大圣", "13912345679", None),
                        ("G0102", "1", "1", "101", "周小周", "13912345600", None)]

    # The same list again changes nothing; a changed head of household updates that row only.
    code, out, _ = run(capsys, "import-households", str(sheet), "--db", db)
    assert code == 0 and counts(out) == {"created": 0, "updated": 0, "unchanged": 4}
    sheet.write_bytes(HOUSEHOLDS_ZH.replace("钱多多", "钱少少").encode("gbk"))
    code, out, _ = run(capsys, "import-households", str(sheet), "--db", db)
    assert code == 0 and counts(out) == {"created": 0, "updated": 1, "unchanged": 3}
    assert len(rows(db)) == 4 and rows(db)[1][4] == "钱少少"


def test_an_xlsx_in_english_imports(tmp_path, capsys):
    db = city_db(tmp_path, capsys)
    book = Workbook()
    for row in (["grid_code", "building", "unit", "room", "head_name", "phone", "telegram_user_id"],
                ["g0201", 7, 1, 301, "Wu", 13912340000, 100002]):
        book.active.append(row)
    book.save(tmp_path / "households.xlsx")

    code, _, err = run(capsys, "import-households", str(tmp_path / "households.xlsx"), "--db", db)
    assert code == 0, err
    assert rows(db) == [("G0201", "7", "1", "301", "Wu", "13912340000", 100002)]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported(tmp_path, capsys):
    db = city_db(tmp_path, capsys)
    sheet = tmp_path / "households.csv"
    sheet.write_text("grid_code,building,unit,room,head_name,phone,telegram_user_id\n"
                     "G0101,3,2,401,赵小满,13912345678,\n"
                     "G9999,3,2,401,无此网格,,\n"
                     "JH01,3,2,401,社区不是网格,,\n"
                     "G0101,3,2,403,电话错,12345,\n"
                     "G0101,3号楼,2,401,重复,,\n"
                     "G0101,,2,405,,,\n"
                     "G0101,3,2,406,坏ID,,abc\n", encoding="utf-8")

    code, _, err = run(capsys, "import-households", str(sheet), "--db", db)

    assert code == 1
    lines = sorted((r.context for r in RECORDING.inside(err) if r.name == "cli/import_error_line"),
                   key=lambda c: c["line"])
    assert [(c["file"], c["line"]) for c in lines] == [("households.csv", n) for n in (3, 4, 5, 6, 7, 8)]
    reasons = [str(c["reason"]) for c in lines]
    assert "G9999" in reasons[0] and "JH01" in reasons[1] and "12345" in reasons[2]
    assert context_in(reasons[3], "cli/import_reason/duplicate_row")["first"] == 2
    assert rows(db) == []


def test_addresses_are_read_as_people_write_them():
    assert parse_address("府前小区3号楼2单元401") == {"building": "3", "unit": "2", "room": "401"}
    assert parse_address("龙泉小区 12栋 1单元 1201室") == {"building": "12", "unit": "1", "room": "1201"}
    assert parse_address("府前小区３号楼４０２") == {"building": "3", "unit": "", "room": "402"}
    assert parse_address("3-2-401") == {"building": "3", "unit": "2", "room": "401"}
    assert parse_address("滕州市荆河路88号") == {}


async def test_the_worker_adds_the_household_an_arrival_gave(bot, driver, clock):
    crew = await team(bot, driver, clock)
    li_na = crew.workers[0]
    resident = await driver.user("居民")
    number = await report_from_group(driver, resident, crew.group, ARRIVAL)
    card = await driver.expect(li_na.private)
    report = await bot.db.read(reports_db.by_number, number)

    # Nobody else may start it: a worker of another grid, the resident, a forged id.
    other = await link(bot, driver, clock, "黄磊")
    for intruder, data in ((other, f"ha|{report.id}"), (resident, f"ha|{report.id}"), (li_na, "ha|999999"),
                           (li_na, "ha|x"), (li_na, f"ha|{report.id}|extra")):
        answer = await driver.answer(await intruder.press_data(li_na.private, card.message_id, data, forge=True))
        assert answer.data["show_alert"], data
    assert await driver.nothing_new(other.private) and await driver.nothing_new(resident.private)

    await press_data(li_na, card, f"ha|{report.id}")
    confirm = await expect_from(driver, li_na.private, "tasks/household/confirm")
    shown = context_of(confirm, "tasks/household/confirm")
    assert (shown["building"], shown["unit"], shown["room"]) == ("3", "2", "401") and "赵小满" in confirm.text
    await press_matching(li_na, confirm, r"hh\|submit")
    added = await expect_from(driver, li_na.private, "tasks/household/created")
    assert context_of(added, "tasks/household/created")["address"] == "3-2-401"

    [household] = await bot.db.read(households_db.in_grid, report.grid_id)
    assert (household.building, household.unit, household.room, household.head_name, household.phone,
            household.telegram_user_id, household.source) == ("3", "2", "401", ARRIVAL["name"], ARRIVAL["phone"],
                                                              resident.id, "arrival")
    assert "household_added" in [e.action for e in await bot.db.read(reports_db.events, report.id)]
