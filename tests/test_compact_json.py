"""A report's answers, what erasing keeps of them, and the audit log's details are stored as JSON without the spaces
between items (a year: a million of each), and read back as they were given."""

from __future__ import annotations

import sqlite3

from bot.services.retention import keep_answer, keep_event_detail
from db import audit, reports, retention
from db.core import apply_migrations

DETAILS = {"name": "赵敏", "phone": "13905940561", "address": "龙泉花园5号楼 2单元", "travel": "plane",
           "health": "normal", "companions": ["妻子", "儿子"], "days": 3}


def test_answers_and_audit_details_are_stored_without_spaces() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    conn.execute("INSERT INTO areas (id, code, name, level, created_at, updated_at) VALUES (1, 'G1', '一网格', 'grid',"
                 " 't', 't')")
    rid = reports.create(conn, number="G1-1", grid_id=1, kind="arrival", priority="normal", reporter_user=5,
                         on_behalf=False, details=DETAILS, now="2026-04-09T01:00:00+00:00",
                         accept_due_at="2026-04-09T02:00:00+00:00", resolve_due_at="2026-04-10T01:00:00+00:00")
    stored = conn.execute("SELECT details FROM reports WHERE id = ?", (rid,)).fetchone()[0]
    assert stored == ('{"name":"赵敏","phone":"13905940561","address":"龙泉花园5号楼 2单元","travel":"plane",'
                      '"health":"normal","companions":["妻子","儿子"],"days":3}')
    report = reports.get(conn, rid)
    assert report is not None and report.details == DETAILS

    reports.update(conn, rid, status="resolved", resolved_at="2026-04-09T03:00:00+00:00")
    retention.erase_reports(conn, [rid], "2026-12-01T00:00:00+00:00", keep_answer, keep_event_detail)
    assert conn.execute("SELECT details FROM reports WHERE id = ?", (rid,)).fetchone()[0] == \
        '{"travel":"plane","health":"normal"}'

    audit.record(conn, "2026-04-09T01:00:00+00:00", None, "report_disclosed", f"report:{rid}", why="assign",
                 to_person=17)
    assert conn.execute("SELECT detail FROM audit_log").fetchone()[0] == '{"to_person":17,"why":"assign"}'
    assert [e["detail"] for e in audit.entries(conn, action="report_disclosed")] == [{"to_person": 17,
                                                                                      "why": "assign"}]
