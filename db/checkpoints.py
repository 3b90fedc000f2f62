"""WAL checkpoints in a thread and connection of their own, off the path of every transaction.

SQLite's automatic checkpoint runs inside the COMMIT that crosses `wal_autocheckpoint` pages: that one commit
copies the WAL into the database file and fsyncs both, 15-25 ms here (seconds when the disk is busy), while
every other call waits behind it in the database thread (`bench/scale.py`: the accept button's p99, a stalled
sender). Here a PASSIVE checkpoint runs every `interval` seconds beside the bot's connection: it waits for no
reader or writer and none waits for it. The bot's connection keeps an automatic checkpoint far above what
one interval writes (`BACKSTOP_PAGES`), so the WAL stays bounded even if this thread fell behind."""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)
INTERVAL = 0.5
BACKSTOP_PAGES = 20_000                 # 80 MB of 4 KB pages; SQLite's default is 1,000


class Checkpointer:
    """`start()` after the database is open in WAL mode, `stop()` before closing it; `checkpoints` counts the
    rounds that moved pages into the database file."""

    def __init__(self, path: str, interval: float = INTERVAL) -> None:
        self.path, self.interval = path, interval
        self.checkpoints = 0
        self._last: tuple[int, int] = (0, 0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            # A daemon like the database thread: a database left open by mistake must not keep the process alive.
            self._thread = threading.Thread(target=self._serve, name="gridbot-checkpoint", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _serve(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=0.0, check_same_thread=False)
        except sqlite3.Error as exc:
            log.warning("no background checkpoints for %s: %s", self.path, exc)
            return
        try:
            while not self._stop.wait(self.interval):
                self.checkpoint(conn)
        finally:
            conn.close()

    def checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            busy, wal_pages, moved = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:            # locked by a backup or a TRUNCATE checkpoint: the next round
            log.debug("checkpoint skipped: %s", exc)
            return
        if moved > 0 and (wal_pages, moved) != self._last:
            self.checkpoints += 1
        self._last = (wal_pages, moved)
        if busy:
            log.debug("checkpoint busy (%s of %s pages moved)", moved, wal_pages)
