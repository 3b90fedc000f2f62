"""Importing the org chart from spreadsheets, as an admin does with `gridbot import`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app.cli import main

AREAS = """code,name,level,parent_code
TZ,滕州市,市,
JH,荆河街道,镇街,TZ
JH01,府前社区,村社区,JH
G0101,第一网格,网格,JH01
G0102,第二网格,grid,JH01
"""
STAFF = """area_code,role,name,phone,telegram_user_id
G0101,网格长,王强,13806320011,900011
G0101,grid_worker,李娜,138-0632-0012,
G0101,楼长,陈静,+8613806320015,
G0102,网格员,李娜,13806320012,
JH01,社区管理员,孙丽,13806320003,900003
"""


def write(tmp_path: Path, name: str, text: str, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def rows(db_path: str, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def snapshot(db_path: str) -> list:
    return [rows(db_path, f"SELECT * FROM {t} ORDER BY 1") for t in ("areas", "people", "roles", "invites")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_good_import_creates_the_tree_staff_and_invite_links(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas, staff = write(tmp_path, "areas.csv", AREAS), write(tmp_path, "staff.csv", STAFF, bom=True)

    code, out, err = run(capsys, "import", str(areas), str(staff), "--db", db, "--bot-username", "tz_grid_bot")

    assert code == 0, err
    assert "区域 新增 5" in out and "人员 新增 4" in out and "职务 新增 5" in out
    assert rows(db, "SELECT a.code, p.code FROM areas a LEFT JOIN areas p ON p.id = a.parent_id ORDER BY a.id") == [
        ("TZ", None), ("JH", "TZ"), ("JH01", "JH"), ("G0101", "JH01"), ("G0102", "JH01")]
    assert rows(db, "SELECT name, phone FROM people WHERE name = '李娜'") == [("李娜", "13806320012")]
    assert sorted(rows(db, "SELECT r.role, a.code FROM roles r JOIN areas a ON a.id = r.area_id "
                           "JOIN people p ON p.id = r.person_id WHERE p.name = '李娜'")) == [
        ("grid_worker", "G0101"), ("grid_worker", "G0102")]
    links = [line for line in out.splitlines() if "https://t.me/tz_grid_bot?start=inv_" in line]
    assert sorted(line.split("\t")[0] for line in links) == ["李娜", "陈静"]

    code, out, _ = run(capsys, "invites", "--db", db, "--bot-username", "tz_grid_bot")
    assert code == 0 and sorted(l.split("\t")[0] for l in out.splitlines() if "start=inv_" in l) == ["李娜", "陈静"]


def test_reimporting_the_same_files_changes_nothing(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas, staff = write(tmp_path, "areas.csv", AREAS), write(tmp_path, "staff.csv", STAFF)
    assert run(capsys, "import", str(areas), str(staff), "--db", db)[0] == 0
    before = snapshot(db)

    code, out, _ = run(capsys, "import", str(areas), str(staff), "--db", db)

    assert code == 0
    assert "区域 新增 0、更新 0、未变 5" in out and "职务 新增 0、移除 0" in out
    assert snapshot(db) == before


def test_an_edited_file_updates_in_place(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    assert run(capsys, "import", str(write(tmp_path, "a.csv", AREAS)), str(write(tmp_path, "s.csv", STAFF)),
               "--db", db)[0] == 0
    ids = rows(db, "SELECT id, code FROM areas ORDER BY id")
    edited_areas = AREAS.replace("第一网格,网格", "府前第一网格,网格")
    edited_staff = STAFF.replace("王强", "王刚").replace("G0101,楼长,陈静,+8613806320015,\n", "")

    code, out, _ = run(capsys, "import", str(write(tmp_path, "a.csv", edited_areas)),
                       str(write(tmp_path, "s.csv", edited_staff)), "--db", db)

    assert code == 0
    assert rows(db, "SELECT id, code FROM areas ORDER BY id") == ids
    assert rows(db, "SELECT name FROM areas WHERE code = 'G0101'") == [("府前第一网格",)]
    assert rows(db, "SELECT name FROM people WHERE phone = '13806320011'") == [("王刚",)]
    assert rows(db, "SELECT count(*) FROM people") == [(4,)]
    assert rows(db, "SELECT count(*) FROM roles r JOIN people p ON p.id = r.person_id WHERE p.name = '陈静'") == [(0,)]
    assert "移除 1" in out


BAD_AREAS = [
    ("dup", "TZ,滕州,市,\nTZ,又一个,市,\n", 3, "编码 TZ 重复（第 2 行已有）"),
    ("unknown parent", "TZ,滕州,市,\nG1,网格,网格,NOPE\n", 3, "上级编码 NOPE 不存在"),
    ("out of order", "TZ,滕州,市,\nG1,网格,网格,TZ\n", 3, "层级顺序错误"),
    ("unknown level", "TZ,滕州,省,\n", 2, "未知的层级 省"),
    ("city with parent", "TZ,滕州,市,\nTY,另一市,市,TZ\n", 3, "市级区域 TY 不能有上级"),
    ("missing parent", "TZ,滕州,市,\nJH,街道,镇街,\n", 3, "区域 JH 缺少上级编码"),
    ("bad code", "T Z,滕州,市,\n", 2, "编码 T Z 无效"),
    ("missing name", "TZ,,市,\n", 2, "缺少必填项：name"),
]


@pytest.mark.parametrize("case,body,line,reason", BAD_AREAS, ids=[c[0] for c in BAD_AREAS])
def test_each_bad_area_row_is_reported_and_nothing_changes(tmp_path, capsys, case, body, line, reason):
    db = str(tmp_path / "g.sqlite3")
    assert run(capsys, "import", str(write(tmp_path, "a.csv", AREAS)), "--db", db)[0] == 0
    before = snapshot(db)

    code, out, err = run(capsys, "import", str(write(tmp_path, "bad.csv", "code,name,level,parent_code\n" + body)),
                         "--db", db)

    assert code == 1
    assert f"bad.csv 第 {line} 行：{reason}" in err
    assert "未做任何更改" in err
    assert snapshot(db) == before


BAD_STAFF = [
    ("unknown role", "G0101,保安,甲,13800000001,", "未知的职务 保安"),
    ("unknown area", "G9999,网格员,甲,13800000001,", "区域编码 G9999 不存在"),
    ("bad phone", "G0101,网格员,甲,1234567,", "手机号 1234567 无效"),
    ("role at wrong level", "JH01,网格长,甲,13800000001,", "职务「网格长」应设在网格级"),
    ("bad telegram id", "G0101,网格员,甲,13800000001,abc", "telegram_user_id abc 无效"),
    ("duplicate row", "G0101,网格长,王强,13806320011,900011", "与第 2 行重复"),
    ("same phone two names", "G0102,网格员,王五,13806320011,", "同一手机号在第 2 行对应另一个姓名"),
    ("telegram id of another", "G0102,网格员,赵六,13800000009,900011", "与第 2 行的手机号/telegram_user_id 不一致"),
]


@pytest.mark.parametrize("case,row,reason", BAD_STAFF, ids=[c[0] for c in BAD_STAFF])
def test_each_bad_staff_row_is_reported_and_nothing_changes(tmp_path, capsys, case, row, reason):
    db = str(tmp_path / "g.sqlite3")
    areas = write(tmp_path, "a.csv", AREAS)
    assert run(capsys, "import", str(areas), "--db", db)[0] == 0
    before = snapshot(db)
    staff = write(tmp_path, "staff.csv", "area_code,role,name,phone,telegram_user_id\n"
                                         "G0101,网格长,王强,13806320011,900011\n" + row + "\n")

    code, out, err = run(capsys, "import", str(areas), str(staff), "--db", db)

    assert code == 1
    assert f"staff.csv 第 3 行：{reason}" in err
    assert snapshot(db) == before


def test_every_bad_row_is_listed_at_once(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    staff = write(tmp_path, "staff.csv", "area_code,role,name,phone,telegram_user_id\n"
                                         "G0101,网格员,甲,123,\nG0101,厨师,乙,13800000002,\nG0101,网格员,丙,13800000003,\n"
                                         "G9,网格员,丁,13800000004,\n")
    code, _, err = run(capsys, "import", str(write(tmp_path, "a.csv", AREAS)), str(staff), "--db", db)

    assert code == 1
    assert "发现 3 处错误" in err
    assert [l.split("：")[0] for l in err.splitlines()[1:]] == ["staff.csv 第 2 行", "staff.csv 第 3 行", "staff.csv 第 5 行"]
    assert rows(db, "SELECT count(*) FROM areas") == [(0,)]


def test_a_telegram_id_linked_to_someone_else_is_refused(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = write(tmp_path, "a.csv", AREAS)
    assert run(capsys, "import", str(areas), str(write(tmp_path, "s.csv", STAFF)), "--db", db)[0] == 0
    taken = STAFF + "G0102,网格员,赵六,13800000009,900003\n"

    code, _, err = run(capsys, "import", str(areas), str(write(tmp_path, "s.csv", taken)), "--db", db)

    assert code == 1 and "与第 6 行的手机号/telegram_user_id 不一致" in err


def test_header_and_encoding_problems(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    no_level = write(tmp_path, "a.csv", "code,name,parent_code\nTZ,滕州,\n")
    code, _, err = run(capsys, "import", str(no_level), "--db", db)
    assert code == 1 and "a.csv 第 1 行：表头缺少列：level" in err

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    code, _, err = run(capsys, "import", str(binary), "--db", db)
    assert code == 1 and "二进制" in err

    code, _, err = run(capsys, "import", str(tmp_path / "missing.csv"), "--db", db)
    assert code == 1 and "找不到文件" in err


def test_english_aliases_and_english_messages(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "en"\n')
    areas = write(tmp_path, "a.csv", AREAS.replace("市,", "city,").replace("镇街", "town"))
    staff = write(tmp_path, "s.csv", "area_code,role,name,phone,telegram_user_id\nG0101,grid_leader,W,1380632001,\n")

    code, _, err = run(capsys, "import", str(areas), str(staff), "--db", db, "--config", str(config))

    assert code == 1 and "s.csv line 2: bad phone number 1380632001" in err
