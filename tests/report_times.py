"""Writing reports' times straight into the table, as the schema of the moment keeps them."""

from __future__ import annotations

import sqlite3


def stamp_sql(conn: sqlite3.Connection) -> str:
    """The SQL taking a stamp parameter into a time column of reports: Unix seconds since 0026_report_times.sql,
    the stamp itself before it."""
    kind = conn.execute("SELECT type FROM pragma_table_info('reports') WHERE name = 'created_at'").fetchone()[0]
    return "unixepoch(?)" if kind == "INTEGER" else "?"
