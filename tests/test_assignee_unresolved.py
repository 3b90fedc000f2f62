"""Migration 0031: the index on reports' assignee holds only unresolved reports (a worker's year of resolved ones
was most of it); a worker's tasks and the counts routing reads are what they were, found through it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.app.demo import sample_city
from bot.services.org_import import import_org
from db import listing, plans, reports
from db.core import apply_migrations
from tests.test_ledger_summary import START


def test_the_assignee_index_holds_the_unresolved_only() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.row_factory = sqlite3.Row
    apply_migrations(conn)
    areas, staff = sample_city()
    import_org(conn, areas, staff, START, timedelta(days=14))
    grid = conn.execute("SELECT id FROM areas WHERE level = 'grid' LIMIT 1").fetchone()[0]
    people = [r[0] for r in conn.execute("SELECT id FROM people ORDER BY id LIMIT 2")]
    made = {}
    for n in range(60):
        person = people[n % 2]
        rid = reports.create(conn, number=f"G-{n}", grid_id=grid, kind="dispute", priority="normal", reporter_user=5,
                             on_behalf=False, details={}, now="2026-04-09T01:00:00+00:00",
                             accept_due_at="2026-04-09T02:00:00+00:00", resolve_due_at="2026-04-10T01:00:00+00:00")
        conn.execute("UPDATE reports SET assignee_id = ? WHERE id = ?", (person, rid))
        status = "resolved" if n % 5 else "accepted" if n % 10 else "open"
        if status != "open":
            reports.update(conn, rid, status=status)
        made[rid] = (person, status)

    unresolved = {p: [r for r, (q, s) in made.items() if q == p and s != "resolved"] for p in people}
    assert {p: [r.id for r in reports.open_for_assignee(conn, p)] for p in people} == unresolved
    assert reports.open_counts(conn, people) == {p: len(unresolved[p]) for p in people}
    assert {p: listing.count_open_for_assignee(conn, p) for p in people} == {p: len(unresolved[p]) for p in people}
    entries = conn.execute("SELECT sum(ncell) FROM dbstat WHERE name = 'reports_assignee'").fetchone()[0]
    assert entries == sum(len(v) for v in unresolved.values()) == 12
    hot = {"open": lambda c: reports.open_for_assignee(c, people[0]),
           "counts": lambda c: reports.open_counts(c, people),
           "listing": lambda c: listing.open_for_assignee(c, people[0], offset=0, limit=10)}
    found = plans.statements(conn, hot)
    used = [" ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args)) for _, sql, args in found]
    assert used and all("reports_assignee" in plan for plan in used), used
    assert [p for name, sql, args in found for p in plans.problems(conn, name, sql, args)] == []
