"""Numbered migrations: applied once, recorded, never edited after the fact."""

from __future__ import annotations

import sqlite3

import pytest

from db import MigrationError, open_database
from db.core import migration_scripts


async def test_migrations_are_recorded_and_pragmas_set(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    db = await open_database(path)
    assert await db.read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
    assert await db.read(lambda c: c.execute("PRAGMA foreign_keys").fetchone()[0]) == 1
    assert await db.read(lambda c: c.execute("PRAGMA busy_timeout").fetchone()[0]) == 10000
    await db.close()
    db = await open_database(path)
    versions = await db.read(lambda c: [r[0] for r in c.execute("SELECT version FROM schema_version")])
    await db.close()
    assert versions == [v for v, _, _ in migration_scripts()]


async def test_an_edited_migration_is_refused(tmp_path):
    path = str(tmp_path / "g.sqlite3")
    await (await open_database(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1")
    with pytest.raises(MigrationError, match="edited"):
        await open_database(path)


async def test_a_failed_write_changes_nothing(tmp_path):
    db = await open_database(str(tmp_path / "g.sqlite3"))

    def half_then_fail(conn):
        conn.execute("INSERT INTO audit_log (at, action) VALUES ('now', 'x')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await db.write(half_then_fail)
    assert await db.read(lambda c: c.execute("SELECT count(*) FROM audit_log").fetchone()[0]) == 0
    await db.close()
