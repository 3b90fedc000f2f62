"""Backups and restore of the SQLite database, safe while the bot runs.

A copy of the file (`cp`) while the bot writes can miss what is still in the `-wal` file, or catch a page
half-written; `VACUUM INTO` reads one consistent snapshot through SQLite (writers go on meanwhile, as WAL
allows) and writes a compact copy, which is then checked before it takes the requested name."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.app.instance_lock import InstanceLock
from bot.core.errors import GridbotError
from db import snapshot
from db.core import migration_scripts

BACKUP_PREFIX = "gridbot-"
BACKUP_SUFFIX = ".sqlite3"


class BackupError(GridbotError):
    """A backup that could not be made or does not check out: key `backup_failed` / `restore_refused`."""


@dataclass(frozen=True)
class Checked:
    path: str
    counts: dict[str, int]          # rows per table
    schema_version: int
    size: int


def _connect(path: str, timeout: float = 30.0) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    return conn


def verify(path: str) -> Checked:
    """`PRAGMA integrity_check`, the schema version and the rows of every table; raises BackupError."""
    if not Path(path).is_file():
        raise BackupError("backup_failed", path=path, reason="not a file")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problems = snapshot.integrity_problems(conn)
        if problems:
            raise BackupError("backup_failed", path=path, reason="; ".join(problems[:3]))
        tables = snapshot.tables(conn)
        if "schema_version" not in tables:
            raise BackupError("backup_failed", path=path, reason="not a gridbot database")
        counts = snapshot.row_counts(conn, tables)
        version = snapshot.schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise BackupError("backup_failed", path=path, reason=str(exc)) from None
    finally:
        conn.close()
    return Checked(path, counts, version, Path(path).stat().st_size)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(database: str, out: str) -> Checked:
    """A consistent copy of `database` at `out` (replaced atomically if it exists), verified."""
    target = Path(out).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if not Path(database).is_file():
        raise BackupError("backup_failed", path=database, reason="no such database")
    conn = _connect(database)
    try:
        snapshot.copy_into(conn, str(partial))
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError("backup_failed", path=database, reason=str(exc)) from None
    finally:
        conn.close()
    try:
        checked = verify(str(partial))
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    _fsync_dir(target.parent)
    return Checked(str(target), checked.counts, checked.schema_version, checked.size)


def restore(source: str, database: str) -> tuple[Checked, str | None]:
    """Replace `database` with the backup `source`, refused while a bot runs on it (`AlreadyRunning`).
    Returns the restored database's check and where the previous contents were kept (None if there were none).

    SQLite's backup API writes the whole copy in one transaction of the target, so a crash half-way leaves the
    old database; a stale `-wal` cannot be replayed over the new contents, as it could after a file swap."""
    checked = verify(source)
    newest = max((v for v, _, _ in migration_scripts()), default=0)
    if checked.schema_version > newest:
        raise BackupError("restore_refused", path=source, reason=f"schema {checked.schema_version} > {newest}")
    with InstanceLock(database):
        previous = _keep_previous(database)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = _connect(database)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError:
            # The target is not a database any more (what restoring is often for): write the copy beside it and
            # swap the files, dropping a -wal that belongs to the old contents.
            partial = Path(database + ".restoring")
            partial.unlink(missing_ok=True)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
            finally:
                dst.close()
            for extra in ("-wal", "-shm"):
                Path(database + extra).unlink(missing_ok=True)
            os.replace(partial, database)
            _fsync_dir(Path(database).absolute().parent)
        finally:
            src.close()
        return verify(database), previous


def _keep_previous(database: str) -> str | None:
    """Copy the database's files aside as they are (no bot runs: the lock is ours), even a damaged one."""
    if not Path(database).is_file():
        return None
    previous = f"{database}.before-restore-{datetime.now():%Y%m%d-%H%M%S}"
    for extra in ("", "-wal"):
        if Path(database + extra).is_file():
            shutil.copy2(database + extra, previous + extra)
    return previous


def backup_name(moment: datetime) -> str:
    return f"{BACKUP_PREFIX}{moment:%Y%m%d-%H%M%S}{BACKUP_SUFFIX}"


def scheduled_backup(database: str, directory: str, keep: int, moment: datetime) -> tuple[Checked, list[str]]:
    """The daily copy: `directory/gridbot-YYYYmmdd-HHMMSS.sqlite3`, then only the newest `keep` are kept.
    Returns the copy's check and the names removed."""
    folder = Path(directory)
    checked = backup(database, str(folder / backup_name(moment)))
    copies = sorted(p for p in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}") if p.is_file())
    removed = copies[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink(missing_ok=True)
    return checked, [p.name for p in removed]


def default_backup_dir(database: str) -> str:
    return str(Path(database).absolute().parent / "backups")
