"""The one sender of the outbox: most urgent first, under Telegram's limits, patient with its errors."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
                            TelegramError, TimedOut)

from bot.core.config import Settings
from bot.delivery.media import send_media
from bot.delivery.ratelimit import ChatLimits
from bot.core.telegram_html import split_html
from db import Database
from db import outbox as outbox_db
from db.outbox import Outgoing

log = logging.getLogger(__name__)
BATCH = 200
MAX_BACKOFF = 300.0
GLOBAL_PAUSE = 1.0

FailureHook = Callable[[Outgoing, str], Awaitable[None]]
MigrationHook = Callable[[int, int], Awaitable[None]]


@dataclass
class SenderStats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    flood_waits: int = 0
    pin_failures: int = 0


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait (ptb gives int seconds or, in newer releases, a timedelta)."""
    delay = exc.retry_after
    return float(delay) if isinstance(delay, (int, float)) else delay.total_seconds()


class OutboxSender:
    """Delivers `outbox` rows. `wake()` after writing rows; `start()`/`stop()` around the bot's life."""

    def __init__(self, bot: Bot, db: Database, settings: Settings, clock_stamp: Callable[[], str],
                 on_failed: FailureHook | None = None, on_migrated: MigrationHook | None = None) -> None:
        self.bot, self.db = bot, db
        self.now_stamp = clock_stamp
        self.on_failed, self.on_migrated = on_failed, on_migrated
        self.limits = ChatLimits(settings.send_per_second, settings.send_per_group_minute,
                                 settings.send_per_chat_second)
        self.stats = SenderStats()
        self._wake = asyncio.Event()            # the loop has something to look at
        self._reread = True                     # new rows may be in the database
        self._idle = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._slots = asyncio.Semaphore(settings.send_concurrency)
        self._in_flight: set[int] = set()
        self._busy_chats: set[int] = set()
        self._not_before: dict[int, float] = {}
        self._attempts: dict[int, int] = {}
        self._paused_until = 0.0
        self._chat_paused: dict[int, float] = {}
        self._done: list[tuple[int, int, str | None]] = []
        self._unflushed: set[int] = set()      # sent, not yet marked so in the database
        self._tasks: set[asyncio.Task] = set()

    def wake(self) -> None:
        """New rows were written: look at the database again."""
        self._reread = True
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._flush()

    async def drained(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is pending that could be sent now (for tests and the demo)."""
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
            if not self._in_flight and not self._tasks:
                return

    async def _run(self) -> None:
        """Keep delivering; a failure of the loop itself (the database busy, say) is logged and retried."""
        while True:
            try:
                await self._loop()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox sender failed; starting again in a second")
                self._reread = True
                await asyncio.sleep(1.0)

    async def _loop(self) -> None:
        queue: list[Outgoing] = []
        while True:
            self._wake.clear()
            if self._reread or not queue:
                self._reread = False
                await self._flush()
                queue = await self.db.read(outbox_db.pending, BATCH, tuple(self._in_flight | self._unflushed))
            now = time.monotonic()
            wait_for: float | None = None
            started = False
            remaining: list[Outgoing] = []
            for index, message in enumerate(queue):
                if message.id in self._in_flight or message.id in self._unflushed:
                    continue
                if message.chat_id in self._busy_chats:
                    remaining.append(message)
                    continue
                overall, per_chat = self.limits.wait(message.chat_id, now)
                everyone = max(overall, self._paused_until - now)
                if everyone > 0:                      # nothing may go now: wait, keeping the order
                    remaining += queue[index:]
                    wait_for = everyone if wait_for is None else min(wait_for, everyone)
                    break
                this_one = max(per_chat, self._not_before.get(message.id, 0.0) - now,
                               self._chat_paused.get(message.chat_id, 0.0) - now)
                if this_one > 0:                      # this chat must wait; the next message may go
                    remaining.append(message)
                    wait_for = this_one if wait_for is None else min(wait_for, this_one)
                    continue
                await self._slots.acquire()
                self._launch(message)
                started = True
            queue = remaining
            if started:
                continue
            if not queue and not self._in_flight:
                self._idle.set()
            timeout = wait_for if wait_for is not None else (None if not queue else 0.05)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass

    def _launch(self, message: Outgoing) -> None:
        self._in_flight.add(message.id)
        self._busy_chats.add(message.chat_id)
        self.limits.start(message.chat_id)
        task = asyncio.create_task(self._deliver(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, message: Outgoing) -> None:
        counted = True
        try:
            sent = await self._send(message)
        except RetryAfter as exc:
            counted = False
            self._reread = True
            self.stats.flood_waits += 1
            delay = retry_seconds(exc)
            # Telegram does not say whether the chat or the whole bot is over its limit: that chat waits the
            # full time, everything else a moment, so that one busy chat cannot stall assignments elsewhere.
            now = time.monotonic()
            self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}
            self._chat_paused[message.chat_id] = now + delay
            self._paused_until = max(self._paused_until, now + min(delay, GLOBAL_PAUSE))
            log.warning("flood control in chat %s: waiting %ss", message.chat_id, delay)
        except ChatMigrated as exc:
            counted = False
            self._reread = True
            if self.on_migrated:
                await self.on_migrated(message.chat_id, exc.new_chat_id)
            await self.db.write(outbox_db.redirect_chat, message.chat_id, exc.new_chat_id)
        except (Forbidden, BadRequest, InvalidToken) as exc:
            self._forget(message.id)
            await self._fail(message, exc.message)
        except (TimedOut, NetworkError) as exc:
            self._retry_later(message, exc)
        except Exception as exc:                        # a bug must not lose the message: keep it, retry later
            log.exception("send %s failed unexpectedly", message.id)
            self._retry_later(message, exc)
        else:
            message_id, note = sent
            self._done.append((message.id, message_id, note))
            self._unflushed.add(message.id)
            self._forget(message.id)
            self.stats.sent += 1
            if len(self._done) >= 50:
                await self._flush()
        finally:
            self.limits.finish(message.chat_id, time.monotonic(), counted)
            self._in_flight.discard(message.id)
            self._busy_chats.discard(message.chat_id)
            self._slots.release()
            self._wake.set()

    def _forget(self, outbox_id: int) -> None:
        """The message is settled: drop its retry bookkeeping."""
        self._not_before.pop(outbox_id, None)
        self._attempts.pop(outbox_id, None)

    def _retry_later(self, message: Outgoing, exc: Exception) -> None:
        self.stats.retried += 1
        self._reread = True
        attempts = self._attempts[message.id] = self._attempts.get(message.id, message.attempts) + 1
        backoff = min(MAX_BACKOFF, 0.25 * 2 ** min(attempts, 12)) * (0.5 + random.random())
        self._not_before[message.id] = time.monotonic() + backoff
        log.info("send %s failed (%s); retry in %.1fs", message.id, exc, backoff)

    async def _send(self, message: Outgoing) -> tuple[int, str | None]:
        """Send (in parts if long); (id of the last part, a note if pinning failed)."""
        if message.method != "sendMessage":
            return await send_media(self.bot, message), None
        parts = split_html(message.text)
        markup = InlineKeyboardMarkup.de_json(message.reply_markup, self.bot) if message.reply_markup else None
        sent, note = None, None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await self.bot.send_message(message.chat_id, part, parse_mode=ParseMode.HTML,
                                               reply_markup=markup if last else None,
                                               disable_web_page_preview=True)
            if index == 0 and message.purpose.endswith("_pin"):
                note = await self._pin(message.chat_id, sent.message_id)
        return sent.message_id, note

    async def _pin(self, chat_id: int, message_id: int) -> str | None:
        """Pin a broadcast; a group that does not let the bot pin still has the message (the note says why)."""
        try:
            await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True)
        except TelegramError as exc:
            self.stats.pin_failures += 1
            log.warning("could not pin message %s in %s: %s", message_id, chat_id, exc)
            return f"pin: {exc.message}"
        return None

    async def _fail(self, message: Outgoing, reason: str) -> None:
        self.stats.failed += 1
        log.warning("message %s to %s failed for good: %s", message.id, message.chat_id, reason)
        await self._flush()
        await self.db.write(outbox_db.mark_failed, message.id, reason)
        if self.on_failed:
            await self.on_failed(message, reason)

    async def _flush(self) -> None:
        if self._done:
            done, self._done = self._done, []
            await self.db.write(outbox_db.mark_sent, done, self.now_stamp())
            self._unflushed.difference_update(oid for oid, _, _ in done)
