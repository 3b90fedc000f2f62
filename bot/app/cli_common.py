"""What every `gridbot` subcommand shares: the one-line user error and the way into the database."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any, Callable, TypeVar

from bot.core.config import Settings
from bot.core.errors import GridbotError
from db import Database

T = TypeVar("T")


class UserError(GridbotError):
    """A problem the user can fix: printed as one line, exit status 2."""


async def open_db(settings: Settings, migrate: bool = True) -> Database:
    """The database, migrated; a file that cannot be used is a `UserError` (one line), not a traceback."""
    from db import MigrationError, open_database

    try:
        return await open_database(settings.database, migrate=migrate)
    except (sqlite3.Error, MigrationError, OSError) as exc:
        raise UserError("database_error", path=settings.database, reason=str(exc)) from None


def in_db(settings: Settings, fn: Callable[..., T], *args: Any, write: bool = False) -> T:
    """Open the database, run `fn(conn, *args)` as one read (or, with `write`, one transaction), close it."""
    async def go() -> T:
        db = await open_db(settings)
        try:
            return await (db.write(fn, *args) if write else db.read(fn, *args))
        finally:
            await db.close()

    return asyncio.run(go())
