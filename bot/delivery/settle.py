"""Writing down what the outbox sender settled: each message as soon as it is delivered or refused.

Results are written by one task as they come: while one write runs, the next results gather and go in the
following write (a group commit), so a crash repeats at most the messages in flight and the few delivered
during that one write. A write that fails (the database locked by another process, say) keeps its results
and is tried again; the messages stay out of the sender's queue meanwhile, so none is sent twice or lost."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from typing import Awaitable, Callable

from bot.delivery.limiter import backoff
from bot.delivery.tasks import cancel_and_wait
from db import Database
from db import outbox as outbox_db
from db.outbox import Outgoing

log = logging.getLogger(__name__)
STOP_TRIES = 3

FailureHook = Callable[[Outgoing, str], Awaitable[None]]


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    flood_waits: int = 0
    reply_flood_waits: int = 0
    pin_failures: int = 0
    write_failures: int = 0


Delivered = tuple[int, int, str | None]      # outbox id, Telegram message id, a note (a failed pin) or None


class Settler:
    """The sender's results on their way to the database; `unwritten` are the ids not yet recorded."""

    def __init__(self, db: Database, clock_stamp: Callable[[], str], stats: SenderStats,
                 on_failed: FailureHook | None) -> None:
        self.db, self.now_stamp, self.stats = db, clock_stamp, stats
        self.on_failed = on_failed
        self.unwritten: set[int] = set()
        self._delivered: list[Delivered] = []
        self._refused: list[tuple[Outgoing, str]] = []
        self._hooks: list[tuple[Outgoing, str]] = []       # refusals written, their consequence not yet
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def sent(self, outbox_id: int, message_id: int, note: str | None) -> None:
        self.stats.sent += 1
        self.unwritten.add(outbox_id)
        self._delivered.append((outbox_id, message_id, note))
        self._ready.set()

    def failed(self, message: Outgoing, reason: str) -> None:
        self.stats.failed += 1
        log.warning("message %s to chat %s refused: %s", message.id, message.chat_id, reason)
        self.unwritten.add(message.id)
        self._refused.append((message, reason))
        self._ready.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-settler")

    async def stop(self) -> None:
        """Stop writing in the background, then try the last results a few times."""
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        for attempt in range(STOP_TRIES):
            if await self.write():
                return
            await asyncio.sleep(backoff(attempt, 2.0))
        log.warning("%d delivered messages not recorded at stop: they will be sent again", len(self.unwritten))

    async def _run(self) -> None:
        failures = 0
        while True:
            await self._ready.wait()
            self._ready.clear()
            if await self.write():
                failures = 0
            else:
                failures += 1
                self._ready.set()
                await asyncio.sleep(backoff(failures, 5.0))

    async def write(self) -> bool:
        """Write down everything gathered so far; False (keeping it all) if the database refused."""
        delivered, refused = self._delivered, self._refused
        self._delivered, self._refused = [], []
        if delivered or refused:
            try:
                await self.db.write_now(_record, delivered, [(m.id, reason) for m, reason in refused], self.now_stamp())
            except (sqlite3.Error, OSError) as exc:
                self._delivered[:0], self._refused[:0] = delivered, refused
                self.stats.write_failures += 1
                log.warning("could not record %d sent messages yet: %s", len(delivered) + len(refused), exc)
                return False
            except BaseException:                   # cancelled at stop: `stop` writes them (again, harmlessly)
                self._delivered[:0], self._refused[:0] = delivered, refused
                raise
            self.unwritten.difference_update(oid for oid, _, _ in delivered)
            self.unwritten.difference_update(m.id for m, _ in refused)
            self._hooks += refused
        return await self._consequences()

    async def _consequences(self) -> bool:
        """A refused message may need a change (reroute an assignment, mark a group as lost)."""
        while self._hooks:
            message, reason = self._hooks[0]
            if self.on_failed is not None:
                try:
                    await self.on_failed(message, reason)
                except (sqlite3.Error, OSError) as exc:
                    log.warning("refused message %s not handled yet: %s", message.id, exc)
                    return False
                except Exception:
                    log.exception("handling refused message %s failed", message.id)
            self._hooks.pop(0)
        return True


def _record(conn: sqlite3.Connection, delivered: list[Delivered], refused: list[tuple[int, str]], now: str) -> None:
    outbox_db.mark_sent(conn, delivered, now)
    for outbox_id, reason in refused:
        outbox_db.mark_failed(conn, outbox_id, reason)
