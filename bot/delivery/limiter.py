"""One rate limiter and one retry policy for every Bot API call: python-telegram-bot's `BaseRateLimiter`.

Sends wait for a slot in the shared sliding windows (overall per second, per group per minute, per private chat
per second); a 429 pauses that chat for `retry_after` (everyone else only a moment); 5xx, timeouts and dropped
connections are retried with backoff; what Telegram refuses for good (BadRequest, Forbidden, InvalidToken, a
migrated chat) is never retried."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Coroutine

from telegram.error import (BadRequest, ChatMigrated, Conflict, EndPointNotFound, Forbidden, InvalidToken,
                            NetworkError, RetryAfter, TelegramError)
from telegram.ext import BaseRateLimiter

from bot.delivery.ratelimit import ChatLimits

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
SEND_ENDPOINTS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "sendSticker", "sendVideo", "sendAudio",
                            "sendVoice", "sendAnimation", "sendLocation", "sendContact", "sendMediaGroup",
                            "copyMessage", "forwardMessage"})
# What a person waits for: retried until delivered or refused for good. Anything else (getMe and the command
# menus at start-up, say) gives up after a few tries, so that a bot pointed at the wrong server says so.
DELIVERY_ENDPOINTS = SEND_ENDPOINTS | {"editMessageText", "editMessageReplyMarkup", "answerCallbackQuery",
                                       "deleteMessage", "pinChatMessage"}
OTHER_ATTEMPTS = 3
# Refused for good. BadRequest is a NetworkError in python-telegram-bot, so these are tested first.
PERMANENT: tuple[type[TelegramError], ...] = (BadRequest, Forbidden, InvalidToken, EndPointNotFound, ChatMigrated,
                                          Conflict)
MAX_BACKOFF = 300.0
GLOBAL_PAUSE = 1.0


def backoff(attempt: int, cap: float = MAX_BACKOFF) -> float:
    """Seconds before try number `attempt + 1` (from 0.5 s, doubling, jittered, at most `cap`)."""
    return min(cap, 0.25 * 2.0 ** min(attempt, 12)) * (0.5 + random.random())


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait (ptb gives int seconds or, in newer releases, a timedelta)."""
    delay: object = exc.retry_after
    if isinstance(delay, timedelta):
        return delay.total_seconds()
    return float(delay) if isinstance(delay, (int, float)) else 1.0


@dataclass
class Patience:
    """How one call takes Telegram's refusals. `hand_back`: raise flood waits and network failures at once,
    for the outbox sender, which keeps its own per-message bookkeeping so that one chat's wait holds up no
    other message. Otherwise (direct replies): wait and retry until delivered or refused for good.
    `reserved`: the caller already holds a slot for the first try (`GridRateLimiter.reserve`); cleared when
    the try uses it."""

    hand_back: bool = False
    reserved: bool = False


PATIENT = Patience()


@dataclass
class LimiterStats:
    flood_waits: int = 0
    retried: int = 0


