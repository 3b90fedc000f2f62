"""The export's times are local whatever the zone (one with summer time too: each time at its own offset), its
on-time flags as of the export, a CSV cell that would start a formula is written as text, columns are sized, and
an identity-card number is masked for staff other than leaders and admins."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import openpyxl
import pytest

from bot.app.demo import sample_city
from bot.core.config import Settings
from bot.services import casework
from bot.services.ledger import export
from bot.services.ledger.columns import HEAD, TAIL, Column
from bot.services.ledger.labels import header
from bot.services.ledger.layout import Layout
from bot.services.org_import import import_org
from db import areas as areas_db
from db.core import apply_migrations
from db.ledger import ExportRows, Filters
from messages import LOCALES
from messages.catalog import lookup, translate, translations
from tests.test_ledger_export import column, shown
from tests.test_ledger_tasks import form

WINTER = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)
SUMMER = datetime(2026, 7, 15, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def berlin(tmp_path) -> tuple[sqlite3.Connection, Settings]:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    settings = Settings(database=str(tmp_path / "g.sqlite3"), timezone="Europe/Berlin")
    areas, staff = sample_city()
    import_org(conn, areas, staff, WINTER - timedelta(days=1), timedelta(days=14))
    for n, moment in enumerate((WINTER, SUMMER)):
        answers = form("G0101", n)
        answers["answers"]["parties"] = "=HYPERLINK(1)" if n else "甲与乙"
        report = casework.submit(conn, settings, 700000 + n, answers, moment)
        if n == 0:
            casework.accept(conn, settings, report.id, 900011, moment + timedelta(minutes=5))
    yield conn, settings
    conn.close()


def test_times_are_local_at_each_ones_offset_and_formulas_stay_text(berlin, tmp_path):
    conn, settings = berlin
    g0101 = areas_db.by_code(conn, "G0101")
    assert g0101 is not None
    now = SUMMER + timedelta(days=30)
    book_path, csv_path = tmp_path / "l.xlsx", tmp_path / "l.csv"
    export.write(conn, settings, export.Request(g0101, Filters(kind="dispute")), book_path, now)
    export.write(conn, settings, export.Request(g0101, Filters(), "csv"), csv_path, now)

    sheet = openpyxl.load_workbook(book_path).worksheets[0]
    head = [c.value for c in sheet[1]]
    winter, summer = (dict(zip(head, [c.value for c in row])) for row in sheet.iter_rows(min_row=2))
    created, accepted, on_time = column("created_at"), column("accepted_at"), column("accept_on_time")
    assert winter[created] == datetime(2026, 1, 15, 10, 30)                     # UTC+1 in January
    assert summer[created] == datetime(2026, 7, 15, 11, 30)                     # UTC+2 in July
    assert winter[accepted] == datetime(2026, 1, 15, 10, 35)
    assert (winter[on_time], summer[on_time]) == (shown("flag", True), shown("flag", False))  # summer's: overdue
    assert sheet.column_dimensions["A"].width > 10 and sheet.freeze_panes == "A2"

    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r[created] for r in rows] == ["2026-01-15 10:30", "2026-07-15 11:30"]
    assert rows[1][column("parties")] == "'=HYPERLINK(1)"


def test_files_sent_with_a_report_show_as_how_many_under_a_header_of_their_own(berlin):
    _, settings = berlin
    columns = [*HEAD[:1], Column("media", "text", "answer")]
    source = ExportRows(["number", "grid_id", "assignee_id", "created_text", "accepted_text", "resolved_text"],
                        iter(()), {}, {})
    layout = Layout(columns, source, settings, locale="zh_CN", personal=False, strings=None)
    files = [{"kind": "photo", "file_id": "AgAD1"}, {"kind": "voice", "file_id": "AwAD2"}]
    assert layout.csv_row(["G0101-1", 1, None, "", "", ""], {"media": files}) == ["G0101-1", "2"]
    for locale in LOCALES:                          # the label of the form's field, not the key, in either language
        label = translate(translations(locale), lookup("field", "media"), False, {})
        assert header("media", locale) == label != "media"
    assert header("media", "zh_CN") != header("media", "en")


def test_an_identity_number_is_masked_for_staff(berlin):
    _, settings = berlin
    columns = [*HEAD[:1], Column("id_number", "id_number", "answer"), *TAIL[:1]]
    names = ["number", "grid_id", "assignee_id", "created_text", "accepted_text", "resolved_text"]
    source = ExportRows(names, iter(()), {}, {7: "李娜"})
    row = ["G0101-1", 1, 7, "", "", ""]
    answers = {"id_number": "110101199003071234"}
    for personal, shown in ((True, "110101199003071234"), (False, "110***********1234")):
        layout = Layout(columns, source, replace(settings, timezone="Asia/Shanghai"), locale="zh_CN",
                        personal=personal, strings=None)
        assert layout.csv_row(row, answers) == ["G0101-1", shown, "李娜"]
