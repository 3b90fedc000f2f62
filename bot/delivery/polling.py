"""Long polling that confirms an update only once it is handled.

Telegram forgets every update below the `offset` of a getUpdates call. python-telegram-bot's `Updater` moves
the offset past a batch as soon as it has fetched it, so a crash loses what was fetched and not yet handled.
Here the offset sent is always the lowest update still unfinished: a crash, or a handler whose transaction
failed, means Telegram delivers the update again, and the update id claimed in the handler's transaction
makes that harmless.

The price: every getUpdates call also brings back the updates still being handled, and at most `limit`
updates past the oldest unfinished one can be seen. So the answer is read as plain JSON and only new updates
are turned into ptb objects (that is most of the cost of an update), and the poller fetches again once half
of what runs has finished, when nothing finished for a moment (one slow handler holds up no one for long),
or, when a whole batch brought nothing new, once the oldest unfinished update finished."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Sequence
from urllib.parse import urlencode

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.delivery.limiter import backoff
from bot.delivery.tasks import cancel_and_wait, wind_down

log = logging.getLogger(__name__)
LIMIT = 100
TRIES = 5                                  # a failed transaction is tried this often before the person is told
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)        # between those tries (with the database's own 10 s busy wait each)
QUIET = 0.05                               # nothing finished for this long: fetch again (doubling up to 1 s)
AppType = Application[Any, Any, Any, Any, Any, Any]


class UpdatePoller:
    """Fetches updates, hands each to the application's update processor (per-user order, concurrent across
    people), and confirms them in order as they finish. `again(update_id)` is the error handler's way to ask
    for one more try of an update whose transaction failed."""

    def __init__(self, application: AppType, request: BaseRequest, *, allowed_updates: Sequence[str] | None = None,
                 timeout: int = 30, tries: int = TRIES, retry_delays: Sequence[float] = RETRY_DELAYS) -> None:
        self.application = application
        self.request = request                  # the bot's getUpdates transport (long read timeout)
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.timeout = timeout
        self.tries, self.retry_delays = tries, tuple(retry_delays)
        self.handled = 0
        self.gave_up = 0
        self._known: set[int] = set()          # fetched ids at or past the offset, running or finished
        self._unfinished: set[int] = set()
        self._highest = -1
        self._tried: dict[int, int] = {}
        self._again: set[int] = set()
        self._progress = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    @property
    def offset(self) -> int | None:
        """What the next getUpdates confirms: everything below it is handled."""
        if self._unfinished:
            return min(self._unfinished)
        return self._highest + 1 if self._highest >= 0 else None

    def again(self, update_id: int) -> bool:
        if self._tried.get(update_id, self.tries) >= self.tries:
            self.gave_up += update_id in self._tried
            return False
        self._again.add(update_id)
        return True

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The fetching loop: it ends only by `stop`, or with the error that made polling impossible."""
        return self._task

    async def start(self) -> None:
        # Telegram refuses getUpdates while a webhook is set.
        await self.application.bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._poll(), name="update-poller")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop fetching, give running handlers `grace` seconds, then confirm what finished. A handler cut
        short leaves its update unconfirmed: it comes again at the next start."""
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        await wind_down(self._tasks, grace)
        if self.offset is not None:
            try:
                await self._fetch(self.offset, limit=1, timeout=0)
            except TelegramError as exc:
                log.warning("could not confirm the last updates at stop (%s): they will come again", exc)

    async def _poll(self) -> None:
        failures, quiet = 0, QUIET
        stalled = False
        while True:
            await self._room(stalled, quiet)
            offset = self.offset
            try:
                updates = await self._fetch(offset, limit=LIMIT, timeout=0 if self._unfinished else self.timeout)
            except InvalidToken:
                raise
            except TelegramError as exc:
                failures += 1
                delay = backoff(failures, 30.0) if not isinstance(exc, Conflict) else 5.0
                log.warning("getUpdates failed (%s); trying again in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                log.warning("getUpdates works again")
                failures = 0
            fresh = [u for u in updates
                     if u["update_id"] not in self._known and (offset is None or u["update_id"] >= offset)]
            for raw in fresh:
                try:
                    update = Update.de_json(raw, self.application.bot)
                except Exception:                # nothing can handle it: let the offset pass it
                    log.exception("update %s cannot be read; skipped", raw.get("update_id"))
                    self._known.add(raw["update_id"])
                    self._highest = max(self._highest, raw["update_id"])
                    continue
                self._dispatch(update)
            self._known = {i for i in self._known if offset is None or i >= offset}
            stalled = not fresh and len(updates) >= LIMIT
            quiet = QUIET if fresh else min(1.0, quiet * 2)

    async def _fetch(self, offset: int | None, *, limit: int, timeout: int) -> list[dict[str, Any]]:
        """getUpdates, answered as JSON (a query string is how Telegram also takes the parameters)."""
        params: dict[str, Any] = {"limit": limit, "timeout": timeout}
        if offset is not None:
            params["offset"] = offset
        if self.allowed_updates is not None:
            params["allowed_updates"] = json.dumps(self.allowed_updates)
        url = f"{self.application.bot.base_url}/getUpdates?{urlencode(params)}"
        result = await self.request.post(url, read_timeout=(self.request.read_timeout or 0) + timeout)
        return result if isinstance(result, list) else []

    async def _room(self, stalled: bool, quiet: float) -> None:
        """Wait until fetching again can bring something new (see the module's docstring)."""
        if stalled:
            oldest = self.offset
            while self._unfinished and self.offset == oldest:
                await self._wait_progress(None)
            return
        target = len(self._unfinished) // 2
        while len(self._unfinished) > target:
            if not await self._wait_progress(quiet):
                return

    async def _wait_progress(self, timeout: float | None) -> bool:
        self._progress.clear()
        try:
            await asyncio.wait_for(self._progress.wait(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    def _dispatch(self, update: Update) -> None:
        self._known.add(update.update_id)
        self._unfinished.add(update.update_id)
        self._highest = max(self._highest, update.update_id)
        processor = self.application.update_processor
        task = asyncio.create_task(processor.process_update(update, self._handle(update)))
        self._tasks.add(task)
        task.add_done_callback(self._finished(update.update_id))

    def _finished(self, update_id: int) -> Any:
        def done(task: asyncio.Task[None]) -> None:
            self._tasks.discard(task)
            self._tried.pop(update_id, None)
            self._again.discard(update_id)
            if task.cancelled():                # cut short at stop: stays unconfirmed
                return
            if task.exception() is not None:
                log.error("update %s: %s", update_id, task.exception())
            self._unfinished.discard(update_id)
            self._progress.set()
        return done

    async def _handle(self, update: Update) -> None:
        """Run the handlers; while the error handler asks for it (`again`), wait a little and run them again."""
        update_id = update.update_id
        for attempt in range(self.tries):
            self._tried[update_id] = attempt + 1
            await self.application.process_update(update)
            if update_id not in self._again:
                self.handled += 1
                return
            self._again.discard(update_id)
            await asyncio.sleep(self.retry_delays[min(attempt, len(self.retry_delays) - 1)])
