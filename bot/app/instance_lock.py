"""One bot per database: an exclusive `flock` on `<database>.lock`, held for the life of the process.

The kernel drops the lock when the process dies however it dies, so a crash never leaves a stale lock
behind; the file keeps the holder's pid only to name it in the refusal."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from bot.core.errors import GridbotError


class AlreadyRunning(GridbotError):
    """Another process holds the database's lock: key `instance_running`, context `path`, `pid`."""


def lock_path(database: str) -> Path:
    return Path(database + ".lock")


class InstanceLock:
    """`acquire()` or raise `AlreadyRunning`; `release()` (or leave the `with` block) to let go."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> "InstanceLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning("instance_running", path=self.database, pid=holder(self.database) or "?") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)          # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def holder(database: str) -> int | None:
    """The pid written by the live process holding the lock, or None. Informational only (it does not touch
    the lock, so that asking never makes a starting bot fail): `acquire` is the real test."""
    try:
        text = lock_path(database).read_text().strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    if not text.isdigit():
        return None
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return None
    except PermissionError:             # alive, another user's
        pass
    return int(text)
