"""`gridbot import` with spreadsheets as offices save them: GBK CSV, .xlsx, Chinese headers, full-width text,
and files that are not tables at all."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.app.cli import main
from bot.services.org_import import normalize_phone
from tests.test_import import rejected

AREAS_ZH = """编码,名称,层级,上级编码
TZ,滕州市,市,
JH,荆河街道,镇街,TZ
JH01,府前社区,村社区,JH
G0101,第一网格,网格,JH01
"""
STAFF_ZH = """区域编码,职务,姓名,电话,Telegram ID
G0101,网格长,王强,13806320011,900011
G0101,网格员,李娜,１３８０６３２００１２,
JH01,社区管理员,孙丽,13806320003,900003
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(db: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def xlsx(path: Path, table: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in table:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_chinese_excel_imports_with_chinese_headers(tmp_path, capsys, encoding):
    db = str(tmp_path / "g.sqlite3")
    areas, staff = tmp_path / "区域.csv", tmp_path / "人员.csv"
    areas.write_bytes(AREAS_ZH.encode(encoding))
    staff.write_bytes(STAFF_ZH.replace("\n", "\r\n").encode(encoding))

    code, out, err = run(capsys, "import", str(areas), str(staff), "--db", db)

    assert code == 0, err
    assert rows(db, "SELECT code, name FROM areas ORDER BY id")[-1] == ("G0101", "第一网格")
    assert rows(db, "SELECT name, phone, telegram_user_id FROM people ORDER BY name") == [
        ("孙丽", "13806320003", 900003), ("李娜", "13806320012", None), ("王强", "13806320011", 900011)]


def test_an_xlsx_workbook_imports_directly_numbers_and_all(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = xlsx(tmp_path / "areas.xlsx", [["编码", "名称", "层级", "上级编码"], ["TZ", "滕州市", "市", None],
                                           ["JH", "荆河街道", "镇街", "TZ"], [None, None, None, None],
                                           ["JH01", "府前社区", "村社区", "JH"], ["g0101", "第一网格", "网格", "jh01"]])
    staff = xlsx(tmp_path / "staff.xlsx", [["区域编码", "职务", "姓名", "电话", "Telegram ID"],
                                           ["G0101", "网格长", "王强", 13806320011, 900011],
                                           ["G0101", "网格员", "李娜", 13806320012.0, None]])

    code, out, err = run(capsys, "import", str(areas), str(staff), "--db", db)

    assert code == 0, err
    assert rows(db, "SELECT code FROM areas ORDER BY id") == [("TZ",), ("JH",), ("JH01",), ("G0101",)]
    assert rows(db, "SELECT phone, telegram_user_id FROM people ORDER BY id") == [
        ("13806320011", 900011), ("13806320012", None)]


def test_a_bad_row_in_an_xlsx_names_its_sheet_row(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = xlsx(tmp_path / "areas.xlsx", [["code", "name", "level", "parent_code"], ["TZ", "滕州市", "市", None],
                                           ["JH", "荆河街道", "省", "TZ"]])
    code, _, err = run(capsys, "import", str(areas), "--db", db)
    assert code == 1 and rejected(err) == [("areas.xlsx", 3, "unknown_level", {"level": "省"})]


def test_an_xlsx_named_csv_is_read_as_the_workbook_it_is(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = xlsx(tmp_path / "areas.xlsx", [["code", "name", "level", "parent_code"], ["TZ", "滕州市", "市", None]])
    disguised = areas.rename(tmp_path / "areas.csv")
    code, out, err = run(capsys, "import", str(disguised), "--db", db)
    assert code == 0, err
    assert rows(db, "SELECT code FROM areas") == [("TZ",)]


@pytest.mark.parametrize("content, reason", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ("file_format", {"kind": "xls"})),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", ("file_format", {"kind": "pdf"})),
    (None, ("file_format", {"kind": "docx"})),
    (b"PK\x03\x04 not really a zip", ("file_unreadable", {"reason": "broken zip"})),
])
def test_a_file_that_is_another_format_gets_a_reason_that_says_so(tmp_path, capsys, content, reason):
    db = str(tmp_path / "g.sqlite3")
    path = tmp_path / "areas.csv"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
    else:
        path.write_bytes(content)

    code, _, err = run(capsys, "import", str(path), "--db", db)

    assert code == 1 and rejected(err) == [("areas.csv", 0, *reason)], err
    assert "UTF-8" not in err and " 0 " not in err and "areas.csv" in err       # the whole file: no line number


def test_full_width_digits_in_phones_are_normalised():
    assert normalize_phone("１３８０６３２００１１") == "13806320011"
    assert normalize_phone("＋８６ １３８-０６３２-００１１") == "13806320011"


def test_full_width_and_lower_case_codes_import_as_the_same_code(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = tmp_path / "a.csv"
    areas.write_text("code,name,level,parent_code\nTZ,滕州市,市,\nＪＨ,荆河街道,镇街,tz\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(areas), "--db", db)
    assert code == 0, err
    assert rows(db, "SELECT a.code, p.code FROM areas a JOIN areas p ON p.id = a.parent_id") == [("JH", "TZ")]
