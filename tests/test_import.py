"""Importing the org chart from spreadsheets, as an admin does with `gridbot import`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app.cli import main
from tests.scenario import RECORDING

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


def imported(out: str):
    """The counts `gridbot import` printed (`cli/import_done` was rendered with them)."""
    [record] = [r for r in RECORDING.inside(out) if r.name == "cli/import_done"]
    return record.context["r"]


def rejected(err: str, locale: str = "zh_CN") -> list[tuple]:
    """The bad rows `gridbot import` listed: (file, line, what is wrong, its values), from `cli/import_rejected`."""
    [record] = [r for r in RECORDING.inside(err) if r.name == "cli/import_rejected"]
    assert record.locale == locale
    return [(e.file, e.line, e.key, dict(e.context)) for e in record.context["errors"]]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_good_import_creates_the_tree_staff_and_invite_links(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas, staff = write(tmp_path, "areas.csv", AREAS), write(tmp_path, "staff.csv", STAFF, bom=True)

    code, out, err = run(capsys, "import", str(areas), str(staff), "--db", db, "--bot-username", "tz_grid_bot")

    assert code == 0, err
    result = imported(out)
    assert (result.areas["created"], result.people["created"], result.roles_added) == (5, 4, 5)
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
    result = imported(out)
    assert result.areas == {"created": 0, "updated": 0, "unchanged": 5}
    assert (result.roles_added, result.roles_removed) == (0, 0)
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
    assert imported(out).roles_removed == 1


BAD_AREAS = [
    ("dup", "TZ,滕州,市,\nTZ,又一个,市,\n", 3, ("duplicate_code", {"code": "TZ", "first": 2})),
    ("unknown parent", "TZ,滕州,市,\nG1,网格,网格,NOPE\n", 3, ("unknown_parent", {"parent": "NOPE"})),
    ("out of order", "TZ,滕州,市,\nG1,网格,网格,TZ\n", 3,
     ("level_out_of_order", {"level": "grid", "parent": "TZ", "parent_level": "city"})),
    ("unknown level", "TZ,滕州,省,\n", 2, ("unknown_level", {"level": "省"})),
    ("city with parent", "TZ,滕州,市,\nTY,另一市,市,TZ\n", 3, ("city_has_parent", {"code": "TY"})),
    ("missing parent", "TZ,滕州,市,\nJH,街道,镇街,\n", 3, ("missing_parent", {"code": "JH"})),
    ("bad code", "T Z,滕州,市,\n", 2, ("bad_code", {"code": "T Z"})),
    ("missing name", "TZ,,市,\n", 2, ("missing_field", {"columns": "name"})),
]


@pytest.mark.parametrize("case,body,line,reason", BAD_AREAS, ids=[c[0] for c in BAD_AREAS])
def test_each_bad_area_row_is_reported_and_nothing_changes(tmp_path, capsys, case, body, line, reason):
    db = str(tmp_path / "g.sqlite3")
    assert run(capsys, "import", str(write(tmp_path, "a.csv", AREAS)), "--db", db)[0] == 0
    before = snapshot(db)

    code, out, err = run(capsys, "import", str(write(tmp_path, "bad.csv", "code,name,level,parent_code\n" + body)),
                         "--db", db)

    assert code == 1
    assert rejected(err) == [("bad.csv", line, *reason)]            # the refusal says nothing was changed
    assert snapshot(db) == before


BAD_STAFF = [
    ("unknown role", "G0101,保安,甲,13800000001,", ("unknown_role", {"role": "保安"})),
    ("unknown area", "G9999,网格员,甲,13800000001,", ("unknown_area", {"code": "G9999"})),
    ("bad phone", "G0101,网格员,甲,1234567,", ("bad_phone", {"phone": "1234567"})),
    ("role at wrong level", "JH01,网格长,甲,13800000001,",
     ("role_level_mismatch", {"role": "grid_leader", "code": "JH01", "level": "community", "expected": "grid"})),
    ("bad telegram id", "G0101,网格员,甲,13800000001,abc", ("bad_telegram_id", {"value": "abc"})),
    ("duplicate row", "G0101,网格长,王强,13806320011,900011", ("duplicate_row", {"first": 2})),
    ("same phone two names", "G0102,网格员,王五,13806320011,", ("phone_name_conflict", {"first": 2})),
    ("telegram id of another", "G0102,网格员,赵六,13800000009,900011", ("telegram_id_conflict", {"first": 2})),
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
    assert rejected(err) == [("staff.csv", 3, *reason)]
    assert snapshot(db) == before


def test_every_bad_row_is_listed_at_once(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    staff = write(tmp_path, "staff.csv", "area_code,role,name,phone,telegram_user_id\n"
                                         "G0101,网格员,甲,123,\nG0101,厨师,乙,13800000002,\nG0101,网格员,丙,13800000003,\n"
                                         "G9,网格员,丁,13800000004,\n")
    code, _, err = run(capsys, "import", str(write(tmp_path, "a.csv", AREAS)), str(staff), "--db", db)

    assert code == 1
    assert [(file, line) for file, line, *_ in rejected(err)] == [("staff.csv", 2), ("staff.csv", 3), ("staff.csv", 5)]
    assert len(err.splitlines()) == 4                                # the count, then one line per bad row
    assert rows(db, "SELECT count(*) FROM areas") == [(0,)]


def test_a_telegram_id_linked_to_someone_else_is_refused(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    areas = write(tmp_path, "a.csv", AREAS)
    assert run(capsys, "import", str(areas), str(write(tmp_path, "s.csv", STAFF)), "--db", db)[0] == 0
    taken = STAFF + "G0102,网格员,赵六,13800000009,900003\n"

    code, _, err = run(capsys, "import", str(areas), str(write(tmp_path, "s.csv", taken)), "--db", db)

    assert code == 1 and rejected(err) == [("s.csv", 7, "telegram_id_conflict", {"first": 6})]


def test_header_and_encoding_problems(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    no_level = write(tmp_path, "a.csv", "code,name,parent_code\nTZ,滕州,\n")
    code, _, err = run(capsys, "import", str(no_level), "--db", db)
    assert code == 1 and rejected(err) == [("a.csv", 1, "missing_columns", {"columns": "level"})]

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    code, _, err = run(capsys, "import", str(binary), "--db", db)
    assert code == 1 and rejected(err) == [("binary.csv", 0, "file_format", {"kind": "binary"})]

    code, _, err = run(capsys, "import", str(tmp_path / "missing.csv"), "--db", db)
    assert code == 1 and rejected(err) == [("missing.csv", 0, "file_not_found", {})]


def test_english_aliases_and_english_messages(tmp_path, capsys):
    db = str(tmp_path / "g.sqlite3")
    config = tmp_path / "gridbot.toml"
    config.write_text('locale = "en"\n')
    areas = write(tmp_path, "a.csv", AREAS.replace("市,", "city,").replace("镇街", "town"))
    staff = write(tmp_path, "s.csv", "area_code,role,name,phone,telegram_user_id\nG0101,grid_leader,W,1380632001,\n")

    code, _, err = run(capsys, "import", str(areas), str(staff), "--db", db, "--config", str(config))

    assert code == 1 and rejected(err, "en") == [("s.csv", 2, "bad_phone", {"phone": "1380632001"})]
