"""What a backup needs of a database file: a consistent copy, and the checks that it is whole."""

from __future__ import annotations

import sqlite3


def copy_into(conn: sqlite3.Connection, path: str) -> None:
    """One consistent snapshot of the database written to `path` (writers go on meanwhile, as WAL allows)."""
    conn.execute("VACUUM INTO ?", (path,))


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` finds; empty when the file is whole."""
    problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    return [] if problems == ["ok"] else problems


def tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def row_counts(conn: sqlite3.Connection, names: list[str]) -> dict[str, int]:
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in names}


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0])
