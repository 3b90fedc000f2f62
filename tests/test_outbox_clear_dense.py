"""Clearing old messages' bodies leaves their rows packed: the pages they held are given back, not left half
empty for the months the rows are kept; each row keeps its id and every other column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db import outbox
from db.core import apply_migrations
from db.retention import reclaim

OLD, NEW, CUT = "2026-01-01T08:00:00+00:00", "2026-03-01T08:00:00+00:00", "2026-02-01T00:00:00+00:00"


def test_cleared_rows_fill_their_pages(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "g.sqlite3", isolation_level=None)
    apply_migrations(conn)
    conn.execute("BEGIN")
    for n in range(6000):
        at = OLD if n < 5000 else NEW
        oid = outbox.add(conn, at, chat_id=9_000_000_000 + n, text="通知" * 40, purpose="reporter", report_id=None,
                         ref=f"run:1:{n}")
        outbox.mark_sent(conn, [(oid, n + 1, None)], at)
    conn.execute("COMMIT")
    before = conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    while True:
        conn.execute("BEGIN")
        done = outbox.clear_bodies(conn, CUT, 1000)
        conn.execute("COMMIT")
        if done < 1000:
            break
    conn.execute("BEGIN")
    while reclaim(conn):
        pass
    conn.execute("COMMIT")
    after = conn.execute("SELECT * FROM outbox ORDER BY id").fetchall()
    columns = [c[1] for c in conn.execute("PRAGMA table_info(outbox)")]
    body = {columns.index("text"), columns.index("reply_markup")}
    assert [tuple(v for i, v in enumerate(r) if i not in body) for r in after] == \
        [tuple(v for i, v in enumerate(r) if i not in body) for r in before]
    assert sum(r[columns.index("text")] == "" for r in after) == 5000
    # Rows of about 250 bytes became about 130: shrunk in place, their pages would stay over a third full and
    # nothing would be given back.
    assert conn.execute("PRAGMA page_count").fetchone()[0] < pages * 0.7
