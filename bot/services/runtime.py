"""What handlers need at hand: settings, the database, the clock, the timers (and, set by the wiring, the
outbox sender; the database wakes it through its own hook, so nothing here calls it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Sequence, TypeVar

from bot.core.clock import Clock, SystemClock, stamp
from bot.core.config import Settings
from bot.services.replies import Ready, Reply, queue
from db import Database
from db.outbox import Outgoing
from db import timers as timers_db

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    bot_username: str = ""
    sender: Any = None                  # the outbox sender (bot.app.wiring); services never call it
    replies_ready: Ready | None = None  # the sender's `push`, set by the wiring: replies committed just now

    def now(self) -> datetime:
        return self.clock.now()

    def stamp(self) -> str:
        return stamp(self.clock.now())

    async def change(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a state change (one transaction, outbox rows included)."""
        return await self.db.write(fn, *args)

    async def handle(self, update_id: int, fn: Callable[..., T], *args: Any,
                     replies: Callable[[Any], Sequence[Reply]] | None = None,
                     small: bool = False) -> tuple[bool, T | None]:
        """A state change caused by a Telegram update, done at most once per update id; `replies(result)` are
        written as outbox rows in the same transaction, so that the change never commits without them.
        `small`: a change of a few rows by an index (a form's step, a card's button), run in the event loop
        (`Database.write_now`)."""
        now = self.stamp()
        if replies is None:
            return await self.db.write_once(update_id, now, fn, *args, small=small)
        answer = replies
        written: list[Outgoing] = []

        def answered(conn: Any, *values: Any) -> T:
            result = fn(conn, *values)
            written[:] = queue(conn, now, answer(result))
            return result

        done = await self.db.write_once(update_id, now, answered, *args, small=small)
        self._ready(written)
        return done

    async def reply(self, replies: Sequence[Reply]) -> None:
        """Replies that answer no state change (help, a usage hint) or come after it: their own transaction."""
        if replies:
            self._ready(await self.db.write_now(queue, self.stamp(), replies))

    def _ready(self, written: list[Outgoing]) -> None:
        if written and self.replies_ready is not None:
            self.replies_ready(written)

    async def tick(self) -> int:
        """Fire every timer and broadcast that is due by the clock, and close finished broadcast runs;
        the number of report timers fired."""
        from bot.services.broadcasting import finish_runs, fire_due
        from bot.services.casework import fire_timer
        from bot.services.gathering_checks import fire_due as remind_gatherings

        now = self.clock.now()
        fired = 0
        for timer in await self.db.read(timers_db.due, stamp(now)):
            outcome = await self.change(fire_timer, self.settings, timer, now)
            fired += outcome != "stale"
        await self.change(remind_gatherings, self.settings, now)
        await self.change(fire_due, self.settings, now)
        await self.change(finish_runs, self.settings, now)
        return fired
