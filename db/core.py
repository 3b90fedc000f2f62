"""The connection: pragmas, migrations, and running a function in one transaction."""

from __future__ import annotations

import hashlib
import sqlite3
from importlib import resources
from typing import Any, Callable, TypeVar

import aiosqlite

from bot.core.errors import GridbotError
from db.updates import claim

T = TypeVar("T")
MIGRATIONS_PACKAGE = "db.migrations"


class MigrationError(GridbotError):
    """The database is newer than this code, or an applied migration was edited."""


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, name, sql) for each numbered migration, in order."""
    out = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def _checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply the migrations not yet recorded in `schema_version`; return their names."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT version, name, checksum FROM schema_version")}
    scripts = migration_scripts()
    known = {version for version, _, _ in scripts}
    if applied and max(applied) > max(known, default=0):
        raise MigrationError(f"database schema version {max(applied)} is newer than this gridbot")
    done = []
    for version, name, sql in scripts:
        if version in applied:
            if applied[version][1] != _checksum(sql):
                raise MigrationError(f"migration {name} was edited after it was applied")
            continue
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO schema_version VALUES "
                f"({version}, '{name}', '{_checksum(sql)}', datetime('now'));\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        done.append(name)
    return done


class Database:
    """One aiosqlite connection; `read` and `write` run a sync function in its thread."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._conn._execute(fn, self._conn._conn, *args)

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(conn, *args)` inside BEGIN IMMEDIATE … COMMIT (rolled back if it raises)."""
        return await self._conn._execute(_in_transaction, self._conn._conn, fn, args)

    async def write_once(self, update_id: int, now: str, fn: Callable[..., T], *args: Any) -> tuple[bool, T | None]:
        """Like `write`, but first claim the Telegram update in the same transaction: (False, None) if it
        was handled before, so that a redelivered update changes nothing."""
        return await self._conn._execute(_in_transaction, self._conn._conn, _claimed, (update_id, now, fn, args))

    async def migrate(self) -> list[str]:
        return await self._conn._execute(apply_migrations, self._conn._conn)

    async def close(self) -> None:
        await self._conn.close()


def _in_transaction(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _claimed(conn: sqlite3.Connection, update_id: int, now: str, fn: Callable[..., T], args: tuple) -> tuple[bool, T | None]:
    if not claim(conn, update_id, now):
        return False, None
    return True, fn(conn, *args)


async def open_database(path: str, migrate: bool = True) -> Database:
    """Open (creating if needed) with WAL, foreign keys and a busy timeout; apply migrations."""
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=10.0)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA foreign_keys=ON")
    await conn.execute("PRAGMA busy_timeout=10000")
    await conn.execute("PRAGMA synchronous=NORMAL")
    db = Database(conn, path)
    if migrate:
        try:
            await db.migrate()
        except BaseException:
            await conn.close()
            raise
    return db
