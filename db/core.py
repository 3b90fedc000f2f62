"""The connection: its own thread, pragmas, migrations, and running a function in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from functools import partial
from importlib import resources
from typing import Any, Callable, TypeVar

from bot.core.errors import GridbotError
from db.checkpoints import BACKSTOP_PAGES, Checkpointer
from db.thread import DatabaseThread, ThreadOnly, in_the_loop, post
from db.updates import claim

T = TypeVar("T")
MIGRATIONS_PACKAGE = "db.migrations"
FOREIGN_KEYS_OFF = "-- gridbot: foreign_keys off"
BUSY_WAIT = 10.0                # seconds a call in the database thread waits for another connection's lock
Listener = Callable[[], None]


class MigrationError(GridbotError):
    """The database is newer than this code, or an applied migration was edited."""


class NotFound(GridbotError):
    """A row the caller was sure of is missing (`load()`); `get()` returns None instead."""


def inserted(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (sqlite3 types it optional: None only before any insert)."""
    if cursor.lastrowid is None:
        raise RuntimeError("no row was inserted")
    return cursor.lastrowid


def rewrite_whole(conn: sqlite3.Connection, table: str, columns: list[str], rows: list[tuple[Any, ...]],
                  key: tuple[str, ...] = ("id",)) -> None:
    """Write `rows` (every column of `table`, its `key` among them) again whole under their keys, in the order given.

    Why: a row shrunk where it stands (a body cleared, personal data erased) leaves its page as full as the rest
    of it, and SQLite merges a page only once it is under a third full, so pages of shrunk rows stay half empty
    for as long as the rows are kept. Runs of neighbouring rows deleted and inserted in key order fill pages."""
    at = [columns.index(name) for name in key]
    conn.executemany(f"DELETE FROM {table} WHERE {' AND '.join(f'{name} = ?' for name in key)}",
                     [tuple(row[i] for i in at) for row in rows])
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)


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
    if not conn.in_transaction and conn.execute("SELECT count(*) FROM sqlite_master").fetchall()[0][0] == 0:
        # A new database frees what the purge deletes (db.retention.reclaim). The setting only takes on an empty
        # file, and only through VACUUM once its header is written (journal_mode=WAL writes it): instant here.
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("VACUUM")
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
        # A migration that rebuilds a table others refer to says so on its first line: foreign keys cannot be
        # switched off inside a transaction, so the runner does it around it and checks them before COMMIT.
        keys_off = sql.startswith(FOREIGN_KEYS_OFF)
        if keys_off:
            conn.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO schema_version VALUES "
                f"({version}, '{name}', '{_checksum(sql)}', datetime('now'));"
            )
            if keys_off and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise MigrationError(f"migration {name} leaves rows that break a foreign key")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            if keys_off:
                conn.execute("PRAGMA foreign_keys=ON")
        done.append(name)
    return done