class GridRateLimiter(BaseRateLimiter[Patience]):
    """The one limiter of the bot (`ApplicationBuilder().rate_limiter(...)`); the outbox sender asks it too
    (`ready_in`) before it picks the next message."""

    def __init__(self, limits: ChatLimits, *, retry_cap: float = 30.0) -> None:
        self.limits = limits
        self.retry_cap = retry_cap
        self.stats = LimiterStats()
        self.paused_until = 0.0
        self.chat_paused: dict[int, float] = {}
        self.replies_waiting = 0           # patient sends waiting for a slot: the outbox lets them go first

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def ready_in(self, chat_id: int, now: float, *, reply: bool = False) -> tuple[float, float]:
        """(seconds until anything may be sent, seconds until this chat may be sent to). `reply`: a direct reply
        in a private chat does not wait for that chat's own window (see `_slot`), only for a pause."""
        overall, per_chat = self.limits.wait(chat_id, now)
        if reply and chat_id > 0:
            per_chat = 0.0
        everyone = max(overall, self.paused_until - now)
        if self.replies_waiting and everyone <= 0 and not reply:
            everyone = self.limits.spacing
        return everyone, max(per_chat, self.chat_paused.get(chat_id, 0.0) - now)

    def reserve(self, chat_id: int) -> Patience:
        """Take a slot for a send to `chat_id` now (the caller checked `ready_in`); pass the result as the
        send's `rate_limit_args`, and `unreserve` if the send was never tried."""
        self.limits.start(chat_id)
        return Patience(hand_back=True, reserved=True)

    def unreserve(self, chat_id: int, patience: Patience) -> None:
        if patience.reserved:
            patience.reserved = False
            self.limits.finish(chat_id, time.monotonic(), False)

    def flood(self, chat_id: int | None, delay: float) -> None:
        """Telegram said 429. It does not say whether the chat or the whole bot is over its limit: that chat
        waits the full time, everything else a moment, so that one busy chat cannot stall the rest."""
        now = time.monotonic()
        self.stats.flood_waits += 1
        if len(self.chat_paused) > 64:
            self.chat_paused = {c: t for c, t in self.chat_paused.items() if t > now}
        if chat_id is not None:
            self.chat_paused[chat_id] = max(self.chat_paused.get(chat_id, 0.0), now + delay)
            if self.limits.wait(chat_id, now)[1] > 0:
                # This chat was over its own window (a private reply does not wait for it): that explains the
                # 429, and the rest need not pause.
                log.warning("flood control in chat %s: waiting %.0fs", chat_id, delay)
                return
        self.paused_until = max(self.paused_until, now + min(delay, GLOBAL_PAUSE))
        log.warning("flood control in chat %s: waiting %.0fs", chat_id, delay)

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, ApiResult]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: Patience | None) -> ApiResult:
        patience = rate_limit_args or PATIENT
        chat_id = _chat_id(data.get("chat_id"))
        counted = endpoint in SEND_ENDPOINTS and chat_id is not None
        attempt = 0
        while True:
            if patience.reserved:
                patience.reserved = False
            elif counted and chat_id is not None:
                await self._slot(chat_id, priority=not patience.hand_back)
            else:
                await self._unpaused(chat_id)
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._end(chat_id, counted, sent=False)
                self.flood(chat_id, retry_seconds(exc))
                if patience.hand_back:
                    raise
                continue
            except PERMANENT:
                self._end(chat_id, counted, sent=False)
                raise
            except NetworkError as exc:                    # 5xx, timeouts, dropped connections
                self._end(chat_id, counted, sent=True)       # a timed-out send may have gone out: it counts
                attempt += 1
                if patience.hand_back or (endpoint not in DELIVERY_ENDPOINTS and attempt >= OTHER_ATTEMPTS):
                    raise
                delay = backoff(attempt, self.retry_cap)
                self.stats.retried += 1
                # A message being retried is worth a warning; a call made at start-up (getMe) fails loudly on its
                # own after its last try, so its retries stay out of the operator's way.
                level = logging.WARNING if endpoint in DELIVERY_ENDPOINTS else logging.INFO
                log.log(level, "%s to chat %s failed (%s); try %d in %.1fs", endpoint, chat_id, exc, attempt + 1,
                        delay)
                await asyncio.sleep(delay)
                continue
            except BaseException:
                self._end(chat_id, counted, sent=False)
                raise
            self._end(chat_id, counted, sent=True)
            return result

    async def _slot(self, chat_id: int, *, priority: bool) -> None:
        """Wait until this send fits every window, then hold its place (in flight) until it ends."""
        self.replies_waiting += priority
        try:
            while True:
                now = time.monotonic()
                overall, per_chat = self.limits.wait(chat_id, now)
                if priority and chat_id > 0:
                    # A reply in a private chat answers that person's own action, at the pace they act: it is
                    # counted in the chat's window (the outbox keeps its distance) but does not wait for it,
                    # as Telegram allows such short bursts. If Telegram refuses one, the chat pauses instead.
                    per_chat = 0.0
                wait = max(overall, per_chat, self.paused_until - now, self.chat_paused.get(chat_id, 0.0) - now)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
        finally:
            self.replies_waiting -= priority
        self.limits.start(chat_id)

    async def _unpaused(self, chat_id: int | None) -> None:
        while True:
            now = time.monotonic()
            wait = max(self.paused_until - now, self.chat_paused.get(chat_id, 0.0) - now if chat_id else 0.0)
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _end(self, chat_id: int | None, counted: bool, *, sent: bool) -> None:
        if counted and chat_id is not None:
            self.limits.finish(chat_id, time.monotonic(), sent)


def _chat_id(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None
