"""Every query that runs per update, per tick and per send finds its rows through an index: none reads a
table that grows with use from end to end (issue 10: one LIKE and one missing index cost 0.9 s and 89 ms
at a year of data)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import open_database, plans
from db.core import migration_scripts

# The queries the brief names, at least; db.plans lists more.
REQUIRED = {
    "updates.claim", "conversations.get", "conversations.put", "areas.by_code", "people.by_telegram_id",
    "people.staff_at", "outbox.pending", "outbox.mark_sent", "outbox.mark_failed", "timers.due", "timers.claim",
    "timers.pending_for", "timers.cancel", "reports.get", "reports.open_counts", "reports.open_for_assignee",
    "reports.of_reporter", "broadcasts.deliveries", "broadcasts.sending_runs", "broadcasts.due",
}


async def test_every_hot_query_uses_an_index(tmp_path: Path) -> None:
    db = await open_database(str(tmp_path / "g.sqlite3"))
    assert REQUIRED <= set(plans.PER_UPDATE) | set(plans.PER_TICK) | set(plans.PER_SEND)
    assert await db.read(plans.check) == []
    ran = {name for name, _, _ in await db.read(plans.statements)}
    assert ran == set(plans.HOT)                               # each one really ran a statement to judge
    left = await db.read(lambda c: (c.in_transaction, c.execute("SELECT count(*) FROM outbox").fetchone()[0],
                                    c.execute("SELECT count(*) FROM reports").fetchone()[0]))
    assert left == (False, 0, 0)                               # and nothing it wrote was kept
    await db.close()


def test_the_check_finds_what_a_year_of_data_punished() -> None:
    """On the schema before 0004, the check names the scans and the state-only searches issue 10 measured."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for version, _, sql in migration_scripts():
        if version < 4:
            conn.executescript(sql)
    found = plans.check(conn)
    flagged = {problem.split(":", 1)[0] for problem in found}
    assert {"timers.cancel", "timers.pending_for", "broadcasts.sending_runs", "outbox.clear_bodies"} <= flagged
    assert any("narrowed only by state" in problem for problem in found)
    old_deliveries = "SELECT id, chat_id, status, error, ref FROM outbox WHERE ref LIKE ? ORDER BY id"
    assert plans.problems(conn, "old", old_deliveries, ("run:1:%",)) == [
        "old: SCAN outbox in: " + old_deliveries]


def test_aliases_are_followed_to_their_tables() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE telegram_users (user_id INTEGER PRIMARY KEY, language TEXT)")
    sql = "SELECT t.user_id FROM telegram_users t WHERE t.language = ?"
    assert plans.problems(conn, "q", sql, ("en",)) == [f"q: SCAN t in: {sql}"]


def test_a_run_counts_only_its_own_deliveries(tmp_path: Path) -> None:
    """The range that replaced LIKE: run 1 is not run 12, 1x or 10."""
    from db import outbox
    from db.broadcasts import deliveries
    from db.core import apply_migrations

    conn = sqlite3.connect(str(tmp_path / "g.sqlite3"), isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    for ref in ("run:1:5", "run:1:60", "run:12:5", "run:10:1", "run:1", "run:2:1", "RUN:1:7"):
        outbox.add_failed(conn, "2026-01-01 00:00:00", chat_id=-1, purpose="broadcast", error="removed", ref=ref)
    assert [row["ref"] for row in deliveries(conn, 1)] == ["run:1:5", "run:1:60"]
    assert [row["ref"] for row in deliveries(conn, 12)] == ["run:12:5"]
