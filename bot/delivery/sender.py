"""The one sender of the outbox: most urgent first, under Telegram's limits, patient with its errors.

Limits, flood waits and the backoff schedule are the bot's one limiter's (`bot.delivery.limiter`); the sender
keeps what is per message: which chat is busy, when a failed message may be tried again, and writing down
each message as it is settled (`bot.delivery.settle`), so that a crash repeats only the messages in flight."""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from dataclasses import replace
from functools import partial
from typing import Any, Awaitable, Callable

from telegram.constants import ParseMode
from telegram.error import ChatMigrated, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning
from telegram.ext import ExtBot

from bot.core.config import Settings
from bot.core.telegram_html import split_html
from bot.delivery.media import send_media
from bot.delivery.limiter import PATIENT, PERMANENT, GridRateLimiter, Patience, backoff
from bot.delivery.ratelimit import ChatLimits
from bot.delivery.settle import FailureHook, Settler, SenderStats
from bot.delivery.tasks import cancel_and_wait, wind_down
from db import Database
from db import outbox as outbox_db
from db.outbox import REPLY, Outgoing

__all__ = ["OutboxSender", "SenderStats", "FailureHook", "MigrationHook"]

log = logging.getLogger(__name__)
BATCH = 200
NO_PREVIEW = {"is_disabled": True}
# `do_api_request("sendMessage", ...)` is python-telegram-bot's public call for a method given as JSON; it warns
# that `send_message` exists, which is meant for code that could use it: here the JSON is what the row holds.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning)

MigrationHook = Callable[[int, int], Awaitable[None]]


