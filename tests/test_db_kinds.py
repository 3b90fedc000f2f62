"""The Literal types of db.kinds say exactly what the schema's CHECK constraints allow."""

from __future__ import annotations

import re
import sqlite3

from db.core import apply_migrations
from db.kinds import CHECKED

CHECK_IN = re.compile(r"CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)")


def schema_checks() -> dict[tuple[str, str], tuple[object, ...]]:
    conn = sqlite3.connect(":memory:")
    apply_migrations(conn)
    found = {}
    for table, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column, values in CHECK_IN.findall(sql):
            found[(table, column)] = tuple(v.strip().strip("'") for v in values.split(","))
    return found


def test_every_check_has_its_literal_and_they_agree() -> None:
    checks = schema_checks()
    assert len(checks) >= 10
    assert checks == CHECKED
