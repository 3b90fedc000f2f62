"""gridbot export, stats, assessment and commend: the ledger from the command line, audited like Telegram."""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest

from bot.app.cli import main
from bot.app.demo import sample_city
from bot.core.config import Settings
from bot.services import casework
from bot.services.org_import import import_org
from db import audit
from db import broadcasts as broadcasts_db
from db.core import apply_migrations
from messages import DEFAULT_LOCALE
from messages.catalog import translations
from tests.scenario import RECORDING, names_in
from tests.test_ledger_tasks import form


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for var in ("GRIDBOT_CONFIG", "GRIDBOT_TOKEN", "GRIDBOT_BASE_URL", "GRIDBOT_DATABASE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def city_db(tmp_path) -> str:
    """The sample city with three reports made today, one of them accepted."""
    path = str(tmp_path / "g.sqlite3")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    now = datetime.now(timezone.utc) - timedelta(minutes=30)
    areas, staff = sample_city()
    settings = Settings(database=path)
    conn.execute("BEGIN")
    import_org(conn, areas, staff, now, timedelta(days=14))
    made = [casework.submit(conn, settings, 700000 + n, form(grid, n), now) for n, grid in
            enumerate(("G0101", "G0101", "G0201"))]
    casework.accept(conn, settings, made[0].id, 900011, now + timedelta(minutes=5))
    conn.execute("COMMIT")
    conn.close()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def printed_with(printed: str, name: str) -> dict:
    """The values template `name` was rendered with, for the text the command printed."""
    [record] = [r for r in RECORDING.inside(printed) if r.name == name]
    return dict(record.context)


def entries(path: str, action: str) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return audit.entries(conn, None, action)
    finally:
        conn.close()


def test_export_writes_the_ledger_and_audits_it(city_db, tmp_path, capsys):
    out = tmp_path / "jh.xlsx"
    code, printed, _ = run(capsys, "export", "--db", city_db, "--area", "jh", "--out", str(out))
    assert code == 0 and "3" in printed
    book = openpyxl.load_workbook(out)
    rows = [ws.max_row for ws in book.worksheets]
    assert rows[:2] == [1, 4] and set(rows[2:]) <= {1}                # no arrivals; three disputes; later kinds empty
    csv_out = tmp_path / "g0101.csv"
    code, _, _ = run(capsys, "export", "--db", city_db, "--area", "G0101", "--status", "accepted", "--out",
                     str(csv_out), "--masked")
    assert code == 0 and csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(csv_out.read_text(encoding="utf-8-sig").splitlines()) == 2
    logged = [(e["actor_user"], e["subject"], e["detail"]["rows"], e["detail"]["masked"], e["detail"]["status"],
               e["detail"]["channel"]) for e in entries(city_db, "ledger_export")]
    assert logged == [(None, "area:JH", 3, False, None, "command_line"),
                      (None, "area:G0101", 1, True, "accepted", "command_line")]


def test_stats_prints_the_figures_of_an_area(city_db, capsys):
    code, printed, _ = run(capsys, "stats", "--db", city_db, "--area", "JH")
    assert code == 0
    fig = printed_with(printed, "cli/stats")["fig"]
    assert (fig.area.code, [c.area.code for c in fig.children]) == ("JH", ["JH01", "JH02"])
    assert all(word in printed for word in ("荆河街道", "JH", "府前社区", "JH01", "龙泉社区", "JH02"))
    assert (fig.total.created, fig.total.open, fig.total.accepted, fig.total.resolved) == (3, 2, 1, 0)
    # The total row, named by its msgid: its figures printed in the columns new, waiting, in hand, resolved.
    named = translations(DEFAULT_LOCALE).gettext("Total")
    total = next(line for line in printed.splitlines() if line.startswith(named))
    assert total.split()[1:5] == ["3", "2", "1", "0"]

    code, _, err = run(capsys, "stats", "--db", city_db, "--area", "NOPE")
    assert code == 2 and "NOPE" in err
    code, _, err = run(capsys, "stats", "--db", city_db, "--area", "JH", "--from", "2026-13-01")
    assert code == 2 and "2026-13-01" in err


def test_assessment_and_commend_go_through_a_broadcast(city_db, capsys):
    month = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m")
    code, printed, _ = run(capsys, "assessment", "--db", city_db, "--area", "JH", "--month", month)
    assert code == 0 and "cli/assessment" in names_in(printed) and "assessment_formula" in printed
    assert any("王强" in line and "府前社区第一网格" in line for line in printed.splitlines())   # a name, with its grid

    code, printed, _ = run(capsys, "commend", "--db", city_db, "--area", "JH", "--month", month, "--top", "1")
    assert code == 0 and "王强" in printed and "--send" in printed
    at = (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=1)).strftime("%Y-%m-%d 09:00")
    code, printed, _ = run(capsys, "commend", "--db", city_db, "--area", "JH", "--month", month, "--top", "1",
                           "--send", "--at", at)
    assert code == 0
    conn = sqlite3.connect(city_db)
    conn.row_factory = sqlite3.Row
    [notice] = broadcasts_db.listed(conn)
    conn.close()
    assert notice.template == "commendation" and "王强" in notice.body and notice.schedule == "at"
    code, _, err = run(capsys, "commend", "--db", city_db, "--area", "JH", "--month", "2020-01")
    assert code == 1 and err