class OutboxSender:
    """Delivers `outbox` rows. `wake()` after writing rows; `start()`/`stop()` around the bot's life."""

    def __init__(self, bot: ExtBot[Any], db: Database, settings: Settings, clock_stamp: Callable[[], str],
                 on_failed: FailureHook | None = None, on_migrated: MigrationHook | None = None, *,
                 limiter: GridRateLimiter | None = None) -> None:
        self.bot, self.db = bot, db
        self.on_migrated = on_migrated
        if limiter is None:
            limiter = bot.rate_limiter if isinstance(bot.rate_limiter, GridRateLimiter) else GridRateLimiter(
                ChatLimits(settings.send_per_second, settings.send_per_group_minute, settings.send_per_chat_second))
        self.limiter = limiter
        self.stats = SenderStats()
        self.settled = Settler(db, clock_stamp, self.stats, on_failed)
        self._wake = asyncio.Event()            # the loop has something to look at
        self._reread = True                     # new rows may be in the database
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(settings.send_concurrency)
        # Replies answer people who wait for them, as many at once as updates are handled at once: behind the
        # outbox's few slots, a crowd's replies queued up where direct sends had not.
        self._reply_slots = asyncio.Semaphore(settings.concurrent_updates)
        self._in_flight: set[int] = set()
        self._busy_chats: set[int] = set()
        self._not_before: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._pushed: list[Outgoing] = []
        # Replies are handed over as they commit (`push`) and handed back here when a send must be tried again,
        # so the database is asked for them only until it has given back those an earlier run left pending.
        self._read_replies = True

    @property
    def limits(self) -> ChatLimits:
        return self.limiter.limits

    def wake(self) -> None:
        """New rows were written: look at the database again."""
        self._reread = True
        self._wake.set()

    def push(self, messages: list[Outgoing]) -> None:
        """Replies just committed: sent from memory at once, ahead of the rest, without reading them back (a
        push lost at a stop costs nothing: the rows are pending, and the next start reads them)."""
        self._pushed += messages
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self.settled.start()
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, grace: float = 5.0) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None
        # Sends under way get a moment to end; one waiting out a long flood pause is cut short (its message stays
        # pending and goes after the next start).
        await wind_down(self._tasks, grace)
        await self.settled.stop()

    async def drained(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is pending that could be sent now, and every settled message is written down
        (for tests and the demo)."""
        self.wake()
        try:
            await asyncio.wait_for(self._wait_idle(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    async def _wait_idle(self) -> None:
        while True:
            self._idle.clear()
            self.wake()
            await self._idle.wait()
            if not self._in_flight and not self._tasks and not self.settled.unwritten:
                return
            await asyncio.sleep(0.01)

    async def _run(self) -> None:
        """Keep delivering; a failure of the loop itself (a read refused, say) is logged and retried."""
        while True:
            try:
                await self._loop()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox sender: %s; starting again in a second", exc)
                self._reread = self._read_replies = True
                await asyncio.sleep(1.0)

    async def _loop(self) -> None:
        queue: list[Outgoing] = []
        more = False
        while True:
            self._wake.clear()
            # The database is read when it has something new (`wake`, a retry), or when the last read was a full
            # batch; not because the queue ran dry: pushed replies empty it all the time, and reading 200 rows
            # back for each of them was a tenth of the database thread's work in bench/intake.py.
            if self._reread or (not queue and more):
                self._reread = False
                # Replies waiting for their chat stay: the read does not bring them back.
                kept = [] if self._read_replies else [m for m in queue if m.priority == REPLY]
                read = await self.db.read_now(partial(outbox_db.pending, replies=self._read_replies), BATCH,
                                              tuple(self._in_flight | self.settled.unwritten))
                more = len(read) >= BATCH
                self._read_replies = more and read[-1].priority == REPLY      # replies come first: all read?
                queue = sorted(kept + read, key=_order) if kept else read
            if self._pushed:                          # replies: the top priority, in order (a chat's own first)
                pushed, self._pushed = self._pushed, []
                known = {m.id for m in queue}
                queue = sorted(queue + [m for m in pushed if m.id not in known], key=_order)
            now = time.monotonic()
            wait_for: float | None = None
            started = False
            remaining: list[Outgoing] = []
            held: set[int] = set()                    # chats with an earlier message waiting: keep their order
            for index, message in enumerate(queue):
                if message.id in self._in_flight or message.id in self.settled.unwritten:
                    continue
                if message.chat_id in self._busy_chats or message.chat_id in held:
                    remaining.append(message)
                    continue
                everyone, per_chat = self.limiter.ready_in(message.chat_id, now, reply=message.priority == REPLY)
                if everyone > 0:                      # nothing may go now: wait, keeping the order
                    remaining += queue[index:]
                    wait_for = everyone if wait_for is None else min(wait_for, everyone)
                    break
                this_one = max(per_chat, self._not_before.get(message.id, 0.0) - now)
                if this_one > 0:                      # this chat must wait; the next message may go
                    remaining.append(message)
                    held.add(message.chat_id)
                    wait_for = this_one if wait_for is None else min(wait_for, this_one)
                    continue
                await self._slots_for(message).acquire()
                self._launch(message)
                started = True
            queue = remaining
            if started:
                continue
            # (a send that just failed sets `_reread`, or hands its reply back to `_pushed`)
            if not queue and not self._in_flight and not self._reread and not self._pushed:
                self._idle.set()
            timeout = wait_for if wait_for is not None else (None if not queue else 0.05)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    def _slots_for(self, message: Outgoing) -> asyncio.Semaphore:
        return self._reply_slots if message.priority == REPLY else self._slots

    def _launch(self, message: Outgoing) -> None:
        self._in_flight.add(message.id)
        self._busy_chats.add(message.chat_id)
        # The slot is taken now, not when the task first runs, so that this pass of the loop sees it taken.
        patience = self.limiter.reserve(message.chat_id)
        task = asyncio.create_task(self._deliver(message, patience))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message: Outgoing, patience: Patience) -> None:
        try:
            sent = await self._send(message, patience)
        except RetryAfter:                              # the limiter paused the chat; try it again later
            self._again(message)
            # A private chat's reply goes without waiting for the chat's own window (see limiter._slot), so a
            # 429 there is expected now and then; `flood_waits` stays the count of the outbox's other rows.
            if message.priority == REPLY:
                self.stats.reply_flood_waits += 1
            else:
                self.stats.flood_waits += 1
        except ChatMigrated as exc:
            await self._follow(message, exc.new_chat_id)
        except PERMANENT as exc:
            self._forget(message.id)
            self.settled.failed(message, exc.message)
        except NetworkError as exc:
            self._retry_later(message, exc)
        except Exception as exc:                        # a bug must not lose the message: keep it, retry later
            log.exception("send %s failed unexpectedly", message.id)
            self._retry_later(message, exc)
        else:
            message_id, note = sent
            self._forget(message.id)
            self.settled.sent(message.id, message_id, note)
        finally:
            self.limiter.unreserve(message.chat_id, patience)
            self._in_flight.discard(message.id)
            self._busy_chats.discard(message.chat_id)
            self._slots_for(message).release()
            self._wake.set()

    async def _follow(self, message: Outgoing, new_chat_id: int) -> None:
        try:
            if self.on_migrated:
                await self.on_migrated(message.chat_id, new_chat_id)
            await self.db.write(outbox_db.redirect_chat, message.chat_id, new_chat_id)
            self._again(replace(message, chat_id=new_chat_id))
        except Exception as exc:                        # the database is busy: the next try meets the migration again
            log.warning("chat %s moved to %s, not recorded yet: %s", message.chat_id, new_chat_id, exc)
            self._retry_later(message, exc)

    def _forget(self, outbox_id: int) -> None:
        """The message is settled: drop its retry bookkeeping."""
        self._not_before.pop(outbox_id, None)
        self._attempts.pop(outbox_id, None)

    def _again(self, message: Outgoing) -> None:
        """A message to try again: a reply back into the queue from memory (the database is not read for
        replies), any other row by reading the outbox again."""
        if message.priority == REPLY:
            self._pushed.append(message)
        else:
            self._reread = True

    def _retry_later(self, message: Outgoing, exc: Exception) -> None:
        self.stats.retried += 1
        self._again(message)
        attempts = self._attempts[message.id] = self._attempts.get(message.id, message.attempts) + 1
        delay = backoff(attempts)
        self._not_before[message.id] = time.monotonic() + delay
        log.info("send %s to chat %s failed (%s); retry in %.1fs", message.id, message.chat_id, exc, delay)

    async def _send(self, message: Outgoing, patience: Patience) -> tuple[int, str | None]:
        """Send (in parts if long); (id of the last part, a note if pinning failed)."""
        if message.method != "sendMessage":
            return await send_media(self.bot, message, patience), None
        parts = split_html(message.text)
        message_id, note = 0, None
        for index, part in enumerate(parts):
            fields: dict[str, Any] = {"chat_id": message.chat_id, "text": part, "parse_mode": ParseMode.HTML.value,
                                      "link_preview_options": NO_PREVIEW}
            if message.reply_markup and index == len(parts) - 1:
                fields["reply_markup"] = message.reply_markup
            # The row's keyboard is Bot API JSON already, and only the new message's id is needed: the call goes
            # out as it is, and the answer is not built into a Message (with every button of its keyboard again).
            # That object building was the largest part of a reply's cost in bench/intake.py's profile.
            sent = await self.bot.do_api_request("sendMessage", api_kwargs=fields,
                                                 rate_limit_args=patience if index == 0 else Patience(hand_back=True))
            message_id = int(sent["message_id"])
            if index == 0 and message.purpose.endswith("_pin"):
                note = await self._pin(message.chat_id, message_id)
        return message_id, note

    async def _pin(self, chat_id: int, message_id: int) -> str | None:
        """Pin a broadcast; a group that does not let the bot pin still has the message (the note says why)."""
        try:
            await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True,
                                            rate_limit_args=PATIENT)
        except TelegramError as exc:
            self.stats.pin_failures += 1
            log.warning("could not pin message %s in chat %s: %s", message_id, chat_id, exc.message)
            return f"pin: {exc.message}"
        return None


def _order(message: Outgoing) -> tuple[int, int]:
    """The outbox's order: most urgent first, then oldest (as `outbox.pending` reads it)."""
    return message.priority, message.id