class _Connection:
    """The sqlite3 connection, touched only in the database thread, and what the running call queued."""

    def __init__(self, path: str) -> None:
        # Used from the database thread and from the event loop (`Database.write_once`), never both at once
        # (`Database._turn`), hence check_same_thread off.
        self.sql = sqlite3.connect(path, isolation_level=None, timeout=BUSY_WAIT, check_same_thread=False)
        self.queued = 0
        try:
            self.sql.row_factory = sqlite3.Row
            self.wal = self.pragma("journal_mode=WAL")[0][0] == "wal"
            self.sql.execute("PRAGMA foreign_keys=ON")
            self.sql.execute("PRAGMA synchronous=NORMAL")
            self.sql.create_function("gridbot_outbox_queued", 0, self._count_queued)
            self.watch_outbox()
            self.sql.execute("PRAGMA busy_timeout=0")
        except BaseException:
            self.sql.close()
            raise

    def _count_queued(self) -> None:
        self.queued += 1

    def watch_outbox(self) -> None:
        """Count pending outbox rows as they are inserted, whoever inserts them. A TEMP trigger lives with this
        connection only, so the schema (and its checksums) stays the migrations' alone."""
        if self.sql.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").fetchone():
            # Replies (priority -1) are not counted: the runtime hands them to the sender as it commits them
            # (bot.services.replies), and reading them back would put a database call in every reply's way.
            self.sql.execute("CREATE TEMP TRIGGER IF NOT EXISTS outbox_queued AFTER INSERT ON main.outbox"
                             " WHEN NEW.status = 'pending' AND NEW.priority >= 0"
                             " BEGIN SELECT gridbot_outbox_queued(); END")

    def migrate(self) -> list[str]:
        names = apply_migrations(self.sql)
        self.watch_outbox()
        return names

    def transaction(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        self.sql.execute("BEGIN IMMEDIATE")
        try:
            result = fn(self.sql, *args)
            self.sql.execute("COMMIT")
        except BaseException:
            # Also when COMMIT itself fails (disk full): a transaction left open would refuse every later BEGIN.
            if self.sql.in_transaction:
                self.sql.execute("ROLLBACK")
            self.queued = 0                     # rolled back: nothing was queued after all
            raise
        return result

    def claimed(self, update_id: int, now: str, fn: Callable[..., T], args: tuple[Any, ...]) -> tuple[bool, T | None]:
        def once(conn: sqlite3.Connection) -> tuple[bool, T | None]:
            if not claim(conn, update_id, now):
                return False, None
            return True, fn(conn, *args)
        return self.transaction(once, ())

    def pragma(self, setting: str) -> list[Any]:
        """Run `PRAGMA setting` to its end: a pragma's answer left unread keeps a statement in progress, and
        VACUUM (a new database's first migration) refuses to run beside one."""
        return self.sql.execute(f"PRAGMA {setting}").fetchall()

    def patiently(self, call: Callable[[], T], wait: float) -> T:
        """`call`, waiting up to `wait` seconds for a lock another connection holds (a command-line run, a
        backup). Only in the database thread: the event loop must never sleep in SQLite's busy handler."""
        self.sql.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
        try:
            return call()
        finally:
            self.sql.execute("PRAGMA busy_timeout=0")

    def take_queued(self) -> int:
        queued, self.queued = self.queued, 0
        return queued


class Database:
    """One connection; `read` and `write` run a sync function in the database thread in one hop, `read_now`
    and `write_now` (and `write_once(..., small=True)`) in the event loop at once. One call at a time, wherever
    it runs.

    Why two places: an update's transaction is a few small statements (tens of µs each in SQLite), and handing
    it to a thread costs more than running it: the hop there and back, and above all the two threads taking the
    GIL from each other on every statement (`bench/intake.py`: about 15% of the bot's CPU per update). A call
    that may take long (a list or a ledger view over a year of reports, a purge, an export, a broadcast's two
    thousand rows) goes to the thread, so the event loop keeps sending meanwhile. A call in the loop never waits
    for another process's lock: SQLite answers busy at once and the call is run again in the thread, which waits.

    `on_outbox(listener)`: `listener()` is called (in the event loop) after each call that committed new
    pending outbox rows, e.g. to wake the sender."""

    def __init__(self, worker: DatabaseThread, conn: _Connection, path: str) -> None:
        self._worker, self._conn, self.path = worker, conn, path
        self.checkpointer: Checkpointer | None = None
        self._listeners: list[Listener] = []
        self._loop = asyncio.get_running_loop()
        self._turn = asyncio.Lock()
        self.busy_wait = BUSY_WAIT

    def on_outbox(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def off_outbox(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def _run(self, call: Callable[[], T]) -> T:
        await self._turn.acquire()
        patient = partial(self._conn.patiently, call, self.busy_wait)
        done = self._worker.submit(partial(self._call, patient, partial(post, self._loop, self._notify)))
        # The turn ends when the thread is done, not when the caller stops waiting: a caller cancelled meanwhile
        # (a handler cut short at stop) must not let a call in the loop use the connection beside the thread's.
        done.add_done_callback(self._end_turn)
        return await asyncio.shield(done)

    def _end_turn(self, done: asyncio.Future[Any]) -> None:
        self._turn.release()
        if not done.cancelled():
            done.exception()                   # retrieved: a caller that gave up has no one to raise it to

    async def _here(self, call: Callable[[], T]) -> T:
        async with self._turn:
            try:
                return in_the_loop(partial(self._call, call, self._notify))
            except ThreadOnly:
                pass
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY:   # from SQLite, not by hand
                    raise
        # Much to do, or another connection holds the lock (a command run beside the bot): the transaction rolled
        # back whole, so running it again in the thread (which waits for the lock) does it once.
        return await self._run(call)

    def _call(self, call: Callable[[], T], notify: Listener) -> T:
        """The call, then `notify` if it queued messages: from here rather than by the awaiting task, so a
        cancelled caller does not swallow the wake-up, and before the caller goes on."""
        try:
            return call()
        finally:
            if self._conn.take_queued() and self._listeners:
                notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._run(partial(fn, self._conn.sql, *args))

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(conn, *args)` inside BEGIN IMMEDIATE … COMMIT (rolled back if it raises)."""
        return await self._run(partial(self._conn.transaction, fn, args))

    async def read_now(self, fn: Callable[..., T], *args: Any) -> T:
        """Like `read`, in the event loop: only for a call that reads a few rows by an index."""
        return await self._here(partial(fn, self._conn.sql, *args))

    async def write_now(self, fn: Callable[..., T], *args: Any) -> T:
        """Like `write`, in the event loop: only for a transaction of a few statements by an index."""
        return await self._here(partial(self._conn.transaction, fn, args))

    async def write_once(self, update_id: int, now: str, fn: Callable[..., T], *args: Any,
                         small: bool = False) -> tuple[bool, T | None]:
        """Like `write` (`write_now` if `small`), but first claim the Telegram update in the same transaction:
        (False, None) if it was handled before, so that a redelivered update changes nothing."""
        claimed = partial(self._conn.claimed, update_id, now, fn, args)
        return await (self._here(claimed) if small else self._run(claimed))

    async def migrate(self) -> list[str]:
        return await self._run(self._conn.migrate)

    async def checkpoint_aside(self) -> None:
        """Checkpoints from now on in their own thread, not in whichever commit fills the WAL (db.checkpoints):
        for the running bot (bot.app.wiring.start_bot), not for a command that opens the database for a moment."""
        if self._conn.wal and self.checkpointer is None:
            await self._run(partial(self._conn.pragma, f"wal_autocheckpoint={BACKSTOP_PAGES}"))
            self.checkpointer = Checkpointer(self.path)
            self.checkpointer.start()

    async def close(self) -> None:
        if self.checkpointer is not None:
            await asyncio.to_thread(self.checkpointer.stop)     # a checkpoint under way ends first
            self.checkpointer = None
        try:
            async with self._turn:
                await self._worker.run(self._conn.sql.close)
        finally:
            self._worker.stop()


async def open_database(path: str, migrate: bool = True) -> Database:
    """Open (creating if needed) with WAL, foreign keys and a busy timeout; apply migrations. On any failure
    the connection and its thread are gone before the error is raised."""
    worker = DatabaseThread()
    try:
        conn = await worker.run(partial(_Connection, path))
    except BaseException:
        worker.stop()
        raise
    db = Database(worker, conn, path)
    if migrate:
        try:
            await db.migrate()
        except BaseException:
            await db.close()
            raise
    return db
